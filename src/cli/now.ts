/**
 * The global `--now <unix seconds | ISO 8601>`: the clock every default, lint and check of a run reads, so any
 * run can be reproduced exactly. Read from argv before commander parses (like --lang), because it replaces io.now.
 */
import { UsageError } from '../errors.js';
import type { Io } from './io.js';

/** A date, or a date and time with a zone: a time without a zone would mean a different instant on every machine. */
const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** The --now value given in argv (`--now X` or `--now=X`), or undefined. */
export function nowArgument(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return undefined;
    if (arg === '--now') return argv[i + 1] ?? '';
    if (arg.startsWith('--now=')) return arg.slice('--now='.length);
  }
  return undefined;
}

/** Milliseconds since the epoch: digits are Unix seconds; otherwise an ISO 8601 date (midnight UTC) or instant. */
export function parseNow(value: string): number {
  if (/^\d{1,11}$/.test(value)) return Number(value) * 1000;
  const ms = ISO.test(value) && realDate(value.slice(0, 10)) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw new UsageError('cli.now.format', { value });
  return ms;
}

/** YYYY-MM-DD names a day that exists (Date would roll 2024-02-30 over to March). */
function realDate(day: string): boolean {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10) === day;
}

/** `io` with its clock fixed at `ms`; everything else (including getters such as stdinIsTTY) is io's own. */
export function withClock(io: Io, ms: number): Io {
  return Object.create(io, { now: { value: () => ms, enumerable: true } }) as Io;
}
