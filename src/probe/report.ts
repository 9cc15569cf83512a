/**
 * A probe result in words: the JSON report of the schema, and the text report a person reads.
 * Both are rendered from the catalogue in the user's language; colour comes in through an optional paint.
 */
import { hint, message, type Lang, type Params } from '../messages.js';
import { termSafe, termSafeParams } from '../terminal-text.js';
import { targetUrl } from './target.js';
import type { ProbeResult, StepName, Text, TransportKind } from './types.js';

export interface ProbeReport {
  readonly ok: boolean;
  readonly target: { readonly host: string; readonly port: number; readonly transport: TransportKind };
  readonly steps: readonly {
    readonly step: StepName;
    readonly ok: boolean;
    readonly ms: number;
    readonly detail: string;
    readonly cause: string | null;
  }[];
  readonly connack: { readonly code: number; readonly meaning: string } | null;
}

/** Params that hold another catalogue code (a detail naming a problem), rendered in the same language. */
const nested = ['problem', 'meaning'];

/**
 * `terminal`: the params (certificate subjects, server banners, host names) escaped and cut for a terminal;
 * the JSON report keeps them exact.
 */
function render(text: Text, lang: Lang, terminal = false): string {
  const own = terminal ? termSafeParams(text.params ?? {}) : text.params;
  const params: Record<string, Params[string]> = { ...own };
  for (const key of nested) if (typeof params[key] === 'string') params[key] = message(params[key], own, lang);
  return message(text.code, params, lang);
}

/** The cause and, when the catalogue has one, what to do about it: one sentence each. */
function causeAndFix(text: Text, lang: Lang, terminal = false): { cause: string; fix: string | undefined } {
  return { cause: render(text, lang, terminal), fix: hint(text.code, terminal ? termSafeParams(text.params ?? {}) : text.params, lang) };
}

/**
 * The JSON report, keys in the order: {ok, target, steps[{step, ok, ms, detail, cause}], connack}.
 * The schema has no field for the fix, so a step's cause carries it: "<cause>; fix: <what to do>".
 */
export function probeReport(result: ProbeResult, lang: Lang = 'en'): ProbeReport {
  const { host, port, transport } = result.target;
  return {
    ok: result.ok,
    target: { host, port, transport },
    steps: result.steps.map((s) => {
      const cause = s.cause && causeAndFix(s.cause, lang);
      const text = cause && (cause.fix === undefined ? cause.cause : message('probe.json.cause', cause, lang));
      return { step: s.step, ok: s.ok, ms: s.ms, detail: render(s.detail, lang), cause: text };
    }),
    connack: result.connack && { code: result.connack.code, meaning: render(result.connack.meaning, lang) },
  };
}

export interface ReportPaint {
  ok(text: string): string;
  error(text: string): string;
  dim(text: string): string;
  field(text: string): string;
}

const noPaint: ReportPaint = { ok: (t) => t, error: (t) => t, dim: (t) => t, field: (t) => t };

/** The text report: one line per step, then the cause and the fix under the step that failed, then the verdict. */
export function probeText(result: ProbeResult, lang: Lang = 'en', paint: ReportPaint = noPaint): string {
  const lines = [message('probe.text.title', { url: termSafe(targetUrl(result.target)) }, lang)];
  const width = Math.max(...result.steps.map((s) => s.step.length), 4);
  for (const s of result.steps) {
    const mark = s.ok ? paint.ok('✓') : paint.error('✗');
    const ms = paint.dim(`${s.ms.toFixed(1).padStart(7)} ms`);
    lines.push(`  ${mark} ${paint.field(s.step.padEnd(width))} ${ms}  ${render(s.detail, lang, true)}`);
    if (s.cause) {
      const { cause, fix } = causeAndFix(s.cause, lang, true);
      lines.push(`      ${paint.error(message('probe.text.cause', {}, lang))}${cause}`);
      if (fix) lines.push(`      ${paint.field(message('probe.text.fix', {}, lang))}${fix}`);
    }
  }
  const failed = result.steps.find((s) => !s.ok);
  const verdict = result.ok
    ? paint.ok(message('probe.text.ok', {}, lang))
    : paint.error(message(result.aborted ? 'probe.text.aborted' : 'probe.text.failed', { step: failed?.step ?? '' }, lang));
  lines.push(verdict, '');
  return lines.join('\n');
}
