/**
 * One AT step: a command line, the bytes typed after its `>` prompt (if any), and the answer that says it worked.
 * Every dialect (raw TCP and the modems' own MQTT commands) produces steps; this file renders them as the `at`
 * text script and as the `at` array of `--format json`, so both outputs always say the same thing.
 */
import { UsageError } from '../errors.js';
import { message, type Lang } from '../messages.js';
import { hexCells } from './_byte-text.js';

export interface AtStep {
  /** The command line, sent as text ending in CR LF. */
  readonly command: string;
  /** Sent as binary after the modem's `>` prompt (no CR LF, no escaping), when the command takes data. */
  readonly data?: Uint8Array;
  /** The line that says the step worked; a rig waits for it (or for an ERROR / failure form) before the next step. */
  readonly expect: string;
  /** Lines the modem prints before `expect` (e.g. `OK` before `+QMTOPEN: 0,0`), for people reading the script. */
  readonly before?: readonly string[];
  /** Raw TCP only: the packet bytes the broker answers this step with when all is well (CONNACK 0, SUBACK, …). */
  readonly reply?: Uint8Array;
  /** A catalogue code of a comment printed above the step. */
  readonly note?: Comment;
  /** A catalogue code of a comment printed after the step (e.g. the keepalive deadline after the CONNECT). */
  readonly after?: Comment;
}

interface Comment {
  readonly code: string;
  readonly params?: Readonly<Record<string, string | number>>;
}

/** A result a modem may print instead of the expected one, with the catalogue code of its meaning. */
export interface ResultCode {
  readonly form: string;
  readonly code: string;
}

const spaced = (bytes: Uint8Array): string => hexCells(bytes);

/**
 * The steps as script lines: comment (note), command, then `# expect: …`. A step with data waits for the prompt
 * first: `# expect: …, >`, the data as spaced hex, then `# expect:` what follows it. Then the reply bytes, if any.
 */
export function renderSteps(steps: readonly AtStep[], lang: Lang): string[] {
  const lines: string[] = [];
  const expect = (answers: readonly string[]) => `# ${message('modem.expect', { answer: answers.join(', ') }, lang)}`;
  for (const step of steps) {
    if (step.note) lines.push(`# ${message(step.note.code, step.note.params ?? {}, lang)}`);
    lines.push(step.command);
    const before = step.before ?? [];
    const prompt = step.data ? before.indexOf('>') : -1;
    if (step.data) {
      if (prompt >= 0) lines.push(expect(before.slice(0, prompt + 1)));
      lines.push(spaced(step.data));
    }
    lines.push(expect([...before.slice(prompt + 1), step.expect]));
    if (step.reply) lines.push(`# ${message('modem.reply', { bytes: spaced(step.reply) }, lang)}`);
    if (step.after) lines.push(`# ${message(step.after.code, step.after.params ?? {}, lang)}`);
  }
  return lines;
}

/** The `at` array of `--format json`: {command, expect, data?, reply?} with data and reply as lowercase hex. */
export function stepsJson(steps: readonly AtStep[]): object[] {
  return steps.map((s) => ({
    command: s.command,
    expect: s.expect,
    ...(s.data ? { data: Buffer.from(s.data).toString('hex') } : {}),
    ...(s.reply ? { reply: Buffer.from(s.reply).toString('hex') } : {}),
  }));
}

/** The result-code table of a dialect as comment lines. */
export function renderCodes(codes: readonly ResultCode[], lang: Lang): string[] {
  if (codes.length === 0) return [];
  const width = codes.reduce((w, c) => Math.max(w, c.form.length), 0);
  return [`# ${message('modem.codes', {}, lang)}`, ...codes.map((c) => `#   ${c.form.padEnd(width)}  ${message(c.code, {}, lang)}`)];
}

/** A keepalive the modem's command cannot set: in seconds, so not overLimit's bytes. */
export function keepaliveRange(modem: string, value: number, min: number, max: number, command: string): never {
  throw new UsageError('modem.keepalive', { modem, value, min, max, command });
}

/** A value over a modem's limit for the command that has to carry it: a usage error naming both. */
export function overLimit(modem: string, field: string, option: string, length: number, limit: number, command: string): never {
  throw new UsageError('modem.limit', { modem, field, option, length, limit, command });
}
