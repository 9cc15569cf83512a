/**
 * Helpers every signer uses (private to src/platforms): read params with their defaults, throw the uniform
 * input errors (each names the --flag and what is allowed, never a secret's value), build the broker
 * endpoint and a catalogue warning. Keeps the wording of every platform's errors the same.
 */
import { UsageError } from '../errors.js';
import { message } from '../messages.js';
import { base64Strict } from './_crypto.js';
import type { Broker, CapturedLogin, ConnectOptions, FieldCheck, PlatformTopic, SignParams, Signer, SignerParam, Warning } from './types.js';

function option(param: SignerParam): string {
  return `--${param.flag}`;
}

/** The error for an absent param; a secret's hint names its environment variable and stdin. */
export function missingParam(platform: string, param: SignerParam): UsageError {
  return param.secret
    ? new UsageError('platform.secret.missing', { platform, option: option(param), env: param.env ?? '' })
    : new UsageError('platform.param.missing', { platform, option: option(param), value: param.valueName ?? param.name });
}

/**
 * The checks that need only the param table: no unknown names (a library typo would otherwise be
 * silently ignored), every required param present, every value with choices one of them.
 */
export function checkParams(signer: Signer, values: SignParams): void {
  // The library takes whatever JavaScript passes: not an object of params is named, not a TypeError from inside.
  if (typeof values !== 'object' || values === null) throw new UsageError('platform.params.type', { platform: signer.id, value: values === null ? 'null' : typeof values });
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const param = signer.params.find((p) => p.name === name);
    if (!param) {
      throw new UsageError('platform.param.unknown', { platform: signer.id, value: name, allowed: signer.params.map((p) => p.name).join(', ') });
    }
    // Every param is text (what the CLI reads from argv): a number or a Buffer would sign something else per platform.
    if (typeof value !== 'string') throw new UsageError('platform.param.type', { option: option(param), value: typeof value });
    if (param.choices && value !== '' && !param.choices.includes(value)) {
      throw new UsageError('platform.param.choice', { option: option(param), value, allowed: param.choices.join(', ') });
    }
  }
  for (const param of signer.params) {
    const value = values[param.name];
    if (param.required && (value === undefined || (value === '' && !param.allowEmpty))) throw missingParam(signer.id, param);
  }
}

/** Typed access to one call's params: defaults applied, each value checked where it is read. */
export interface ParamReader {
  /** "--flag" of a param, for error messages. */
  option(name: string): string;
  /** True when the caller gave a value (defaults do not count); "" counts only for a param that allows it (allowEmpty). */
  given(name: string): boolean;
  /** The value given, else the param's default, else undefined. An empty string counts as absent, unless the param allows it. */
  get(name: string): string | undefined;
  /** Like get(), but absent is a UsageError naming the flag (for params required only in some modes). */
  require(name: string): string;
  /** A boolean switch: absent or "false" → false, "true" → true. */
  flag(name: string): boolean;
  /** A whole number in [min, max]; undefined when absent and without default. */
  integer(name: string, min: number, max: number): number | undefined;
  /** Strict standard base64, decoded; the value is never echoed because keys are secrets. */
  base64(name: string): Buffer;
  /** A value made only of the characters `pattern` allows (anchored, whole value), with a length limit. */
  matching(name: string, pattern: RegExp, allowed: string): string | undefined;
}

export function readParams(platform: string, defs: readonly SignerParam[], values: SignParams): ParamReader {
  const def = (name: string): SignerParam => {
    const param = defs.find((p) => p.name === name);
    // A signer asking for a param it never declared is a programming error, not user input.
    if (!param) throw new Error(`${platform}: undeclared param ${name}`);
    return param;
  };
  // "" is absent, but for a param that may be empty (an Aliyun clientId core, a generic clientId).
  const given = (name: string): boolean => {
    const value = values[name];
    return value !== undefined && (value !== '' || def(name).allowEmpty === true);
  };
  const get = (name: string): string | undefined => (given(name) ? values[name] : def(name).default);
  const require = (name: string): string => {
    const value = get(name);
    if (value === undefined) throw missingParam(platform, def(name));
    return value;
  };
  return {
    option: (name) => option(def(name)),
    given,
    get,
    require,
    flag(name) {
      const value = get(name);
      if (value === undefined || value === 'false') return false;
      if (value === 'true') return true;
      throw new UsageError('platform.param.choice', { option: option(def(name)), value, allowed: 'true, false' });
    },
    integer(name, min, max) {
      const value = get(name);
      if (value === undefined) return undefined;
      const n = /^-?\d{1,16}$/.test(value) ? Number(value) : NaN;
      if (!(n >= min && n <= max)) throw new UsageError('platform.param.integer', { option: option(def(name)), value, min, max });
      return n;
    },
    base64(name) {
      const bytes = base64Strict(require(name));
      if (!bytes) throw new UsageError('platform.param.base64', { option: option(def(name)) });
      return bytes;
    },
    matching(name, pattern, allowed) {
      const value = get(name);
      if (value === undefined) return undefined;
      if (!pattern.test(value)) throw new UsageError('platform.param.chars', { option: option(def(name)), value, allowed });
      return value;
    },
  };
}

/** mqtt(s)://host:port, with IPv6 literals bracketed. */
export function broker(host: string, port: number, tls: boolean, websocket?: string): Broker {
  const shown = host.includes(':') ? `[${host}]` : host;
  const url = `${tls ? 'mqtts' : 'mqtt'}://${shown}:${port}`;
  return websocket === undefined ? { host, port, tls, url } : { host, port, tls, url, websocket };
}

/** Host names and IP literals, once _endpoint.ts has taken a URL's scheme, port and path off. */
export const HOST_PATTERN = /^[A-Za-z0-9._:-]{1,253}$/;
export const HOST_ALLOWED = 'a host name or IP address, host:port, [IPv6]:port, or a mqtt:// mqtts:// tcp:// ssl:// ws:// wss:// URL';

/** One standard topic of a platform; `payload` only where the platform defines an example. */
export function topic(name: string, topic: string, direction: PlatformTopic['direction'], description: string, payload?: string): PlatformTopic {
  return payload === undefined ? { name, topic, direction, description } : { name, topic, direction, description, payload };
}

/**
 * The checks every envelope() starts with: the topic is one the platform wraps, and the user's properties
 * are a JSON object (an array, null or a scalar has no property names to wrap).
 */
export function envelopeProperties(platform: string, allowed: readonly string[], topicName: string, properties: unknown): Readonly<Record<string, unknown>> {
  if (!allowed.includes(topicName)) throw new UsageError('platform.envelope.unknown', { platform, value: topicName, allowed: allowed.join(', ') });
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) {
    throw new UsageError('platform.envelope.properties', { topic: topicName });
  }
  return properties as Readonly<Record<string, unknown>>;
}

/** A catalogue warning with its English text; the edge may re-render it from code and params. */
export function warning(code: string, params: Readonly<Record<string, string | number>> = {}, level?: 'info'): Warning {
  const text = message(code, params);
  return level ? { code, level, message: text, params } : { code, message: text, params };
}

/** A cause found by verify(): a catalogue code and its params. */
export interface Cause {
  readonly code: string;
  readonly params?: Readonly<Record<string, string | number>>;
}

/** One verify() field; the cause is rendered in English and kept as code + params for the edge. */
export function fieldCheck(name: string, ok: boolean, expected: string | null, actual: string | null, cause?: Cause | null): FieldCheck {
  if (!cause) return { name, ok, expected, actual, cause: null };
  const params = cause.params ?? {};
  return { name, ok, expected, actual, cause: message(cause.code, params), causeCode: cause.code, causeParams: params };
}

/** The part of a captured CONNECT that lintConnect() judges. */
export function loginConnect(login: CapturedLogin): ConnectOptions {
  const v = login.protocolVersion;
  return { keepalive: login.keepalive, protocolVersion: v === 3 || v === 4 || v === 5 ? v : undefined, clientId: login.clientId, tls: login.tls };
}
