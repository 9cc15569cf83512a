/**
 * Platform-independent lint: the planned connection checked against a platform's PlatformRules.
 * Only warnings: a rule may be [unverified] (PLATFORMS.md), so lint never refuses to sign.
 */
import { warning } from './_signer.js';
import type { ConnectOptions, PlatformRules, Warning } from './types.js';

const DAY = 86_400;
const VERSION_NAMES: Readonly<Record<number, string>> = { 3: '3.1', 4: '3.1.1', 5: '5.0' };

export function lintConnect(rules: PlatformRules, connect: ConnectOptions | undefined, now: number): Warning[] {
  const c = connect ?? {};
  return [
    ...keepalive(rules, c.keepalive),
    ...(rules.tlsRequired && c.tls === false ? [warning('lint.tls.required')] : []),
    ...qos(rules, c.qos ?? [], c.subscribeQos ?? []),
    ...(c.retain && !rules.retain ? [warning('lint.retain.unsupported')] : []),
    ...(c.will && !rules.will ? [warning('lint.will.unsupported')] : []),
    ...protocol(rules, c.protocolVersion, c.clientId),
    ...expiry(rules, now),
  ];
}

/**
 * A PUBLISH or will QoS the platform lacks is refused (or, where rules.qosDisconnects, closes the connection). A
 * SUBSCRIBE's QoS is only a request: where the platform ignores it, a note says so instead.
 */
function qos(rules: PlatformRules, published: readonly number[], subscribed: readonly number[]): Warning[] {
  const allowed = rules.qos as readonly number[];
  const requested = rules.subscribeQosIgnored ? published : [...published, ...subscribed];
  const out = [...new Set(requested)]
    .filter((q) => !allowed.includes(q))
    .map((q) => warning(rules.qosDisconnects ? 'lint.qos.disconnect' : 'lint.qos.unsupported', { qos: q, allowed: allowed.join(', ') }));
  if (rules.subscribeQosIgnored && subscribed.some((q) => q > 0)) out.push(warning('lint.subscribe.qosIgnored', {}, 'info'));
  return out;
}

function keepalive(rules: PlatformRules, seconds: number | undefined): Warning[] {
  if (seconds === undefined) return [];
  const { min, max, recommendedMin } = rules.keepalive;
  if (seconds < min || seconds > max) return [warning('lint.keepalive.range', { keepalive: seconds, min, max })];
  if (recommendedMin !== undefined && seconds < recommendedMin) {
    return [warning('lint.keepalive.low', { keepalive: seconds, recommended: recommendedMin })];
  }
  return [];
}

function protocol(rules: PlatformRules, version: number | undefined, clientId: string | undefined): Warning[] {
  const out: Warning[] = [];
  if (version !== undefined && !(rules.protocolVersions as readonly number[]).includes(version)) {
    out.push(warning('lint.protocol.unsupported', {
      version: VERSION_NAMES[version] ?? String(version),
      allowed: rules.protocolVersions.map((v) => VERSION_NAMES[v]).join(', '),
    }));
  }
  if (clientId !== undefined) {
    const bytes = Buffer.byteLength(clientId, 'utf8');
    // MQTT 3.1 §3.1: "The Client Identifier (Client ID) is between 1 and 23 characters long".
    if (version === 3 && bytes > 23) out.push(warning('lint.clientId.mqtt31', { length: bytes }));
    if (rules.clientIdMaxLength !== undefined && bytes > rules.clientIdMaxLength) {
      out.push(warning('lint.clientId.long', { length: bytes, max: rules.clientIdMaxLength }));
    }
  }
  return out;
}

/** The one expiry warning of a credential: expired, or expiring within a day; both name the flags that change it. */
function expiry(rules: PlatformRules, now: number): Warning[] {
  const { expiresAt } = rules;
  if (expiresAt === null) return [];
  const left = expiresAt - Math.floor(now / 1000);
  const at = new Date(expiresAt * 1000).toISOString();
  const flags = rules.expiryFlags ?? [];
  if (left <= 0) return [warning('expired', { expiresAt: at, option: flags[0] ?? '--expires' })];
  if (left < DAY) return [warning('lint.expiry.soon', { expiresAt: at, hours: Math.round((left / 3600) * 10) / 10, options: flags.join(', ') })];
  return [];
}
