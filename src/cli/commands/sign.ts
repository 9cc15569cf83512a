/**
 * One command per platform signer (aliyun, onenet, …), generated from the signer's params: sign the login, build
 * the packets the flags ask for, print them in the chosen format, with the size report and the platform lint.
 * Its options are data (signOptionSpecs); commander builds them in sign-command.ts when a run needs commander.
 */
import { toJson } from '../../json-text.js';
import { checkTextSize } from '../../format/text-limit.js';
import { VARINT_MAX } from '../../wire.js';
import { readAtMost } from '../read-at-most.js';
import { UsageError } from '../../errors.js';
import { catalogues, message, type Lang } from '../../messages.js';
import { termSafe, TERM_LINE_MAX } from '../../terminal-text.js';
import type { FormatStyle } from '../../format/index.js';
import type { Formatted, Modem, Notice } from '../../format/formatter.js';
import { formatLoaders, formatStyles } from '../../format/lazy.js';
import { summaryLines } from '../../format/summary.js';
import { MODEM_ALIASES, MODEM_NAMES, MQTT_DIALECTS, RAW_DIALECTS } from '../../format/at-modems.js';
import { signWith } from '../../platforms/sign-with.js';
import type { PlatformTopic, SignParams, SignResult, Signer, Warning } from '../../platforms/types.js';
import type { CliContext } from '../context.js';
import type { OutStream } from '../writer.js';
import { buildPackets, plan, type PacketFlags } from '../packets.js';
import { palette } from '../palette.js';
import { mask, maskParams, redact } from '../secrets.js';
import { maskUserinfo } from '../../userinfo.js';
import { askForMissingSecret, readSignerOptions, signerOptionSpecs } from '../signer-options.js';
import { runtimeSpec } from '../runtime-spec.js';
import type { OptionSpec, OptionValues } from '../options.js';

const NAMED_FORMATS: readonly FormatStyle[] = ['c', 'arduino', 'python'];
/** The formats that print the WebSocket URL (table and hex in their summary). */
const WS_URL_FORMATS: readonly FormatStyle[] = ['json', 'table', 'hex', 'mqttjs', 'mqttx', 'env'];
/** json carries the lint inside; every other format (raw too: its bytes are on stdout) has it on stderr. */
const LINT_INSIDE: readonly FormatStyle[] = ['json'];

/** A platform command's options: the signer's params, then the packet and output options every platform shares. */
export function signOptionSpecs(signer: Signer): OptionSpec[] {
  return [...signerOptionSpecs(signer), ...PACKET_OPTIONS];
}

interface OutputFlags {
  readonly format?: FormatStyle;
  readonly name?: string;
  readonly compact?: boolean;
  readonly runtime?: boolean;
  readonly modem?: Modem;
  readonly copy?: boolean;
  readonly wsUrl?: string;
  readonly topics?: boolean;
}

const described = (flag: string, key: string, more: Omit<OptionSpec, 'flag' | 'describe'> = {}): OptionSpec => ({ flag, ...more, describe: (lang) => message(key, {}, lang) });
const QOS = ['0', '1', '2'];
const PACKET_OPTIONS: readonly OptionSpec[] = [
  described('protocol', 'cli.opt.protocol', { value: 'version', choices: ['3.1', '3.1.1', '5'], default: '3.1.1' }),
  described('keepalive', 'cli.opt.keepalive', { value: 'seconds' }),
  described('no-clean', 'cli.opt.clean'),
  described('will-topic', 'cli.opt.willTopic', { value: 'topic' }),
  described('will-payload', 'cli.opt.willPayload', { value: 'payload' }),
  described('will-qos', 'cli.opt.willQos', { value: 'qos', choices: QOS }),
  described('will-retain', 'cli.opt.willRetain'),
  described('publish', 'cli.opt.publish', { value: 'topic' }),
  described('payload', 'cli.opt.payload', { value: 'payload' }),
  described('no-envelope', 'cli.opt.envelope'),
  described('qos', 'cli.opt.qos', { value: 'qos', choices: QOS }),
  described('retain', 'cli.opt.retain'),
  described('message-id', 'cli.opt.messageId', { value: 'id' }),
  described('subscribe', 'cli.opt.subscribe', { value: 'filter[=qos]', repeat: true }),
  described('unsubscribe', 'cli.opt.unsubscribe', { value: 'filter', repeat: true }),
  described('ping', 'cli.opt.ping'),
  described('disconnect', 'cli.opt.disconnect'),
  described('topics', 'cli.opt.topics'),
  described('format', 'cli.opt.format', { value: 'style', choices: formatStyles }),
  described('name', 'cli.opt.name', { value: 'prefix' }),
  described('compact', 'cli.opt.compact'),
  described('runtime', 'firmware.opt.runtime'),
  described('modem', 'cli.opt.modem', { value: 'modem' }),
  described('copy', 'cli.opt.copy'),
  described('ws-url', 'cli.opt.wsUrl', { value: 'url' }),
];

/** The examples under a platform command's --help. */
export function examples(signer: Signer, lang: Lang): string {
  return [
    '',
    message('cli.help.example', {}, lang),
    `  $ mqtt-sign ${signer.example} --format c`,
    `  $ mqtt-sign ${signer.example} --format c --runtime`,
    `  $ mqtt-sign ${signer.example} --format at --modem sim800`,
    `  $ mqtt-sign ${signer.example} --format at --modem quectel-mqtt`,
    `  $ mqtt-sign ${signer.example} --topics`,
    '',
  ].join('\n');
}

/**
 * `--payload @-` / `--will-payload @-` read stdin: at most one of them, and not from a terminal (a payload is piped
 * in, not typed). `stdinIsTTY` is asked only then: asking builds process.stdin, which on a pipe loads node:net (~2 ms)
 * for a run that never reads it. Whether a payload reads stdin; a secret given as `-` beside it is refused by
 * readSignerOptions, as for verify's input.
 */
function payloadReadsStdin(opts: { readonly payload?: string; readonly willPayload?: string }, stdinIsTTY: () => boolean): boolean {
  const readers = [opts.payload === '@-' ? '--payload' : undefined, opts.willPayload === '@-' ? '--will-payload' : undefined].filter((o) => o !== undefined);
  if (readers.length === 0) return false;
  if (readers.length > 1) throw new UsageError('cli.payload.stdin.twice', { option: readers[0]!, other: readers[1]! });
  if (stdinIsTTY()) throw new UsageError('cli.payload.stdin.tty', { option: readers[0]! });
  return true;
}

/** A platform command's action, given its parsed options (by commander or by parsePlain). */
export async function runSign(values: OptionValues, signer: Signer, ctx: CliContext): Promise<void> {
  const { io } = ctx;
  const lang = ctx.lang();
  const opts = values as unknown as OutputFlags & Omit<PacketFlags, 'subscribe' | 'unsubscribe'> & { subscribe?: string[]; unsubscribe?: string[] };
  const style: FormatStyle = opts.format ?? (io.stdout.isTTY ? 'table' : 'c');
  checkOutputFlags(style, opts, io.stdout.isTTY);
  const flags: PacketFlags = { ...opts, subscribe: opts.subscribe ?? [], unsubscribe: opts.unsubscribe ?? [] };
  const planned = plan(flags);
  // Before any secret is read or asked for: stdin is read once, and a payload is not typed on a terminal.
  const payloadOnStdin = payloadReadsStdin(opts, () => io.stdinIsTTY);
  const input = await readSignerOptions(values, signer, io, lang, false, () => payloadOnStdin);
  let params = input.params;
  const secrets = [...input.secrets];
  try {
    const now = io.now();
    // The nonce and the salt are drawn only if the signer reads them (Aliyun registration, Tencent's connId, a passwd
    // line): randomBytes loads node:crypto (~3 ms), which a plain signing run otherwise never needs.
    let random: string | undefined;
    const signParams = (values: typeof params) => {
      let salt: Uint8Array | undefined;
      return signWith(signer, values, {
        now,
        get random() {
          return (random ??= Buffer.from(io.randomBytes(16)).toString('hex'));
        },
        get salt() {
          return (salt ??= io.randomBytes(12));
        },
        connect: {
          keepalive: planned.keepalive,
          protocolVersion: planned.protocolVersion,
          qos: planned.qos,
          subscribeQos: planned.subscribeQos,
          clean: planned.clean,
          retain: planned.publish?.retain === true || planned.will?.retain === true,
          will: planned.will !== undefined,
        },
      });
    };
    if (opts.topics) return printTopics(signWithoutSecrets(signer, params, signParams), style, ctx);
    let result: SignResult | undefined;
    // A secret nobody gave: on a terminal it is asked for, and the signing runs again (once per secret at most).
    for (let asked = 0; result === undefined; asked++) {
      try {
        result = signParams(params);
      } catch (err) {
        const answer = asked < signer.params.length ? await askForMissingSecret(err, signer, params, io, lang) : undefined;
        if (answer === undefined) throw err;
        params = { ...params, [answer.name]: answer.value };
        secrets.push(answer.value);
      }
    }
    const notes: Warning[] = [];
    const packets = await buildPackets(flags, planned, {
      notes,
      envelopeKeys: (topic) => signer.payloadEnvelopes?.find((row) => new RegExp(`^(?:${row.topic})$`).test(topic))?.required,
      credentials: result.credentials,
      rules: result.rules,
      topics: result.topics,
      // Read up to a bound: `--payload @/dev/zero` must not fill memory; no packet carries more than this.
      readFile: async (path) => {
        // @- is stdin (payloadReadsStdin and readSignerOptions made sure nothing else reads it); a file named "-" is @./-.
        const bytes = await readAtMost(path === '-' ? io.streamStdin() : io.streamFile(path), VARINT_MAX);
        if (bytes === null) throw new UsageError('cli.file.too-large', { option: '--payload', path, max: VARINT_MAX });
        return bytes;
      },
      envelope: signer.envelope && ((name, properties, messageId) => signer.envelope!(name, properties, { now, random, messageId, params })),
    });
    const signed = [...result.warnings, ...notes];
    // Lint text quotes inputs; a secret among them is masked like in errors (the credentials themselves are output).
    const warnings = signed.map((w) => localize(w, lang, secrets));
    const paint = style === 'table' && ctx.color() ? await palette(true) : undefined;
    const formatOptions = { name: opts.name, compact: opts.compact, runtime: opts.runtime, modem: opts.modem, lang, paint };
    checkTextSize(style, { packets });
    const out = (await formatLoaders[style](formatOptions))(
      {
        packets, protocolVersion: planned.protocolVersion, platform: result.platform, broker: overrideWebsocket(result.broker, opts.wsUrl), credentials: result.credentials, warnings, extras: result.extras,
        expiresAt: result.rules.expiresAt,
        ...(opts.runtime ? { runtime: runtimeSpec(signer, result.topics, flags.publish, planned, params, now) } : {}),
      },
      formatOptions,
    );
    // hex is bytes for a serial tool: the summary goes beside it as # lines, on the terminal when stdout is one
    // (above the hex), else on stderr so a redirected file holds only the hex.
    if (style === 'hex') {
      const block = summaryLines({ packets, broker: overrideWebsocket(result.broker, opts.wsUrl), credentials: result.credentials, expiresAt: result.rules.expiresAt }, lang)
        .map((l) => `# ${l}\n`)
        .join('');
      (io.stdout.isTTY ? io.stdout : io.stderr).write(block);
    }
    await writeOutput(io.stdout, out);
    const human = !LINT_INSIDE.includes(style);
    await report(ctx, [...(human ? signed.map((w, i) => ({ ...warnings[i]!, info: w.level === 'info' })) : []), ...out.warnings], out.report);
    // The json carries the extras; for the rest they go beside the output, which must stay valid C, hex, …
    // An extra a note already names (Aliyun's reply topic) is not repeated.
    for (const [name, value] of Object.entries(result.extras ?? {})) {
      if (style !== 'json' && !warnings.some((w) => w.message.includes(value))) io.stderr.write(`${extraLine(name, value, lang)}\n`);
    }
    if (opts.copy) {
      // The clipboard gets plain text even when the terminal got colour.
      const copied = await io.copy((out.output as string).replace(/\u001b\[[0-9;]*m/g, ''));
      io.stderr.write(`${message(copied ? 'cli.copy.done' : 'cli.copy.unavailable', {}, lang)}\n`);
    }
  } catch (err) {
    throw redact(err, secrets);
  }
}

/**
 * The output, piece by piece when the format makes it so, each after the reader took enough of the last: a large
 * payload's C array is then never whole in memory. Stops when the output can go nowhere (the reader left, a full
 * disk); main() reports a failed write once, after the notes that follow.
 */
async function writeOutput(stdout: OutStream, out: Formatted): Promise<void> {
  if (out.pieces === undefined) return stdout.write(out.output);
  for (const piece of out.pieces()) {
    if (stdout.closed === true) return;
    stdout.write(piece);
    try {
      await stdout.ready?.();
    } catch {
      return;
    }
  }
}

/** --ws-url replaces the platform's WebSocket endpoint (a self-hosted broker's, a proxy's); it is the user's own, so not unverified. */
function overrideWebsocket(broker: SignResult['broker'], wsUrl: string | undefined): SignResult['broker'] {
  if (wsUrl === undefined) return broker;
  let url: URL | undefined;
  try {
    url = new URL(wsUrl);
  } catch {
    url = undefined;
  }
  if (url === undefined || !['ws:', 'wss:'].includes(url.protocol) || url.hostname === '') throw new UsageError('cli.wsUrl.invalid', { option: '--ws-url', value: maskUserinfo(wsUrl) });
  return { ...broker, websocket: wsUrl, websocketUnverified: false };
}

/** Output flags that make no sense together fail before anything is signed or read from stdin. */
function checkOutputFlags(style: FormatStyle, opts: OutputFlags, stdoutIsTTY: boolean): void {
  const only = (option: string, given: unknown, allowed: readonly FormatStyle[]): void => {
    if (given !== undefined && !allowed.includes(style)) throw new UsageError('cli.option.format-only', { option, formats: allowed.join(', ') });
  };
  only('--compact', opts.compact, ['hex']);
  only('--runtime', opts.runtime, ['c']);
  only('--name', opts.name, NAMED_FORMATS);
  only('--modem', opts.modem, ['at', 'json']);
  // Only these print a WebSocket URL; elsewhere --ws-url would be taken and dropped without a word.
  only('--ws-url', opts.wsUrl, WS_URL_FORMATS);
  if (opts.modem !== undefined && !MODEM_NAMES.includes(opts.modem)) {
    throw new UsageError('modem.unknown', { option: '--modem', value: opts.modem, dialects: [...RAW_DIALECTS, ...MQTT_DIALECTS].join(', '), modules: Object.keys(MODEM_ALIASES).join(', ') });
  }
  // --topics writes no script, so no modem is needed for it (as raw's terminal refusal below).
  if (style === 'at' && opts.modem === undefined && !opts.topics) throw new UsageError('format.at.modem', { option: '--modem', allowed: MODEM_NAMES.join(', ') });
  if (style === 'raw' && opts.copy) throw new UsageError('cli.copy.raw', { option: '--copy' });
  if (style === 'raw' && stdoutIsTTY && !opts.topics) throw new UsageError('cli.raw.tty', { option: '--format raw' });
}

/** Platform lint and format warnings, then the size report, on stderr. */
async function report(ctx: CliContext, notices: readonly (Notice & { info?: boolean })[], sizeLines: readonly string[]): Promise<void> {
  const { io } = ctx;
  const lang = ctx.lang();
  const paint = await palette(ctx.color() && io.stderr.isTTY);
  for (const n of notices) {
    const line = message(n.info ? 'cli.note' : 'cli.warning', { message: termSafe(n.message, TERM_LINE_MAX) }, lang);
    io.stderr.write(`${n.info ? paint.dim(line) : paint.warn(line)}\n`);
  }
  for (const line of sizeLines) io.stderr.write(`${paint.dim(line)}\n`);
}

function extraLine(name: string, value: string, lang: Lang): string {
  const code = `cli.extra.${name}`;
  const safe = termSafe(value, TERM_LINE_MAX);
  return catalogues.en[code] === undefined ? `${name}: ${safe}` : message(code, { value: safe }, lang);
}

/** The warning in the user's language, each secret masked in the values it quotes (in its text when it has no entry). */
function localize(w: Warning, lang: Lang, secrets: readonly string[]): Notice {
  return { code: w.code, message: catalogues.en[w.code] === undefined ? mask(w.message, secrets) : message(w.code, maskParams(w.params ?? {}, secrets), lang) };
}

/** Valid base64 of 16 bytes, so it passes every secret's check (Azure, OneNET, Tencent keys) and is no one's secret. */
const TOPICS_PLACEHOLDER_SECRET = 'AAAAAAAAAAAAAAAAAAAAAA==';

/**
 * --topics needs the names that go into the topics, never a secret: each secret the signer asks for is filled with a
 * placeholder (the credentials are not printed), one at a time, so a login mode's own secret is the one filled.
 */
function signWithoutSecrets(signer: Signer, params: SignParams, signParams: (values: SignParams) => SignResult): SignResult {
  let values = params;
  for (let i = 0; i <= signer.params.length; i++) {
    try {
      return signParams(values);
    } catch (err) {
      const param = err instanceof UsageError && err.code === 'platform.secret.missing' ? signer.params.find((p) => `--${p.flag}` === err.params.option) : undefined;
      if (param === undefined) throw err;
      values = { ...values, [param.name]: TOPICS_PLACEHOLDER_SECRET };
    }
  }
  return signParams(values);
}

function printTopics(result: SignResult, style: FormatStyle, ctx: CliContext): void {
  const { io } = ctx;
  if (style === 'json') {
    const topics = result.topics.map((t: PlatformTopic) => ({ name: t.name, direction: t.direction, topic: t.topic, description: t.description, payload: t.payload ?? null }));
    io.stdout.write(`${toJson({ platform: result.platform, topics }, 2)}\n`);
    return;
  }
  if (result.topics.length === 0) {
    io.stderr.write(`${message('cli.topics.empty', { platform: result.platform }, ctx.lang())}\n`);
    return;
  }
  const nameWidth = result.topics.reduce((w, t) => Math.max(w, t.name.length), 0);
  // Under each topic, as in the JSON: what it is for, and the example payload where the platform defines one.
  for (const t of result.topics) {
    io.stdout.write(`${t.name.padEnd(nameWidth)}  ${t.direction.padEnd(9)}  ${termSafe(t.topic, TERM_LINE_MAX)}\n`);
    io.stdout.write(`${' '.repeat(nameWidth + 2)}${termSafe(t.description, TERM_LINE_MAX)}\n`);
    if (t.payload !== undefined) io.stdout.write(`${' '.repeat(nameWidth + 2)}${message('cli.topics.payload', { payload: termSafe(t.payload, TERM_LINE_MAX) }, ctx.lang())}\n`);
  }
}
