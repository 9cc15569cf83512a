/**
 * `--host`, `--port` and `--tls` as users write them, with the same meaning on every platform: `host`, `host:port`,
 * `[v6]:port`, a bare IPv6 address, or an `mqtt://` `mqtts://` `tcp://` `ssl://` `ws://` `wss://` URL whose scheme
 * sets TLS and WebSocket and whose port and path are taken from it. A port or transport given twice and differently
 * is a usage error naming both; nothing is guessed.
 */
import { UsageError } from '../errors.js';
import { maskUserinfo } from '../userinfo.js';
import { broker, HOST_ALLOWED, HOST_PATTERN, type ParamReader } from './_signer.js';
import type { Broker } from './types.js';

/** The --host help every platform starts with. */
export const HOST_HELP = 'broker host, host:port, [IPv6]:port or a mqtt:// mqtts:// tcp:// ssl:// ws:// wss:// URL';

/** Scheme → TLS and WebSocket. tcp/ssl are the spellings of Paho and many modem guides. */
const SCHEMES: Readonly<Record<string, { readonly tls: boolean; readonly websocket: boolean }>> = {
  mqtt: { tls: false, websocket: false },
  tcp: { tls: false, websocket: false },
  mqtts: { tls: true, websocket: false },
  ssl: { tls: true, websocket: false },
  ws: { tls: false, websocket: true },
  wss: { tls: true, websocket: true },
};

/** What one --host value says; absent fields are left to --port, --tls and the platform. */
interface HostInput {
  readonly host: string;
  readonly port?: number;
  /** Set only by a URL scheme. */
  readonly tls?: boolean;
  /** Set only by ws:// and wss://: the path, "/mqtt" when the URL has none. */
  readonly path?: string;
  /** The URL named no path, so "/mqtt" is a default the platform's own WebSocket path may replace. */
  readonly pathDefaulted?: boolean;
}

/** Read one --host value; `option` names the flag in errors. */
function parseHost(value: string, option: string): HostInput {
  // Errors quote the value with a password in it masked: other clients take a URL with one (mqtt://user:password@host).
  const shown = maskUserinfo(value);
  const bad = (): UsageError => new UsageError('platform.param.chars', { option, value: shown, allowed: HOST_ALLOWED });
  const url = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/.exec(value);
  let rest = value;
  let scheme: (typeof SCHEMES)[string] | undefined;
  let path: string | undefined;
  let pathDefaulted = false;
  if (url) {
    scheme = Object.hasOwn(SCHEMES, url[1]!.toLowerCase()) ? SCHEMES[url[1]!.toLowerCase()] : undefined;
    if (!scheme) throw new UsageError('host.scheme', { option, value: shown, scheme: url[1]!, allowed: Object.keys(SCHEMES).join(', ') });
    const slash = url[2]!.indexOf('/');
    rest = slash < 0 ? url[2]! : url[2]!.slice(0, slash);
    const given = slash < 0 ? '' : url[2]!.slice(slash);
    // A path means something only to a WebSocket server; "mqtt://host/" with its lone slash is still just a host.
    pathDefaulted = scheme.websocket && (given === '' || given === '/');
    if (scheme.websocket) path = pathDefaulted ? '/mqtt' : given;
    else if (given !== '' && given !== '/') throw new UsageError('host.path', { option, value: shown });
    if (path !== undefined && !/^\/[\x21-\x7e]*$/.test(path)) throw bad();
  }
  let host = rest;
  let portText: string | undefined;
  const bracketed = /^\[([0-9A-Fa-f:.]+)\](?::(.*))?$/.exec(rest);
  if (bracketed) {
    host = bracketed[1]!;
    portText = bracketed[2];
  } else if ((rest.match(/:/g) ?? []).length === 1) {
    // One colon is host:port; two or more is a bare IPv6 address, which stays valid without brackets.
    [host, portText] = rest.split(':') as [string, string];
  } else if (url && rest.includes(':')) {
    throw bad(); // inside a URL an IPv6 address needs its brackets (RFC 3986 §3.2.2)
  }
  if (host === '' || rest.includes('@') || !HOST_PATTERN.test(host)) throw bad();
  const port = portText === undefined ? undefined : portNumber(portText, option, shown);
  return {
    host,
    ...(port === undefined ? {} : { port }),
    ...(scheme ? { tls: scheme.tls } : {}),
    ...(path === undefined ? {} : { path, pathDefaulted }),
  };
}

/** The path of a platform's documented WebSocket URL, or undefined when it names none. */
function documentedPath(url: string | undefined): string | undefined {
  const slash = url === undefined ? -1 : url.indexOf('/', url.indexOf('//') + 2);
  return slash < 0 || slash === url!.length - 1 ? undefined : url!.slice(slash);
}

/** `shown`: the --host value as errors quote it. */
function portNumber(text: string, option: string, shown: string): number {
  const n = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= 65535)) throw new UsageError('host.port', { option, value: shown });
  return n;
}

interface EndpointDefaults {
  /** The host when --host is absent (computed from region, instance, hub, …). */
  readonly host: string;
  /** The port when neither --host nor --port gives one, for a plain or a TLS MQTT connection. */
  readonly port: (tls: boolean) => number;
  /** TLS without --tls (Azure: TLS only); a plain URL scheme still says false, for the platform to refuse. */
  readonly tls?: boolean;
  /** The platform's WebSocket URL for the default host, where it documents one (not applied to a --host of the user's). */
  readonly websocket?: string;
}

/**
 * The broker from params `host`, `port` and `tls` (each optional in a platform's table). The port of --host and
 * --port must agree, and so must a URL's scheme and --tls.
 */
export function readEndpoint(p: ParamReader, defaults: EndpointDefaults): Broker {
  const given = p.given('host') ? parseHost(p.require('host'), p.option('host')) : undefined;
  const flagPort = p.given('port') ? p.integer('port', 1, 65535) : undefined;
  if (given?.port !== undefined && flagPort !== undefined && given.port !== flagPort) {
    throw new UsageError('host.portConflict', { option: p.option('host'), value: p.require('host'), port: given.port, other: p.option('port'), otherPort: flagPort });
  }
  const flagTls = p.given('tls') && p.flag('tls');
  if (given?.tls === false && flagTls) throw new UsageError('host.tlsConflict', { option: p.option('host'), value: p.require('host'), other: p.option('tls') });
  const tls = given?.tls ?? (flagTls || defaults.tls === true);
  const host = given?.host ?? defaults.host;
  if (given?.path !== undefined) {
    const port = given.port ?? flagPort ?? (tls ? 443 : 80);
    const shown = host.includes(':') ? `[${host}]` : host;
    // The user's own endpoint: verified by definition, and kept as given by withWebsocket(). Its port speaks
    // WebSocket, so the broker's url is that WebSocket URL too: an mqtt:// URL there would name a listener that is not.
    // A URL without a path gets the platform's own WebSocket path where it documents one (Azure /$iothub/websocket,
    // which its hubs and IoT Edge gateways serve), else /mqtt.
    const path = given.pathDefaulted ? (documentedPath(defaults.websocket) ?? given.path) : given.path;
    const websocket = `${tls ? 'wss' : 'ws'}://${shown}:${port}${path}`;
    return { ...broker(host, port, tls, websocket), url: websocket, websocketUnverified: false };
  }
  // p.integer gives --port, else the param's declared default (OneNET legacy's 6002), which holds for any transport.
  const port = given?.port ?? p.integer('port', 1, 65535) ?? defaults.port(tls);
  return broker(host, port, tls, given ? undefined : defaults.websocket);
}
