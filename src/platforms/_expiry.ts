/**
 * Expiry of a credential that must expire (Tencent `expiry`, Azure `se`): read it from `--expires <unix seconds>`
 * or as now + `--ttl`, and judge a captured one. Kept as decimal text, because the digits are what is signed and
 * Tencent's never-expire value (17 digits) does not fit a double exactly.
 */
import { UsageError } from '../errors.js';
import { warning, type Cause, type ParamReader } from './_signer.js';
import type { Warning } from './types.js';

/** No platform documents a largest lifetime; a century keeps `now + ttl` an ordinary 10- or 11-digit number. */
const MAX_TTL = 100 * 365 * 86_400;
/** Before 2000-01-01: a signer whose clock was never set (it starts at 1970) added its TTL to zero. */
const CLOCK_UNSET_BEFORE = 946_684_800;

/**
 * `--expires` when given (digits, not milliseconds), else now + `--ttl`. Params `expires` and `ttl`. A time in the
 * past is signed as asked (a build script pins it, or a stored token is regenerated); the lint then warns `expired`.
 */
export function readExpiry(p: ParamReader, nowMs: number): string {
  const now = Math.floor(nowMs / 1000);
  if (!p.given('expires')) return String(now + (p.integer('ttl', 1, MAX_TTL) ?? 0));
  if (p.given('ttl')) throw new UsageError('platform.param.conflict', { option: p.option('expires'), other: p.option('ttl') });
  const value = p.require('expires');
  if (!/^\d{1,20}$/.test(value)) throw new UsageError('platform.time.seconds', { option: p.option('expires'), value });
  if (value.length === 13) throw new UsageError('platform.time.ms-given', { option: p.option('expires'), value, seconds: value.slice(0, -3) });
  return value;
}

/** A captured expiry judged at `nowMs`: the cause when it has passed, and a warning when it is milliseconds. */
export function judgeExpiry(value: string, nowMs: number | undefined): { cause: Cause | null; warnings: Warning[] } {
  if (!/^\d{1,20}$/.test(value)) return { cause: { code: 'verify.expiry.format', params: { value } }, warnings: [] };
  // 13 digits read as seconds lie ~50,000 years ahead: never expires, which is seldom what was meant.
  const warnings = value.length === 13 ? [warning('verify.expiry.ms', { value })] : [];
  if (nowMs === undefined || BigInt(value) > BigInt(Math.floor(nowMs / 1000))) return { cause: null, warnings };
  const params = { value, date: isoDate(value), now: new Date(nowMs).toISOString() };
  return { cause: { code: Number(value) < CLOCK_UNSET_BEFORE ? 'verify.expiry.clock' : 'verify.expiry.past', params }, warnings };
}

/** ISO date of Unix seconds, or the digits themselves when beyond what Date can show. */
function isoDate(seconds: string | number): string {
  const date = new Date(Number(seconds) * 1000);
  return Number.isNaN(date.getTime()) ? String(seconds) : date.toISOString();
}
