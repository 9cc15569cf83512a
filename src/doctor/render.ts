/**
 * A doctor report for people (text, in en or zh) and for programs (the JSON schema in the README):
 * {"ok", "listeners": [{"port", "bind", "protocol", "tls", "reachableFrom"}],
 *  "findings": [{"code", "severity", "file", "line", "message", "fix"}]}
 */
import { toJson } from '../json-text.js';
import { hint, message, type Lang } from '../messages.js';
import type { Paint } from '../format/types.js';
import { termSafe, termSafeParams } from '../terminal-text.js';
import type { DoctorReport, Finding } from './types.js';

/** Listener rows in the text report; a config with thousands of listener lines gets one "and N more" row. */
const SHOWN_LISTENERS = 50;

const plainPaint = { error: (t: string) => t, warn: (t: string) => t, ok: (t: string) => t, dim: (t: string) => t, field: (t: string) => t };

/** JSON keeps exact values; the terminal gets paths and values from the user's files through termSafe. */
function texts(f: Finding, lang: Lang, terminal = false): { message: string; fix: string | null } {
  const params = terminal ? termSafeParams(f.params) : f.params;
  return { message: message(`doctor.${f.code}`, params, lang), fix: hint(`doctor.${f.code}`, params, lang) ?? null };
}

export function doctorJson(report: DoctorReport, lang: Lang): string {
  const doc = {
    ok: report.ok,
    listeners: report.listeners.map((l) => ({ port: l.port, bind: l.bind, protocol: l.protocol, tls: l.tls, reachableFrom: l.reachableFrom })),
    findings: report.findings.map((f) => ({ code: f.code, severity: f.severity, file: f.file, line: f.line, ...texts(f, lang) })),
  };
  return `${toJson(doc, 2)}\n`;
}

export function renderDoctor(report: DoctorReport, lang: Lang, paint: Paint = plainPaint): string {
  const t = (code: string, params = {}) => message(code, params, lang);
  const out: string[] = [paint.field(t('doctor.title.listeners'))];
  if (report.listeners.length === 0) out.push(`  ${t('doctor.listeners.none')}`);
  for (const l of report.listeners.slice(0, SHOWN_LISTENERS)) {
    const bind = l.bind === null ? t('doctor.bind.all') : termSafe(l.bind);
    out.push(`  ${String(l.port).padEnd(6)}${bind.padEnd(16)} ${l.protocol.padEnd(11)}${(l.tls ? 'TLS' : t('doctor.plain')).padEnd(6)} ${t('doctor.reach', { reach: termSafe(l.reachableFrom) })}`);
  }
  if (report.listeners.length > SHOWN_LISTENERS) out.push(`  ${t('doctor.listeners.more', { n: report.listeners.length - SHOWN_LISTENERS })}`);
  out.push('', paint.field(t('doctor.title.findings')));
  const colour = { error: paint.error, warning: paint.warn, info: paint.dim } as const;
  for (const f of report.findings) {
    const { message: text, fix } = texts(f, lang, true);
    const where = f.file === null ? '' : `${termSafe(f.file)}:${f.line}  `;
    out.push(`  ${colour[f.severity](t(`doctor.severity.${f.severity}`).padEnd(8))}${where}${text}`);
    if (fix !== null) out.push(`          ${paint.dim(t('doctor.fix', { fix }))}`);
  }
  // A `more` finding stands for n findings of its severity.
  const count = (s: Finding['severity']) => report.findings.reduce((n, f) => n + (f.severity !== s ? 0 : f.code === 'more' ? Number(f.params.n) : 1), 0);
  const summary = t(report.ok ? 'doctor.summary.ok' : 'doctor.summary.failed', { errors: count('error'), warnings: count('warning') });
  out.push('', report.ok ? paint.ok(summary) : paint.error(summary), '');
  return out.join('\n');
}
