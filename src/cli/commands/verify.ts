/**
 * `mqtt-sign verify <platform> [input] --<secret>`: find the CONNECTs in any input `decode` takes, recompute
 * each login with the secret through the platform's verify(), and report every field right or wrong with
 * its likely cause, plus the platform lint. One subcommand per platform, so each takes its own secret flags.
 */
import { toJson } from '../../json-text.js';
import { Option, type Command } from 'commander';
import { MqttSignError, UsageError } from '../../errors.js';
import { message, type Lang } from '../../messages.js';
import { termSafe, TERM_LINE_MAX } from '../../terminal-text.js';
import { aliases, platforms } from '../../platforms/index.js';
import type { CapturedLogin, FieldCheck, Signer, VerifyResult, Warning } from '../../platforms/types.js';
import type { CapturedPacket } from '../../capture/packet.js';
import type { Paint } from '../../format/types.js';
import type { CliContext } from '../context.js';
import { palette } from '../palette.js';
import { mask, maskParams, redact } from '../secrets.js';
import { readSignerOptions, signerOptionSpecs } from '../signer-options.js';
import { addOptions } from '../commander-options.js';
import { INPUT_OPTIONS, openPackets, problemText, type InputFlags } from './decode.js';
import { addInputArgument } from './decode-command.js';
import { AtLogLater, atLogInput, type AtLogInput } from '../at-log-input.js';
import type { SkippedStream } from '../../capture/stream.js';
import type { ReadStats } from '../../capture/read.js';
import type { ReplyMeaning } from '../../mqtt/replies.js';
import { replyMeanings } from '../replies.js';
import { RepeatFolder, type Repeat } from '../../capture/repeats.js';

export function registerVerify(program: Command, ctx: CliContext): void {
  const lang = ctx.lang();
  const verify = program.command('verify').description(message('verify.description', {}, lang));
  verify.addHelpText('after', message('verify.help.examples', {}, lang));
  const ids = Object.values(platforms).filter((s) => s.verify).map((s) => s.id);
  // Flags of the subcommands that take no value. Any other option may have taken the next argument as its value, so
  // `verify --format json x.pcap` names x.pcap, not json, and a mistyped `--secert <secret>` never names the secret.
  const switches = new Set(['--show-password', ...Object.values(platforms).flatMap((s) => s.params.filter((p) => p.boolean).map((p) => `--${p.flag}`))]);
  // `verify capture.pcap --secret …`: the platform was left out. Say how to call it instead of "unknown command".
  verify
    .argument('[platform]')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      const first = firstOperand(verify.args, switches);
      // Nothing at all: one line, as commander says a missing argument elsewhere, with the platforms to choose from.
      if (first === undefined) throw new UsageError('verify.platform.none', { option: '<platform>', platforms: ids.join(', ') });
      throw new UsageError('verify.platform.missing', { option: '<platform>', value: termSafe(first), platforms: ids.join(', ') });
    });
  for (const signer of Object.values(platforms)) {
    if (!signer.verify) continue;
    // Commander passes the group's allowExcessArguments on to its subcommands: `verify aliyun a.pcap b.pcap` read a.pcap
    // and silently left b.pcap out. One input per run, like decode.
    const cmd = verify.command(signer.id).description(message('verify.platform.description', { title: signer.title }, lang)).allowExcessArguments(false);
    // The names a platform command answers to (`mosquitto`, `emqx`, …) name it here too, as they do for probe.
    for (const [alias, id] of Object.entries(aliases)) if (id === signer.id) cmd.alias(alias);
    addOptions(addInputArgument(cmd, lang), INPUT_OPTIONS, lang)
      .addOption(new Option('--format <style>', message('verify.opt.format', {}, lang)).choices(['text', 'json']).default('text'))
      .addOption(new Option('--show-password', message('verify.opt.showPassword', {}, lang)));
    addOptions(cmd, signerOptionSpecs(signer), lang);
    cmd.addHelpText('after', platformExamples(signer, lang));
    cmd.action((input: string | undefined) => run(cmd, signer, input, ctx));
  }
}

/** A platform's own example: its first secret read from stdin, so a typed secret stays out of shell history. */
function platformExamples(signer: Signer, lang: Lang): string {
  const secret = signer.params.find((p) => p.secret) ?? signer.params.find((p) => p.name === 'username');
  const flags = secret === undefined ? '' : ` --${secret.flag} -`;
  return ['', message('cli.help.example', {}, lang), `  $ mqtt-sign verify ${signer.id} capture.pcap${flags}`, `  $ mqtt-sign verify ${signer.id} connect.hex${flags} --format json`, ''].join('\n');
}

interface ConnectReport {
  readonly index: number;
  /** Where the CONNECT was; not the packet itself, whose bytes are a view that would keep a whole read chunk alive. */
  readonly where: Pick<CapturedPacket, 'stream' | 'time' | 'frame'>;
  readonly result: VerifyResult;
  /** The broker's answer to this CONNECT, when the input holds it, with what the platform means by it. */
  connack?: ReplyMeaning;
  /** Copies of this (malformed) CONNECT right after it: each counts as a CONNECT that does not verify. */
  repeat?: Repeat;
}

/** CONNECTs held back waiting for their CONNACK; past this many the oldest is written without one. */
const PENDING_MAX = 4096;

async function run(cmd: Command, signer: Signer, input: string | undefined, ctx: CliContext): Promise<void> {
  const { io } = ctx;
  const lang = ctx.lang();
  const opts = cmd.opts() as InputFlags & { format: 'text' | 'json'; showPassword?: boolean };
  // The input is read from stdin when it is "-", or left out with stdin not a terminal (at-log-input.ts); on a
  // terminal a secret's "-" is a prompt with echo off, which leaves stdin to the input.
  const inputOnStdin = () => !io.stdinIsTTY && (input === undefined || input === '-');
  const { params, secrets } = await readSignerOptions(cmd.opts(), signer, io, lang, true, inputOnStdin);
  requireSecret(signer, params);
  const hide = (text: string | null): string | null => (text === null ? null : mask(text, secrets));
  // A captured password that does not verify may still be someone's real one: shown masked unless asked. A token's
  // expiry and resource are no secret (its cause quotes them whole), so they are shown as captured.
  const shown = (f: FieldCheck): string | null => {
    const value = hide(f.actual);
    return value === null || f.ok || opts.showPassword || !f.name.startsWith('password') || PUBLIC_PARTS.has(f.name) ? value : maskMiddle(value);
  };
  const skipped: SkippedStream[] = [];
  /** What reading the input left out (frames of a link type not read, IP fragments not reassembled), to name when no CONNECT was found. */
  let stats: ReadStats | undefined;
  const paint = opts.format === 'json' ? undefined : await palette(ctx.color());
  // Reports leave as soon as nothing can change them, in input order, so memory holds only CONNECTs still waiting
  // for an answer (at most PENDING_MAX of them), not every CONNECT of a long capture.
  const pending: ConnectReport[] = [];
  let head = 0;
  // The CONNECT of each stream that its next CONNACK would answer (a search of all reports per CONNACK was quadratic).
  const awaiting = new Map<number | null, ConnectReport>();
  let written = 0;
  let passed = 0;
  /** The output's reader left before the input ended. */
  let stopped = false;
  let count = 0;
  const writeReport = (r: ConnectReport): void => {
    if (awaiting.get(r.where.stream) === r) awaiting.delete(r.where.stream);
    written++;
    if (r.result.ok) passed++;
    count += 1 + (r.repeat?.count ?? 0);
    if (paint) {
      io.stdout.write(textReport(r, paint, lang, hide, shown, secrets));
      return;
    }
    const entry = {
      index: r.index,
      ok: r.result.ok,
      fields: r.result.fields.map((f) => ({ name: f.name, ok: f.ok, expected: hide(f.expected), actual: shown(f), cause: causeText(f, lang, secrets) })),
      warnings: r.result.warnings.map((w) => ({ code: w.code, message: warningText(w, lang, secrets) })),
      connack: r.connack ?? null,
      repeat: r.repeat ? { count: r.repeat.count, index: r.repeat.copy.index, lastIndex: r.repeat.last.index } : null,
    };
    // As JSON.stringify(whole, null, 2) would lay it out; a string's own newlines are escaped, so only layout moves.
    io.stdout.write(`${written === 1 ? '{\n  "connects": [\n' : ',\n'}    ${toJson(entry, 2).replace(/\n/g, '\n    ')}`);
  };
  /** Writes the settled reports at the head; the newest stays, since a run of its copies may still grow (attach). */
  const release = async (): Promise<void> => {
    while (pending.length - head > 1) {
      const first = pending[head]!;
      const settled = first.connack !== undefined || awaiting.get(first.where.stream) !== first;
      if (!settled && pending.length - head <= PENDING_MAX) break;
      writeReport(first);
      pending[head++] = undefined as unknown as ConnectReport;
    }
    if (head > 1024 && head * 2 > pending.length) {
      pending.splice(0, head);
      head = 0;
    }
    await io.stdout.ready?.();
  };
  // A broken device's same malformed CONNECT, millions of times in a row: one report with the count of its copies.
  const folder = new RepeatFolder();
  const report = (p: CapturedPacket, result: VerifyResult): void => {
    const r: ConnectReport = { index: p.index, where: { stream: p.stream, time: p.time, frame: p.frame }, result };
    pending.push(r);
    awaiting.set(p.stream, r);
  };
  const attach = (run: Repeat | null): void => {
    const last = pending.length > head ? pending[pending.length - 1] : undefined;
    if (run && last?.index === run.first.index) last.repeat = run;
  };
  try {
    // A modem MQTT command log or firmware line (AT+MQTTUSERCFG, AT+QMTCONN, AT+CMQTTCONNECT) becomes its CONNECTs.
    const check = async (at: AtLogInput): Promise<void> => {
      for (const login of at.logins) io.stderr.write(`${message('verify.at.where', { commands: login.commands.join(' + ') }, lang)}\n`);
      if (at.input !== undefined || !at.refused?.length) {
        const opened = await openPackets(at.input, opts, at.io, (s) => skipped.push(s));
        stats = opened.stats;
        await checkPackets(opened.batches);
      }
      // A login the log holds but no CONNECT can carry: reported after the CONNECTs, numbered on from them.
      let index = at.logins.length;
      for (const r of at.refused ?? []) {
        const reason = r.code === 'verify.at.refused' ? message(String(r.params.code), r.params, lang) : '';
        const text = message(r.code, { ...r.params, reason }, lang);
        pending.push({ index: index++, where: { stream: null, time: null, frame: null }, result: { ok: false, fields: [], warnings: [{ code: r.code, message: text }] } });
      }
    };
    // stdin that turns out to be a modem log past its first 64 KiB: the packet reader stops there, the log is read.
    await check(await atLogInput(input, io)).catch(async (err: unknown) => {
      if (!(err instanceof AtLogLater)) throw err;
      await check(await err.logins(io));
    });
    attach(folder.finish());
  } catch (err) {
    throw redact(err, secrets);
  }
  async function checkPackets(batches: Awaited<ReturnType<typeof openPackets>>['batches']): Promise<void> {
    for await (const batch of batches) {
      for (const p of batch) {
        if (folder.fold(p, p.problems)) continue;
        attach(folder.takeEnded());
        if (p.packet?.cmd === 'connect') {
          // A capture judges expiry at the moment the CONNECT was sent; pasted bytes at the current time.
          const now = p.epochMs ?? io.now();
          report(p, signer.verify!(loginOf(p), params, { now }));
        } else if (!p.packet && p.bytes[0] === 0x10) {
          report(p, malformed(p, lang));
        } else if (p.packet?.cmd === 'connack') {
          // The first CONNACK after a CONNECT of the same stream answers it.
          const asked = awaiting.get(p.stream);
          const meaning = replyMeanings(p, lang, signer.id)[0]?.meaning;
          if (asked && asked.connack === undefined && meaning) asked.connack = meaning;
        }
      }
      await release();
      // The reader went away (`| head`): nothing more can be shown, so the rest of the input is not read.
      if (io.stdout.closed === true) {
        stopped = true;
        return;
      }
    }
  }
  // Exit as far as it got, as decode does.
  if (stopped) return ctx.exit(passed === written ? 0 : 1);
  // No CONNECT in the clear: if the capture held TLS or WebSocket streams, say that is why rather than "none found".
  const first = skipped[0];
  if (written === 0 && pending.length === 0 && first) throw new MqttSignError(`capture.skipped.${first.reason}`, { stream: first.stream, port: first.port }, 1);
  // Nor when frames were left unread: that is why, as decode's summary says.
  if (written === 0 && pending.length === 0 && stats && stats.unreadFrames > 0) {
    throw new MqttSignError('pipeline.link-type', { count: stats.unreadFrames, linkType: stats.unreadLinkType ?? 0 }, 1);
  }
  if (written === 0 && pending.length === 0 && stats && stats.unreadFragments > 0) throw new MqttSignError('pipeline.fragments', { count: stats.unreadFragments }, 1);
  if (written === 0 && pending.length === 0) throw new MqttSignError('verify.none', {}, 1);
  for (let i = head; i < pending.length; i++) writeReport(pending[i]!);
  const ok = passed === written;
  if (paint) {
    const summary = message(ok ? 'verify.summary.ok' : 'verify.summary.failed', { ok: passed, count }, lang);
    io.stdout.write(`${ok ? paint.ok(summary) : paint.error(summary)}\n`);
  } else {
    // `ok` comes last: it is known only once every report has been written.
    io.stdout.write(`\n  ],\n  "ok": ${ok}\n}\n`);
  }
  ctx.exit(ok ? 0 : 1);
}

/**
 * The first argument that is neither an option nor what may be the value of one (unknown options arrive among the
 * arguments): an option other than a known switch, written without `=`, is taken to have the next argument as its value.
 */
function firstOperand(args: readonly string[], switches: ReadonlySet<string>): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('-') || arg === '-') return arg;
    if (!arg.includes('=') && !switches.has(arg)) i++;
  }
  return undefined;
}

/**
 * A missing secret is a usage error before any input is read, whatever the input holds: at least one of the
 * platform's secrets (generic: the username, password or password-file line) must be given.
 */
function requireSecret(signer: Signer, params: Readonly<Record<string, string | undefined>>): void {
  const identities = signer.params.filter((p) => p.secret || (signer.id === 'generic' && (p.name === 'username' || p.name === 'passwordFileLine')));
  if (identities.length === 0 || identities.some((p) => params[p.name] !== undefined)) return;
  // generic's first identity, the username, has no variable: name the first that has one (MQTT_SIGN_PASSWORD), not "$".
  const env = identities.find((p) => p.env !== undefined)?.env ?? '';
  throw new UsageError('verify.secret.missing', { platform: signer.id, option: identities.map((p) => `--${p.flag}`).join(', '), env });
}

/** The password fields that are a token's public parameters: OneNET's et, Azure's se and sr. */
const PUBLIC_PARTS: ReadonlySet<string> = new Set(['password.et', 'password.se', 'password.sr']);

/**
 * abcd…wxyz: a few characters at each end, enough to recognise a value without giving it away: at most an eighth of it
 * at each end, up to 4 (a 64-digit HMAC shows 4 + 4, a 12-character password 1 + 1; "4 + 4" of 9 would show 8 of them).
 */
function maskMiddle(value: string): string {
  const chars = [...value];
  const shown = chars.length <= 8 ? 0 : Math.min(4, Math.floor(chars.length / 8));
  if (shown === 0) return '*'.repeat(chars.length);
  return `${chars.slice(0, shown).join('')}…${chars.slice(-shown).join('')}`;
}

/**
 * The CONNECT fields verify() judges; a binary password is read as UTF-8 text, as every platform's is.
 * A packet from a capture went over plain TCP (the reader skips TLS streams); for pasted bytes we cannot know.
 */
function loginOf(p: CapturedPacket): CapturedLogin {
  const c = p.packet as Extract<CapturedPacket['packet'], { cmd: 'connect' }>;
  const password = c.password === undefined ? null : typeof c.password === 'string' ? c.password : new TextDecoder().decode(c.password);
  const tls = p.stream === null ? undefined : false;
  return { clientId: c.clientId, username: c.username ?? null, password, keepalive: c.keepalive, protocolVersion: c.protocolVersion, tls };
}

/** A CONNECT too malformed to read: not ok, with the decoder's problems as its warnings. */
function malformed(p: CapturedPacket, lang: Lang): VerifyResult {
  return { ok: false, fields: [], warnings: p.problems.map((problem) => ({ code: problem.code, message: problemText(problem, lang) })) };
}

/**
 * A cause or warning quotes given and captured values: a secret among its params is masked, as in the fields (text
 * already rendered is left alone: a secret such as "line" would garble the message's own words).
 */
function causeText(f: FieldCheck, lang: Lang, secrets: readonly string[]): string | null {
  const coded = f as FieldCheck & { causeCode?: string; causeParams?: Readonly<Record<string, string | number>> };
  if (coded.causeCode) return message(coded.causeCode, maskParams(coded.causeParams ?? {}, secrets), lang);
  return f.cause;
}

function warningText(w: Warning, lang: Lang, secrets: readonly string[]): string {
  return w.params ? message(w.code, maskParams(w.params, secrets), lang) : w.message;
}

/** A captured value (client id, password, a cause quoting them) as the terminal may show it. */
const safe = (t: string | null): string | null => (t === null ? null : termSafe(t, TERM_LINE_MAX));

function textReport(r: ConnectReport, paint: Paint, lang: Lang, hide: (t: string | null) => string | null, shown: (f: FieldCheck) => string | null, secrets: readonly string[]): string {
  const p = r.where;
  const where = p.stream === null ? '' : `  ${message('decode.where.stream', { stream: p.stream }, lang)}  ${message('decode.where.time', { time: (p.time ?? 0).toFixed(6), frame: p.frame ?? '?' }, lang)}`;
  const lines = [`CONNECT #${r.index}${where}  ${r.result.ok ? paint.ok(message('verify.ok', {}, lang)) : paint.error(message('verify.failed', {}, lang))}`];
  const width = Math.max(0, ...r.result.fields.map((f) => f.name.length));
  const none = message('verify.none.value', {}, lang);
  for (const f of r.result.fields) {
    const mark = f.ok ? paint.ok('✓') : paint.error('✗');
    lines.push(`  ${mark} ${paint.field(f.name.padEnd(width))}  ${safe(shown(f)) ?? none}`);
    if (!f.ok && f.expected !== null) lines.push(`    ${' '.repeat(width)}${paint.dim(message('verify.expected', { value: safe(hide(f.expected)) ?? none }, lang))}`);
    const cause = safe(causeText(f, lang, secrets));
    if (cause) lines.push(`    ${' '.repeat(width)}${f.ok ? paint.dim(cause) : paint.warn(message('verify.cause', { cause }, lang))}`);
  }
  for (const w of r.result.warnings) lines.push(`  ${paint.warn('!')} ${termSafe(warningText(w, lang, secrets), TERM_LINE_MAX)}`);
  if (r.repeat) lines.push(`  ${paint.error('✗')} ${message('verify.repeat', { count: r.repeat.count, from: r.repeat.copy.index, to: r.repeat.last.index }, lang)}`);
  const c = r.connack;
  if (c) {
    const answer = message('verify.connack', { code: c.code, name: c.name ?? '', meaning: c.meaning }, lang);
    lines.push(`  ${c.code === 0 ? paint.ok('←') : paint.error('←')} ${answer}`);
    if (c.platformMeaning) lines.push(`    ${paint.warn(c.platformMeaning)}`);
  }
  return `${lines.join('\n')}\n\n`;
}
