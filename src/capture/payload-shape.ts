/**
 * The inside of a platform envelope, for decode's payload lint: each check is one documented fact (OneNET's params
 * are {"value":…} objects, Huawei's services an array of {service_id, properties}, …) that src/platforms supplies as
 * data. A path is resolved by widening a list of values one segment at a time, never by recursion, and each check
 * looks at each value once, so the work is linear in the parsed payload whatever its depth.
 */
import { termSafe } from '../terminal-text.js';
import type { Problem } from './diagnose.js';

/** One check (structural: src/platforms/types.ts ShapeCheck is the documented form). */
interface ShapeCheck {
  readonly path: string;
  readonly is: 'object' | 'array' | 'string' | 'number' | 'id';
  readonly keys?: readonly string[];
  readonly oneOf?: readonly (string | number)[];
  readonly unit?: 'ms' | 's';
  readonly example: string;
}

/** Where a platform and its envelope are named in each finding. */
interface Context {
  readonly platform: string;
  readonly envelope: string;
}

/** A value found at a path. */
interface Node {
  readonly path: string;
  readonly value: unknown;
}

/** Times below this are seconds (1e11 s is the year 5138) and above it milliseconds (1e11 ms is 1973). */
const SECONDS_BELOW = 1e11;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `params.*.time` → ['params', '*', 'time']; `dp.*[]` → ['dp', '*', '[]']. */
function segments(path: string): string[] {
  const out: string[] = [];
  for (const part of path.split('.')) {
    const name = part.endsWith('[]') ? part.slice(0, -2) : part;
    if (name !== '') out.push(name);
    if (part.endsWith('[]')) out.push('[]');
  }
  return out;
}

/** A key as it reads in a path: `.temp`, or `["a.b"]` when it is not a plain name. */
function step(key: string): string {
  return /^[A-Za-z_$][\w$-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/**
 * Every value `path` reaches in `root`. An absent key or a parent of the wrong type reaches nothing: the parent's
 * own check (its type, its `keys`) or the envelope's required keys report it, once.
 */
function resolve(root: unknown, path: string): Node[] {
  let nodes: Node[] = [{ path: '', value: root }];
  for (const part of segments(path)) {
    const next: Node[] = [];
    for (const node of nodes) {
      if (part === '[]') {
        if (Array.isArray(node.value)) node.value.forEach((value, i) => next.push({ path: `${node.path}[${i}]`, value }));
      } else if (part === '*') {
        if (isObject(node.value)) for (const [key, value] of Object.entries(node.value)) next.push({ path: node.path + step(key), value });
      } else if (isObject(node.value) && Object.hasOwn(node.value, part)) {
        next.push({ path: node.path + step(part), value: node.value[part] });
      }
    }
    nodes = next;
  }
  return nodes.map((n) => ({ ...n, path: n.path.startsWith('.') ? n.path.slice(1) : n.path }));
}

/** A value as the finding shows it: scalars as JSON (cut), containers by their brackets only. */
function shown(value: unknown): string {
  if (Array.isArray(value)) return '[…]';
  if (isObject(value)) return '{…}';
  return termSafe(JSON.stringify(value) ?? 'undefined', 40);
}

/** What is wrong with one value against one check: a catalogue code suffix and its parameters, or null. */
function fault(check: ShapeCheck, node: Node): { code: string; params: Record<string, string> } | null {
  const v = node.value;
  const typed =
    check.is === 'object' ? isObject(v)
    : check.is === 'array' ? Array.isArray(v)
    : check.is === 'string' ? typeof v === 'string'
    : check.is === 'number' ? typeof v === 'number'
    : Number.isInteger(v) && (v as number) > 0;
  if (!typed) return { code: check.is, params: {} };
  const missing = isObject(v) ? (check.keys ?? []).filter((k) => !Object.hasOwn(v, k)) : [];
  if (missing.length > 0) return { code: 'keys', params: { missing: termSafe(missing.join(', '), 120) } };
  if (check.oneOf && !check.oneOf.includes(v as string | number)) return { code: 'oneOf', params: { allowed: check.oneOf.map((s) => JSON.stringify(s)).join(', ') } };
  if (check.unit === 'ms' && (v as number) < SECONDS_BELOW) return { code: 'ms', params: {} };
  if (check.unit === 's' && (v as number) >= SECONDS_BELOW) return { code: 's', params: {} };
  return null;
}

/**
 * The findings of `checks` on a parsed payload: per check, the first value that fails it (named by its path),
 * then one line counting the others, so a payload with a thousand bad members gives two lines and hides none.
 */
export function shapeProblems(value: unknown, checks: readonly ShapeCheck[], ctx: Context): Problem[] {
  const out: Problem[] = [];
  for (const check of checks) {
    let first: Problem | null = null;
    let more = 0;
    for (const node of resolve(value, check.path)) {
      const f = fault(check, node);
      if (f === null) continue;
      if (first !== null) {
        more++;
        continue;
      }
      const path = termSafe(node.path, 120);
      first = { code: `payload.shape.${f.code}`, params: { ...ctx, path, found: shown(node.value), example: check.example, ...f.params } };
    }
    if (first !== null) out.push(first);
    if (more > 0) out.push({ code: 'payload.shape.more', params: { ...ctx, path: check.path, count: more } });
  }
  return out;
}
