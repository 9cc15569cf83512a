/**
 * What `--format c --runtime` writes functions for, worked out from the platform: a PUBLISH writer for the --publish
 * topic and for each standard publish topic, and an envelope writer for each standard topic the platform wraps. The
 * envelope's text comes from the platform's own envelope(), called with marker values whose places become the
 * C function's holes, so the C writes the same bytes as `--publish <name> --payload <json>` does.
 */
import type { RuntimeEnvelope, RuntimeSpec, RuntimeTopic } from '../format/formatter.js';
import type { PlatformTopic, SignParams, Signer } from '../platforms/types.js';
import type { Plan } from './packets.js';

/** A message id no real envelope text contains; it must survive as digits (OneNET's dp id is a number). */
const ID_MARK = '3735928559';
/** A property key that marks where the caller's params object goes. */
const PARAMS_MARK = 'mqtt-sign:params';

export function runtimeSpec(signer: Signer, topics: readonly PlatformTopic[], publish: string | undefined, plan: Plan, params: SignParams, now: number): RuntimeSpec {
  const out: RuntimeTopic[] = [];
  if (publish !== undefined && plan.publish) {
    // A literal topic that is a standard one is named after it.
    const standard = topics.find((t) => t.name === publish || t.topic === publish);
    out.push({ name: standard?.name ?? publish, topic: standard?.topic ?? publish, qos: plan.publish.qos, retain: plan.publish.retain });
  }
  for (const t of topics) {
    if (t.direction === 'publish' && !out.some((o) => o.topic === t.topic)) out.push({ name: t.name, topic: t.topic, qos: 0, retain: false });
  }
  const envelopes = signer.envelope
    ? topics.flatMap((t) => (t.direction === 'publish' ? template(signer, t.name, params, now) : []))
    : [];
  return { topics: out, envelopes };
}

/**
 * The envelope of one standard topic as text and holes, or nothing when the platform does not wrap that topic as
 * text, or its text does not hold each marker once (then no writer is made rather than a wrong one).
 */
function template(signer: Signer, name: string, params: SignParams, now: number): RuntimeEnvelope[] {
  let text: string;
  try {
    const made = signer.envelope!(name, { [PARAMS_MARK]: 0 }, { now, messageId: ID_MARK, params });
    if (typeof made !== 'string') return lengthPrefixed(name, made);
    text = made;
  } catch {
    return [];
  }
  // The caller's object replaces the whole marker object, whatever the platform wrapped its value in.
  const inner = /\{"mqtt-sign:params":(?:0|\{"value":0\}|\[\{"v":0\}\])\}/g;
  const holes = [...text.matchAll(new RegExp(`${inner.source}|${ID_MARK}`, 'g'))];
  const count = (mark: 'id' | 'params') => holes.filter((h) => (h[0] === ID_MARK) === (mark === 'id')).length;
  if (count('params') > 1 || count('id') > 1 || text.split(PARAMS_MARK).length - 1 !== count('params')) return [];
  const parts: RuntimeEnvelope['parts'][number][] = [];
  let at = 0;
  for (const h of holes) {
    if (h.index! > at) parts.push(text.slice(at, h.index));
    parts.push({ slot: h[0] === ID_MARK ? 'id' : 'params' });
    at = h.index! + h[0].length;
  }
  if (at < text.length) parts.push(text.slice(at));
  // The C copies the caller's object as given, so where the platform wraps each value the comment shows that shape.
  const wrapped = holes.find((h) => h[0] !== ID_MARK)?.[0];
  if (wrapped === undefined || wrapped === `{"${PARAMS_MARK}":0}`) return [{ name, parts }];
  return [{ name, parts, paramsExample: wrapped.replace(PARAMS_MARK, 'temp').replace(':0', ':23.5') }];
}

/**
 * OneNET's legacy `$dp` type 3: a type byte 3, the JSON's length as u16 big-endian, then the JSON (see
 * onenet-legacy.ts). Recognised by its bytes, so any other binary envelope gets no writer rather than a wrong one.
 */
function lengthPrefixed(name: string, made: Uint8Array): RuntimeEnvelope[] {
  const json = `{"${PARAMS_MARK}":0}`;
  const ok = made.length === 3 + json.length && made[0] === 3 && ((made[1]! << 8) | made[2]!) === json.length && Buffer.from(made.subarray(3)).toString('latin1') === json;
  return ok ? [{ name, parts: ['\u0003', { slot: 'length16' }, { slot: 'params' }] }] : [];
}
