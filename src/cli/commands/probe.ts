/**
 * `mqtt-sign probe <target>` and `mqtt-sign probe <platform> --<platform flags>`: connect step by step and say
 * why a device cannot connect. The edge part: flags, secrets, the CA file, the real sockets and clock, Ctrl-C,
 * and printing; the dialogue itself is src/probe.
 */
import { toJson } from '../../json-text.js';
import { Option, type Command } from 'commander';
import { UsageError } from '../../errors.js';
import { catalogues, message, type Lang } from '../../messages.js';
import { termSafe, TERM_LINE_MAX } from '../../terminal-text.js';
import { aliases, platforms } from '../../platforms/index.js';
import { sign } from '../../platforms/sign.js';
import type { Signer } from '../../platforms/types.js';
import { connackPlatforms, parseTarget, probe, probeClientId, probeReport, probeText, targetUrl, type ProbeCredentials, type ProbeResult, type ProbeTarget } from '../../probe/index.js';
import { clientRules, ruleReport, type ClientKind, type RuleResult } from '../../probe/client-rules.js';
import type { CliContext } from '../context.js';
import { interruptSignal } from '../interrupt.js';
import { palette } from '../palette.js';
import { mask, maskParams, redact, resolveSecrets } from '../secrets.js';
import { readSignerOptions, signerOptionSpecs } from '../signer-options.js';
import { addOptions } from '../commander-options.js';

interface ProbeFlags {
  readonly clientId?: string;
  readonly username?: string;
  readonly password?: string;
  readonly timeout: string;
  readonly roundtrip?: boolean;
  readonly topic?: string;
  readonly format: 'text' | 'json';
  readonly cafile?: string;
  readonly insecure?: boolean;
  readonly protocol: '3.1' | '3.1.1' | '5';
  readonly url?: string;
  readonly platform?: string;
  readonly wechat?: boolean;
  readonly browser?: boolean;
}

const VERSIONS = { '3.1': 3, '3.1.1': 4, '5': 5 } as const;
/** Keeps a typed password out of shell history, as the platform secrets do. */
const PASSWORD_ENV = 'MQTT_SIGN_PASSWORD';
const MAX_TIMEOUT_S = 3600;

export function registerProbe(program: Command, ctx: CliContext): void {
  const lang = ctx.lang();
  // `probe` itself takes no options: they all belong to its subcommands, so `probe aliyun --client-id …` reaches
  // aliyun's own flag. Commander matches a parent's known options anywhere on the line.
  const probeCmd = program.command('probe').description(message('probe.cmd.description', {}, lang)).helpCommand(false);
  probeCmd.addHelpText('after', examples(lang));
  // The default subcommand: `probe mqtt://…` means `probe target mqtt://…`.
  const cmd = probeCmd
    .command('target', { isDefault: true })
    .description(message('probe.cmd.target', {}, lang))
    .argument('<target>', message('probe.arg.target', {}, lang));
  addProbeOptions(cmd, lang, new Set());
  cmd.addOption(new Option('--platform <id>', message('probe.opt.platform', {}, lang)).choices(connackPlatforms).default('generic'));
  cmd.addHelpText('after', examples(lang));
  cmd.action((target: string) => run(ctx, cmd, { target }));

  for (const signer of Object.values(platforms)) {
    const sub = probeCmd.command(signer.id).description(message('probe.cmd.platform', { title: signer.title }, lang));
    for (const [alias, id] of Object.entries(aliases)) if (id === signer.id) sub.alias(alias);
    addOptions(sub, signerOptionSpecs(signer), lang);
    // A platform's own flag of the same name (a generic broker's --username) wins over the probe's.
    addProbeOptions(sub, lang, new Set(signer.params.map((p) => p.flag)));
    sub.option('--url <target>', message('probe.opt.url', {}, lang));
    sub.addHelpText('after', ['', message('cli.help.example', {}, lang), `  $ mqtt-sign probe ${signer.example}`, `  $ mqtt-sign probe ${signer.example} --roundtrip --format json`, ''].join('\n'));
    sub.action(() => run(ctx, sub, { signer }));
  }
}

function addProbeOptions(cmd: Command, lang: Lang, taken: ReadonlySet<string>): void {
  const t = (key: string) => message(key, {}, lang);
  const login: [string, string][] = [
    ['client-id', '--client-id <id>'],
    ['username', '--username <name>'],
    ['password', '--password <password>'],
  ];
  for (const [flag, spec] of login) {
    if (!taken.has(flag)) cmd.option(spec, flag === 'password' ? `${t('probe.opt.password')} (${message('cli.help.env', { env: PASSWORD_ENV }, lang)}; ${t('cli.help.stdin')})` : t(`probe.opt.${flag === 'client-id' ? 'clientId' : flag}`));
  }
  cmd
    .option('--timeout <seconds>', t('probe.opt.timeout'), '5')
    .option('--roundtrip', t('probe.opt.roundtrip'))
    .option('--topic <topic>', t('probe.opt.topic'))
    .addOption(new Option('--format <format>', t('probe.opt.format')).choices(['text', 'json']).default('text'))
    .option('--cafile <file>', t('probe.opt.cafile'))
    .option('--insecure', t('probe.opt.insecure'))
    .addOption(new Option('--protocol <version>', t('probe.opt.protocol')).choices(Object.keys(VERSIONS)).default('3.1.1'))
    .addOption(new Option('--wechat', t('probe.opt.wechat')).conflicts(['browser', 'insecure']))
    .addOption(new Option('--browser', t('probe.opt.browser')).conflicts(['insecure']));
}

function examples(lang: Lang): string {
  return [
    '',
    message('cli.help.example', {}, lang),
    '  $ mqtt-sign probe mqtt://broker.example.com:1883',
    '  $ mqtt-sign probe mqtts://broker.example.com:8883 --cafile ca.pem --username dev1 --password - --roundtrip',
    '  $ mqtt-sign probe ws://broker.example.com:8083/mqtt --format json',
    '  $ mqtt-sign probe aliyun --product a1X2bEnP82z --device dev1 --secret - --tls',
    '',
  ].join('\n');
}

type Mode = { readonly target: string } | { readonly signer: Signer };

async function run(ctx: CliContext, cmd: Command, mode: Mode): Promise<void> {
  const { io } = ctx;
  const lang = ctx.lang();
  const flags = cmd.opts() as ProbeFlags;
  const seconds = Number(flags.timeout);
  // An hour is beyond any useful probe, and well inside what a timer can hold (2^31-1 ms; more fires at once).
  if (!(seconds > 0 && seconds <= MAX_TIMEOUT_S)) throw new UsageError('probe.option.timeout', { option: '--timeout', value: flags.timeout, max: MAX_TIMEOUT_S });
  if (flags.topic !== undefined && !flags.roundtrip) throw new UsageError('cli.option.needs', { option: '--topic', other: '--roundtrip' });
  const protocolVersion = VERSIONS[flags.protocol];
  const random = Buffer.from(io.randomBytes(8)).toString('hex');
  // In platform mode a flag the signer owns (a generic broker's --password) is the signer's, not an override.
  const own = (flag: string) => !('signer' in mode) || !mode.signer.params.some((p) => p.flag === flag);
  const [password] = own('password') ? await resolveSecrets([{ option: '--password', env: PASSWORD_ENV, value: flags.password }], io, lang) : [];
  const clientId = own('client-id') ? flags.clientId : undefined;
  const username = own('username') ? flags.username : undefined;
  const secrets = password === undefined ? [] : [password];

  let target: ProbeTarget;
  let credentials: ProbeCredentials | undefined;
  let platform = 'generic';
  let keepalive: number | undefined;
  if ('signer' in mode) {
    const input = await readSignerOptions(cmd.opts(), mode.signer, io, lang);
    secrets.push(...input.secrets);
    try {
      const signed = sign(mode.signer.id, input.params, {
        now: io.now(),
        random,
        salt: io.randomBytes(12),
        connect: { protocolVersion, qos: flags.roundtrip ? [1] : [] },
      });
      target = parseTarget(flags.url ?? signed.broker.url);
      credentials = {
        clientId: clientId ?? signed.credentials.clientId,
        username: username ?? signed.credentials.username,
        password: password ?? signed.credentials.password,
      };
      platform = mode.signer.id;
      keepalive = signed.rules.keepalive.default;
      const paint = await palette(ctx.color() && io.stderr.isTTY);
      for (const w of signed.warnings.filter((w) => w.level !== 'info')) {
        // Lint text quotes inputs; a secret among them is masked, as sign does.
        const text = catalogues.en[w.code] === undefined ? mask(w.message, secrets) : message(w.code, maskParams(w.params ?? {}, secrets), lang);
        io.stderr.write(`${paint.warn(message('cli.warning', { message: termSafe(text, TERM_LINE_MAX) }, lang))}\n`);
      }
    } catch (err) {
      throw redact(err, secrets);
    }
  } else {
    target = parseTarget(mode.target);
    platform = flags.platform ?? platform;
    if (clientId !== undefined || username !== undefined || password !== undefined) {
      credentials = { clientId: clientId ?? probeClientId(random), username: username ?? null, password: password ?? null };
    }
  }

  let ca: Uint8Array | undefined;
  if (flags.cafile !== undefined) {
    try {
      ca = await io.readFile(flags.cafile);
    } catch (err) {
      throw new UsageError('probe.option.cafile', { option: '--cafile', value: flags.cafile }, { cause: err });
    }
  }

  // The socket code loads only now, so other commands never pay for it.
  const { realClock, realTransport } = await import('../transport.js');
  const interrupt = interruptSignal();
  try {
    const result = await probe(
      target,
      {
        ...(credentials ? { credentials } : {}),
        platform,
        timeoutMs: seconds * 1000,
        protocolVersion,
        ...(keepalive === undefined ? {} : { keepalive }),
        roundtrip: flags.roundtrip === true,
        ...(flags.topic === undefined ? {} : { topic: flags.topic }),
        ...(ca === undefined ? {} : { ca }),
        insecure: flags.insecure === true,
        random,
        clock: realClock(),
        signal: interrupt.signal,
      },
      realTransport(),
    );
    const kind = flags.wechat ? 'wechat' : flags.browser ? 'browser' : undefined;
    const rules = kind === undefined ? undefined : clientRules(kind, result);
    const paint = await palette(ctx.color());
    if (flags.format === 'json') {
      const report = { ...probeReport(result, lang), ...(rules && kind ? { client: kind, rules: ruleReport(rules, lang) } : {}) };
      io.stdout.write(`${toJson(report, 2)}\n`);
    } else {
      io.stdout.write(probeText(result, lang, paint));
      if (rules && kind) io.stdout.write(rulesText(kind, result, rules, lang, paint));
    }
    ctx.exit(result.ok && !(rules ?? []).some((r) => r.ok === false) ? 0 : 1);
  } catch (err) {
    throw redact(err, secrets);
  } finally {
    interrupt.dispose();
  }
}

/** The client rules under the probe's steps: ✓ / ✗ / · (not reached) per rule, the fix under each failure. */
function rulesText(kind: ClientKind, result: ProbeResult, rules: readonly RuleResult[], lang: Lang, paint: Awaited<ReturnType<typeof palette>>): string {
  const lines = ['', paint.field(message('probe.rule.title', { kind: message(`probe.rule.kind.${kind}`, {}, lang), url: termSafe(targetUrl(result.target)) }, lang))];
  const width = Math.max(...rules.map((r) => r.rule.length));
  for (const r of ruleReport(rules, lang)) {
    const mark = r.ok === true ? paint.ok('✓') : r.ok === false ? paint.error('✗') : paint.dim('·');
    lines.push(`  ${mark} ${r.rule.padEnd(width)}  ${termSafe(r.message, Infinity)}`);
    if (r.fix !== null) lines.push(`    ${paint.dim(message('doctor.fix', { fix: r.fix }, lang))}`);
  }
  const failed = rules.filter((r) => r.ok === false).length;
  lines.push(failed === 0 ? paint.ok(message('probe.rule.verdict.ok', {}, lang)) : paint.error(message('probe.rule.verdict.failed', { count: failed }, lang)), '');
  return lines.join('\n');
}
