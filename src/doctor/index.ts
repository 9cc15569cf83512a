/**
 * `doctor`: judge a mosquitto 2.0 configuration the way the broker and its clients will treat it. Pure: the edge reads
 * the config files (main first, each include_dir's files spliced in where the line stands) and the facts about every
 * file the config names; this module says which listeners exist, who can reach them, and what will fail.
 * Observed with mosquitto 2.0.11 (test/doctor-broker.test.ts checks each prediction against the real broker).
 */
import { KEPT_PER_CODE, type Directive, type ParsedFile } from './parse.js';
import { checkPasswd } from './passwd.js';
import { checkCertificate } from './tls.js';
import type { DoctorReport, FileFact, Finding, ListenerReport, Reach, Severity } from './types.js';

export { parseConfig, includeOrder, KEPT_PER_CODE, type Directive, type ParsedFile } from './parse.js';
export { renderDoctor, doctorJson } from './render.js';
export type { DoctorReport, FileFact, Finding, ListenerReport, Reach, Severity } from './types.js';

/** An include_dir line and what the edge found there. */
export interface IncludeFact {
  readonly directive: Directive;
  readonly exists: boolean;
  /** The .conf files in mosquitto's load order, parsed. */
  readonly files: readonly ParsedFile[];
  /** The .conf entries the edge could not read, with the error code (EISDIR for a directory). */
  readonly failed?: readonly { readonly path: string; readonly reason: string }[];
}

interface DoctorInput {
  readonly main: ParsedFile;
  readonly includes: readonly IncludeFact[];
  /** Facts keyed by the path exactly as the config writes it. */
  readonly facts: Readonly<Record<string, FileFact>>;
  /** The name or address phones connect to (--host), for the certificate name check. */
  readonly host?: string;
  readonly now: number;
}

/** Options whose value is a file the broker reads at start; the edge gathers a FileFact for each. */
const FILE_OPTIONS = ['password_file', 'certfile', 'keyfile', 'cafile'] as const;

/** Every directive in load order: an include_dir's files take its place (mosquitto.conf(5), include_dir). */
export function directives(main: ParsedFile, includes: readonly IncludeFact[]): Directive[] {
  const out: Directive[] = [];
  for (const d of main.directives) {
    out.push(d);
    if (d.option !== 'include_dir') continue;
    for (const f of includes.find((i) => i.directive === d)?.files ?? []) out.push(...f.directives);
  }
  return out;
}

/** The paths (as written) of every file the configuration names, for the edge to look at. */
export function referencedFiles(all: readonly Directive[]): string[] {
  return [...new Set(all.filter((d) => (FILE_OPTIONS as readonly string[]).includes(d.option)).map((d) => d.value))];
}

/** The user mosquitto drops to when started as root: the `user` option, else "mosquitto". */
export function runUser(all: readonly Directive[]): string {
  return all.findLast((d) => d.option === 'user')?.value ?? 'mosquitto';
}

interface Block {
  /** The `listener` line; undefined for the default listener (port / bind_address / local-only mode). */
  readonly at?: Directive;
  readonly options: Map<string, Directive>;
  readonly security: Map<string, Directive>;
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|localhost|ip6-localhost)$/i;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const IP = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:.]*)$/i;
/** A host name, not a network interface's: localhost, or dotted with a last label that starts with a letter (eth0.100 is a VLAN interface). */
const HOST_NAME = /^(localhost|ip6-localhost|.*\.[a-z][a-z0-9-]*)$/i;
const AUTH_OPTIONS = ['password_file', 'plugin', 'auth_plugin', 'psk_file'];
const TLS_VERSIONS = ['tlsv1.3', 'tlsv1.2', 'tlsv1.1'];
/** MQTT.js, mosquitto_pub and most device SDKs default to a 60 s keepalive. */
const TYPICAL_KEEPALIVE = 60;
const SMALL_MESSAGE = 4096;
const FEW_CONNECTIONS = 10;

export function doctor(input: DoctorInput): DoctorReport {
  const findings: Finding[] = [...input.main.problems];
  const all = directives(input.main, input.includes);
  for (const inc of input.includes) {
    for (const f of inc.files) findings.push(...f.problems);
    if (!inc.exists) findings.push(at(inc.directive, 'include.missing', 'error', { dir: inc.directive.value }));
    // mosquitto 2.0.11 stops on a directory ("Config file … is a directory"); any other failure may be this user's
    // alone (mosquitto reads its config as root), so it is a warning that the file went unjudged.
    for (const x of inc.failed ?? []) {
      if (x.reason === 'EISDIR') findings.push(at(inc.directive, 'include.directory', 'error', { path: x.path }));
      else findings.push(at(inc.directive, 'include.unreadable', 'warning', { path: x.path, reason: x.reason }));
    }
  }
  for (const d of all) if (d.option === 'include_dir' && d.file !== input.main.file) findings.push(at(d, 'include.nested', 'warning', {}));

  const late = perListenerTooLate(all);
  if (late !== undefined) findings.push(at(late.at, 'auth.per-listener-late', 'error', { option: late.after.option, first: `${late.after.file}:${late.after.line}` }));

  const last = (name: string): Directive | undefined => all.findLast((d) => d.option === name);
  const perListener = last('per_listener_settings')?.value === 'true';
  const global: Block = { options: new Map(), security: new Map() };
  const blocks: Block[] = [];
  let current: Block = global;
  /** Security lines under a listener while they are global: they apply to every listener (a common surprise). */
  const misplaced: Directive[] = [];
  for (const d of all) {
    if (d.option === 'listener') {
      current = { at: d, options: new Map(), security: new Map() };
      blocks.push(current);
    } else if (d.option === 'connection') {
      current = { options: new Map(), security: new Map() }; // bridge settings follow; they configure no listener
    } else if (d.spec.scope === 'listener') current.options.set(d.option, d);
    else if (d.spec.scope === 'security') {
      if (perListener) current.security.set(d.option, d);
      else {
        global.security.set(d.option, d);
        if (current !== global && current.at !== undefined) misplaced.push(d);
      }
    }
  }
  const port = last('port');
  const bindAddress = last('bind_address');
  const hasDefault = port !== undefined || bindAddress !== undefined;
  const localOnly = blocks.length === 0 && !hasDefault;
  // The default listener (or local-only mode's) takes the listener options written before any `listener` line.
  const effective: Block[] = [...(hasDefault || localOnly ? [global] : []), ...blocks];

  if (localOnly) findings.push(whole('listener.none', 'warning', {}));
  if (!perListener && blocks.length > 1) for (const d of misplaced) findings.push(at(d, 'auth.global', 'warning', { option: d.option }));
  if (perListener && !hasDefault && !localOnly) {
    for (const d of global.security.values()) findings.push(at(d, 'auth.orphan', 'warning', { option: d.option }));
  }
  if (!hasDefault && !localOnly && global.options.get('protocol')?.value === 'websockets') {
    findings.push(at(global.options.get('protocol')!, 'ws.no-port', 'warning', {}));
  }

  const listeners: ListenerReport[] = [];
  const sockets = new SocketTable();
  const opened: { line: Directive; open: () => Opened | undefined; f: At }[] = [];
  for (const b of effective) {
    const lport = b.at ? Number(b.at.args[0]) : port ? Number(port.args[0]) : 1883;
    const written = b.at ? (b.at.args[1] ?? null) : localOnly ? 'localhost' : (bindAddress?.value ?? null);
    const protocol = b.options.get('protocol')?.value === 'websockets' ? 'websockets' : 'mqtt';
    const tls = b.options.has('certfile') || b.options.has('psk_hint');
    const domain = b.options.get('socket_domain')?.value;
    const asked = b.options.get('bind_interface');
    // mosquitto 2.0.11 gives a websockets listener to libwebsockets, which opens one dual-stack IPv6 socket: an IPv4
    // address counts only with socket_domain ipv4, bind_interface never (observed: ss shows *:port, 127.0.0.2 gets in).
    const ws = protocol === 'websockets';
    const bindIgnored = ws && written !== null && IPV4.test(written) && domain !== 'ipv4';
    // A name is taken by libwebsockets as a network interface's (lo, eth0: that interface's address). A host name is
    // no interface: the listener then opens no socket, and mosquitto 2.0.11 still logs "Opening websockets listen socket".
    // (Local-only mode's 'localhost' is ours, not written: ws.only says what that mode does with websockets.)
  const wsName = ws && written !== null && !localOnly && !IP.test(written) ? written : undefined;
    const hostName = wsName !== undefined && HOST_NAME.test(wsName);
    const bind = bindIgnored || wsName !== undefined ? null : written;
    const iface = ws ? wsName : asked?.value;
    const reach: Reach =
      b.at && lport === 0 ? 'unix-socket'
      : hostName ? 'none'
      : localOnly || (bind !== null && LOOPBACK.test(bind)) || iface === 'lo' ? 'localhost-only'
      : iface !== undefined ? `interface:${iface}`
      : bind !== null ? `address:${bind}`
      : 'all';
    listeners.push({ port: lport, bind: written, protocol, tls, reachableFrom: reach });
    const line = b.at ?? (b === global ? (port ?? bindAddress) : undefined);
    const f = (code: string, severity: Severity, params: Finding['params'] = {}): Finding =>
      line ? at(line, code, severity, { port: lport, ...params }) : whole(code, severity, { port: lport, ...params });

    if (lport > 0 && line !== undefined && reach !== 'none') opened.push({ line, open: () => sockets.add(lport, bind, domain, iface, line), f });
    if (reach === 'localhost-only' && !localOnly) findings.push(f('listener.localhost', 'warning', { bind: iface === 'lo' ? 'lo' : String(bind) }));
    if (protocol === 'websockets') {
      if (!tls) findings.push(f('ws.no-tls', 'warning'));
      if (hostName) findings.push(f('ws.bind-host', 'error', { bind: wsName }));
      else if (wsName !== undefined) findings.push(f('ws.bind-name', 'warning', { bind: wsName }));
      if (bindIgnored) findings.push(f('ws.bind-ignored', 'warning', { bind: written }));
      if (asked !== undefined) findings.push(at(asked, 'ws.interface-ignored', 'warning', { port: lport, iface: asked.value }));
    }
    if (perListener) findings.push(...authFindings(b.security, String(lport), f, input.facts, localOnly));
    findings.push(...tlsFindings(b, f, input));
    // max_connections belongs to its listener.
    const conns = b.options.get('max_connections');
    if (conns && Number(conns.value) >= 0 && Number(conns.value) < FEW_CONNECTIONS) findings.push(at(conns, 'limits.connections', 'warning', { value: Number(conns.value) }));
  }

  // In file order, so the second of two clashing lines is the one named (the default listener's `port` may come last).
  const position = new Map(all.map((d, i) => [d, i] as const));
  opened.sort((a, b) => position.get(a.line)! - position.get(b.line)!);
  for (const o of opened) {
    const clash = o.open();
    if (clash !== undefined) findings.push(o.f('listener.duplicate', 'error', { first: clash === null ? '-' : `${clash.file}:${clash.line}` }));
  }

  // Global login rules are judged once, for every port together.
  if (!perListener && listeners.length > 0) {
    const ports = listeners.map((l) => l.port).join(', ');
    findings.push(...authFindings(global.security, ports, (code, severity, params = {}) => whole(code, severity, { port: ports, ...params }), input.facts, localOnly));
  }
  if (listeners.length > 0 && listeners.every((l) => l.protocol === 'websockets')) findings.push(whole('ws.only', 'error', {}));
  else if (!listeners.some((l) => l.protocol === 'websockets')) findings.push(whole('ws.none', 'warning', {}));
  findings.push(...limitFindings(last));
  const remote = listeners.filter((l) => l.reachableFrom !== 'localhost-only' && l.reachableFrom !== 'unix-socket' && l.reachableFrom !== 'none');
  // With only local listeners, the ports to open are still the ones the config names (after fixing the bind).
  const open = remote.length > 0 ? remote : listeners;
  findings.push(whole('check.firewall', 'info', { ports: open.length > 0 ? open.map((l) => l.port).join(', ') : '1883' }));
  findings.push(whole('check.public-address', 'info', {}));
  const rank = { error: 0, warning: 1, info: 2 } as const;
  const sorted = findings.map((x, i) => [x, i] as const).sort(([a, i], [b, j]) => rank[a.severity] - rank[b.severity] || i - j).map(([x]) => x);
  const omitted = new Map<string, number>();
  for (const f of [input.main, ...input.includes.flatMap((i) => i.files)]) {
    for (const [code, n] of Object.entries(f.omitted)) omitted.set(code, (omitted.get(code) ?? 0) + n);
  }
  return { ok: !findings.some((x) => x.severity === 'error'), listeners, findings: capped(sorted, omitted) };
}

/**
 * At most KEPT_PER_CODE findings of each code, the first ones; right after the last kept one, a `more` finding
 * counting the rest (with those the parser only counted), so output stays bounded and the totals stay true.
 */
function capped(sorted: readonly Finding[], omitted: ReadonlyMap<string, number>): Finding[] {
  const total = new Map<string, number>();
  for (const f of sorted) total.set(f.code, (total.get(f.code) ?? 0) + 1);
  const seen = new Map<string, number>();
  const out: Finding[] = [];
  for (const f of sorted) {
    const n = (seen.get(f.code) ?? 0) + 1;
    seen.set(f.code, n);
    if (n > KEPT_PER_CODE) continue;
    out.push(f);
    const all = total.get(f.code)!;
    const rest = all - Math.min(all, KEPT_PER_CODE) + (omitted.get(f.code) ?? 0);
    if (n === Math.min(all, KEPT_PER_CODE) && rest > 0) out.push({ code: 'more', severity: f.severity, file: null, line: null, params: { n: rest, of: f.code } });
  }
  return out;
}

type At = (code: string, severity: Severity, params?: Finding['params']) => Finding;

/** The options after which mosquitto 2.0.11 has chosen where security settings go (conf.c conf__set_cur_security_options). */
const SECURITY_CHOSEN = new Set(['acl_file', 'allow_anonymous', 'allow_zero_length_clientid', 'auth_plugin', 'plugin', 'auto_id_prefix', 'check_retain_source', 'password_file', 'psk_file']);

/**
 * The first `per_listener_settings true` that follows one of those options, and the first such option: mosquitto
 * refuses to start ("per_listener_settings must be set before any other security settings"); a false one is accepted.
 */
function perListenerTooLate(all: readonly Directive[]): { at: Directive; after: Directive } | undefined {
  let after: Directive | undefined;
  for (const d of all) {
    if (d.option === 'per_listener_settings' && d.value === 'true' && after !== undefined) return { at: d, after };
    if (after === undefined && SECURITY_CHOSEN.has(d.option)) after = d;
  }
  return undefined;
}

type Family = 4 | 6;
/** The line of a listener already opened; null for one without a line of its own. */
type Opened = Directive | null;

/** What earlier listeners hold on one port, for one interface choice: any address, the wildcard, each address. */
interface PortHold {
  readonly any: Map<Family, Opened>;
  readonly wildcard: Map<Family, Opened>;
  readonly address: Map<string, Opened>;
}

/**
 * The sockets mosquitto opens, to tell when a listener asks for one an earlier listener holds: mosquitto then exits
 * with "Address already in use" (or "Unable to create websockets listener"). Observed with 2.0.11: the same port on
 * the wildcard and on any address of the same family clashes; another address, another family (socket_domain, or
 * an IPv6 address beside IPv4 ones) or another bind_interface does not. Each listener costs O(1) (no pairwise scan).
 */
class SocketTable {
  /** port → bind_interface ('' for none, '*' for every listener whatever its interface) → what is held. */
  readonly #ports = new Map<number, Map<string, PortHold>>();

  /** Records the listener; returns the earlier listener it clashes with, or undefined. */
  add(port: number, bind: string | null, domain: string | undefined, iface: string | undefined, line: Directive | undefined): Opened | undefined {
    const families: Family[] = domain === 'ipv4' ? [4] : domain === 'ipv6' ? [6] : [4, 6];
    // An IPv4 or IPv6 address binds only its own family; "localhost" resolves to 127.0.0.1 (its ::1 depends on /etc/hosts).
    const address = bind === null ? null : /^localhost$/i.test(bind) ? '127.0.0.1' : bind.toLowerCase();
    const own: Family[] = address === null ? families : /^\d{1,3}(\.\d{1,3}){3}$/.test(address) ? [4] : address.includes(':') ? [6] : families;
    const held = this.#ports.get(port) ?? new Map<string, PortHold>();
    this.#ports.set(port, held);
    const hold = (key: string): PortHold => {
      let h = held.get(key);
      if (h === undefined) held.set(key, (h = { any: new Map(), wildcard: new Map(), address: new Map() }));
      return h;
    };
    // A listener on an interface clashes with ones on the same interface or on none; one on none clashes with all.
    const against = iface === undefined ? [held.get('*')] : [held.get(`=${iface}`), held.get('')];
    let clash: Opened | undefined;
    for (const h of against) {
      if (h === undefined) continue;
      for (const f of own) {
        clash ??= address === null ? h.any.get(f) : (h.wildcard.get(f) ?? h.address.get(`${f} ${address}`));
      }
    }
    const opened: Opened = line ?? null;
    for (const h of [hold('*'), hold(iface === undefined ? '' : `=${iface}`)]) {
      for (const f of own) {
        if (!h.any.has(f)) h.any.set(f, opened);
        if (address === null && !h.wildcard.has(f)) h.wildcard.set(f, opened);
        if (address !== null && !h.address.has(`${f} ${address}`)) h.address.set(`${f} ${address}`, opened);
      }
    }
    return clash;
  }
}

/**
 * `localOnly`: mosquitto 2.0 forces allow_anonymous true in local-only mode, even over an explicit false (conf.c
 * config__read; mosquitto.conf(5) allow_anonymous); a password_file is still opened at start, so its checks stay.
 */
function authFindings(security: ReadonlyMap<string, Directive>, port: string, f: At, facts: DoctorInput['facts'], localOnly: boolean): Finding[] {
  const out: Finding[] = [];
  const anonymous = localOnly || security.get('allow_anonymous')?.value === 'true';
  const auth = AUTH_OPTIONS.some((o) => security.has(o));
  if (!anonymous && !auth) {
    const d = security.get('allow_anonymous');
    out.push(d ? at(d, 'auth.anonymous-refused', 'error', { port }) : f('auth.anonymous-refused', 'error'));
  }
  const pw = security.get('password_file');
  if (pw === undefined) return out;
  const fact = facts[pw.value];
  if (fact === undefined) return out;
  if (!fact.exists) out.push(at(pw, 'passwd.missing', 'error', { path: pw.value }));
  else if (fact.readable === false) out.push(at(pw, 'passwd.unreadable', 'error', { path: pw.value }));
  else if (fact.text !== null) {
    const check = checkPasswd(fact.text);
    for (const p of check.problems) out.push(at(pw, `passwd.line.${p.reason}`, 'error', { path: pw.value, n: p.line, user: p.user }));
    if (check.users === 0 && !anonymous) out.push(at(pw, 'passwd.empty', 'error', { path: pw.value, port }));
  }
  return out;
}

function tlsFindings(b: Block, f: At, input: DoctorInput): Finding[] {
  const out: Finding[] = [];
  const version = b.options.get('tls_version');
  // Read only when the listener sets up TLS: then a value outside mosquitto.conf(5)'s list stops mosquitto
  // ("Unsupported tls_version"); on a plain listener 2.0.11 ignores it.
  const tls = b.options.has('certfile') || b.options.has('psk_hint');
  if (version && tls && !TLS_VERSIONS.includes(version.value)) out.push(at(version, 'tls.version-invalid', 'error', { value: version.value, allowed: TLS_VERSIONS.join(', ') }));
  else if (version && /^tlsv1(\.1)?$/.test(version.value)) out.push(at(version, 'tls.old-version', 'warning', { value: version.value }));
  const cert = b.options.get('certfile');
  const key = b.options.get('keyfile');
  if ((cert === undefined) !== (key === undefined)) out.push(f('tls.pair', 'error', { missing: cert ? 'keyfile' : 'certfile' }));
  const text = (d: Directive | undefined): string | null => {
    if (d === undefined) return null;
    const fact = input.facts[d.value];
    if (fact === undefined) return null;
    if (!fact.exists) out.push(at(d, 'tls.file-missing', 'error', { option: d.option, path: d.value }));
    else if (fact.readable === false) out.push(at(d, 'tls.file-unreadable', 'error', { option: d.option, path: d.value }));
    return fact.exists && fact.readable !== false ? fact.text : null;
  };
  const certText = text(cert);
  const keyText = text(key);
  const caText = text(b.options.get('cafile'));
  if (cert && certText !== null) {
    for (const p of checkCertificate({ certText, keyText, caText, now: input.now, host: input.host })) out.push(at(cert, p.code, p.severity, p.params));
  }
  return out;
}

function limitFindings(last: (name: string) => Directive | undefined): Finding[] {
  const out: Finding[] = [];
  const num = (d: Directive | undefined): number | undefined => (d === undefined ? undefined : Number(d.value));
  const keepalive = last('max_keepalive');
  const k = num(keepalive);
  // mosquitto 2.0.11 refuses to start: "Invalid max_keepalive value (5)".
  if (keepalive && k !== undefined && (k < 10 || k > 65535)) out.push(at(keepalive, 'limits.keepalive-invalid', 'error', { value: k }));
  else if (keepalive && k !== undefined && k < TYPICAL_KEEPALIVE) out.push(at(keepalive, 'limits.keepalive', 'warning', { value: k, typical: TYPICAL_KEEPALIVE }));
  const size = last('message_size_limit');
  const s = num(size);
  if (size && s !== undefined && s > 0 && s < SMALL_MESSAGE) out.push(at(size, 'limits.message-size', 'warning', { value: s }));
  return out;
}

function at(d: Directive, code: string, severity: Severity, params: Finding['params']): Finding {
  return { code, severity, file: d.file, line: d.line, params };
}

function whole(code: string, severity: Severity, params: Finding['params']): Finding {
  return { code, severity, file: null, line: null, params };
}
