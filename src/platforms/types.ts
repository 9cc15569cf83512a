/**
 * The one shape every platform signer has. A signer is pure: the clock (`now`) and any randomness
 * (`random`) come in through SignContext; it never reads process, env or the clock itself.
 * `params` drive the CLI flags, the --help text and the required-param checks.
 */

/** One input of a signer; becomes a CLI option `--<flag>`. */
export interface SignerParam {
  /** Key in the params object passed to sign(), camelCase, e.g. "productKey". */
  readonly name: string;
  /** CLI flag without dashes, e.g. "product" for --product <productKey>. */
  readonly flag: string;
  /** Placeholder shown in --help, e.g. "productKey". Absent for boolean switches. */
  readonly valueName?: string;
  /** One line for --help (English; the zh text lives in messages under `param.<platform>.<name>`). */
  readonly description: string;
  readonly required?: boolean;
  /** A secret: never echoed; may come from `env` or from stdin when the value is "-". */
  readonly secret?: boolean;
  /** Environment variable that supplies the value (secrets), e.g. "MQTT_SIGN_SECRET". */
  readonly env?: string;
  readonly choices?: readonly string[];
  /** Default as the user would type it; documented in --help. Computed defaults (now, random) are not listed here. */
  readonly default?: string;
  /** A boolean switch (e.g. --tls): its value is "true" when present. */
  readonly boolean?: boolean;
  /** An empty value is a real value, not "absent" (generic's clientId: the broker assigns one). */
  readonly allowEmpty?: boolean;
}

/** Everything a signer may depend on besides its params. */
export interface SignContext {
  /** Milliseconds since the Unix epoch, read by the edge. */
  readonly now: number;
  /** Caller-supplied randomness (hex or alphanumerics) for nonces such as Tencent's connid or Aliyun's random. */
  readonly random?: string;
  /** Salt bytes for password-file hashes (mosquitto $7$); tests inject them. */
  readonly salt?: Uint8Array;
  /** The planned connection, where a signer's choice depends on it (generic: an empty clientId needs clean session). */
  readonly connect?: ConnectOptions;
}

export type SignParams = Readonly<Record<string, string | undefined>>;

export interface Credentials {
  readonly clientId: string;
  /** null when the username flag is not set. */
  readonly username: string | null;
  /** null when the password flag is not set. */
  readonly password: string | null;
}

export interface Broker {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  /** mqtt://host:port or mqtts://host:port; the ws:// or wss:// URL when --host gave one (that port speaks WebSocket). */
  readonly url: string;
  /** ws:// or wss:// URL where the platform offers MQTT over WebSocket. */
  readonly websocket?: string;
  /** The WebSocket endpoint is not confirmed by the platform's documentation (PLATFORMS.md provenance [unverified]). */
  readonly websocketUnverified?: boolean;
}

export interface PlatformRules {
  /** Allowed keepalive in seconds, and the default the CLI uses. */
  readonly keepalive: { readonly min: number; readonly max: number; readonly default: number; readonly recommendedMin?: number };
  readonly tlsRequired: boolean;
  /** QoS levels the platform accepts for PUBLISH/SUBSCRIBE. */
  readonly qos: readonly (0 | 1 | 2)[];
  readonly retain: boolean;
  readonly will: boolean;
  /** MQTT protocol levels the platform accepts: 3 = 3.1, 4 = 3.1.1, 5 = 5.0. */
  readonly protocolVersions: readonly (3 | 4 | 5)[];
  readonly clientIdMaxLength?: number;
  /** Largest PUBLISH payload in bytes, where documented. */
  readonly maxPayload?: number;
  /** When the credential stops working, Unix seconds; null = does not expire. */
  readonly expiresAt: number | null;
  /** The flags that set expiresAt, the explicit one first (e.g. --expires, --ttl): named by the expiry warnings. */
  readonly expiryFlags?: readonly string[];
  /** The platform ignores the QoS a SUBSCRIBE asks for; messages arrive at the sender's QoS (Aliyun). */
  readonly subscribeQosIgnored?: boolean;
  /** A PUBLISH at a QoS outside `qos` makes the broker close the connection (Azure), rather than being refused. */
  readonly qosDisconnects?: boolean;
  /**
   * Every topic of this platform has a "/" (and starts with `prefix`, Aliyun's "/"): a --publish/--subscribe value
   * without that shape is a mistyped standard name, not a topic. Absent: any text may be a topic (plain brokers).
   */
  readonly topicShape?: { readonly prefix?: string };
}

export interface PlatformTopic {
  /** Short name usable with --publish, e.g. "property-post". */
  readonly name: string;
  /** The topic for this device, placeholders filled, e.g. "/sys/a1B2/dev1/thing/event/property/post". */
  readonly topic: string;
  readonly direction: 'publish' | 'subscribe';
  readonly description: string;
  /** Example payload (JSON text) where the platform defines one. */
  readonly payload?: string;
}

export interface Warning {
  readonly code: string;
  /** 'info' for a note (e.g. which default was chosen); absent means a warning. */
  readonly level?: 'info';
  readonly message: string;
  /** Values the catalogue fills in (for localisation at the edge). */
  readonly params?: Readonly<Record<string, string | number>>;
}

export interface SignResult {
  readonly platform: string;
  readonly credentials: Credentials;
  readonly broker: Broker;
  readonly rules: PlatformRules;
  readonly topics: readonly PlatformTopic[];
  readonly warnings: readonly Warning[];
  /** Extra packets the platform flow needs, e.g. Aliyun dynamic registration's SUBSCRIBE topic. */
  readonly extras?: Readonly<Record<string, string>>;
}

/** The planned connection, as far as the caller knows it; lintConnect() checks it against PlatformRules. */
export interface ConnectOptions {
  readonly keepalive?: number;
  readonly protocolVersion?: 3 | 4 | 5;
  /** Transport is TLS; defaults to the signed broker's. */
  readonly tls?: boolean;
  /** QoS of each planned PUBLISH (and the will). */
  readonly qos?: readonly number[];
  /** QoS each planned SUBSCRIBE asks for. */
  readonly subscribeQos?: readonly number[];
  /** Clean session (3.1.1) / clean start (5.0); defaults to true. */
  readonly clean?: boolean;
  readonly retain?: boolean;
  readonly will?: boolean;
  /** Defaults to the signed clientId. */
  readonly clientId?: string;
}

/** What envelope() may use: the clock, an explicit message id, and the same params sign() got. */
export interface EnvelopeContext extends SignContext {
  /** The envelope's message id; when absent it is derived from `now`. */
  readonly messageId?: string;
  readonly params?: SignParams;
}

/**
 * The CONNECT fields verify() checks: a structural subset of the decoded CONNECT packet. A decoded username or
 * password is binary (a Uint8Array); verify() reads it as its UTF-8 text (defineSigner), as the CLI does.
 */
export interface CapturedLogin {
  readonly clientId: string;
  readonly username: string | null;
  readonly password: string | null;
  readonly keepalive?: number;
  readonly protocolVersion?: number;
  /**
   * The transport the CONNECT travelled over: false for a packet read from a capture (the capture reader
   * skips TLS streams, so any CONNECT it decodes was sent in plain TCP); absent for pasted bytes.
   */
  readonly tls?: boolean;
}

export interface FieldCheck {
  /** "clientId" | "username" | "password" | a sub-field like "password.sign". */
  readonly name: string;
  readonly ok: boolean;
  readonly expected: string | null;
  readonly actual: string | null;
  /** Likely cause when not ok (or when ok but notable), found by trying the known mistakes; null otherwise. English text. */
  readonly cause: string | null;
  /** Catalogue code and params of `cause`, so the edge can render it in the user's language. */
  readonly causeCode?: string;
  readonly causeParams?: Readonly<Record<string, string | number>>;
}

export interface VerifyResult {
  readonly ok: boolean;
  readonly fields: readonly FieldCheck[];
  readonly warnings: readonly Warning[];
}

export interface Signer {
  readonly id: string;
  readonly title: string;
  /** Vendor pages the algorithm follows. */
  readonly docs: readonly string[];
  readonly params: readonly SignerParam[];
  /** A runnable example invocation for --help, without the leading "mqtt-sign". */
  readonly example: string;
  sign(params: SignParams, ctx: SignContext): SignResult;
  /**
   * Wrap user properties (parsed JSON) in the platform's envelope for a standard topic (Alink, OneJSON, …).
   * Text for JSON envelopes; bytes where the platform frames the payload in binary (OneNET legacy `$dp`).
   */
  envelope?(topicName: string, properties: unknown, ctx: EnvelopeContext): string | Uint8Array;
  /**
   * The envelope the platform expects on its standard topics, for decode's payload lint (first matching row wins).
   * Data, not code: each row is a topic pattern and the top-level keys a payload there must carry.
   */
  readonly payloadEnvelopes?: readonly PayloadEnvelope[];
  /** Recompute a captured login with the secret(s) in params and explain any mismatch. */
  verify?(login: CapturedLogin, params: SignParams, ctx: { now?: number }): VerifyResult;
}

/** One row of a platform's payload envelopes. */
export interface PayloadEnvelope {
  /** RegExp source matched against the whole topic name, e.g. "/sys/[^/]+/[^/]+/thing/.+_reply". */
  readonly topic: string;
  /** The envelope's name in the platform's docs: Alink, OneJSON, … */
  readonly envelope: string;
  /** Top-level keys a payload on that topic must have. */
  readonly required: readonly string[];
  /** A minimal valid payload, shown in the hint. */
  readonly example: string;
  /** Checks on the envelope's inside, each as PLATFORMS.md documents it (none where it marks a shape [unverified]). */
  readonly inner?: readonly ShapeCheck[];
}

/**
 * One documented fact about a value inside an envelope, for decode's payload lint (src/capture/payload-shape.ts).
 * `path` is dotted from the payload's top: a key, `*` for each member of an object, `[]` for each element of an
 * array (`services[].service_id`, `params.*.time`).
 */
export interface ShapeCheck {
  readonly path: string;
  /** The JSON type the value must have; `id` is a whole number above 0. */
  readonly is: 'object' | 'array' | 'string' | 'number' | 'id';
  /** Keys an object must carry (a check on a key checks it only where it is present). */
  readonly keys?: readonly string[];
  /** The only values it may take. */
  readonly oneOf?: readonly (string | number)[];
  /** A time: `ms` refuses a value that is in seconds (below 1e11, i.e. before 1973 in ms), `s` the reverse. */
  readonly unit?: 'ms' | 's';
  /** A correct value at this path, shown in the hint. */
  readonly example: string;
}

/**
 * Fixes the type of a platform module's default export. Its verify() also takes a decoded CONNECT as it is (a library
 * caller's `decode(bytes).packet`): a binary username or password is read as its UTF-8 text, as the CLI reads it.
 */
export function defineSigner<S extends Signer>(signer: S): S {
  const verify = signer.verify;
  if (verify === undefined) return signer;
  return { ...signer, verify: (login: CapturedLogin, params: SignParams, ctx: { now?: number }) => verify(asText(login), params, ctx) };
}

function asText(login: CapturedLogin): CapturedLogin {
  const { username, password } = login as { username: unknown; password: unknown };
  if (!(username instanceof Uint8Array) && !(password instanceof Uint8Array)) return login;
  const text = (v: unknown) => (v instanceof Uint8Array ? new TextDecoder().decode(v) : (v as string | null));
  return { ...login, username: text(username) ?? null, password: text(password) ?? null };
}
