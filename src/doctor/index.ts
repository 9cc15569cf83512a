/**
 * `doctor`: judge a mosquitto 2.0 configuration the way the broker and its clients will treat it. Pure: the edge reads
 * the config files (main first, each include_dir's files spliced in where the line stands) and the facts about every
 * file the config names; this module says which listeners exist, who can reach them, and what will fail.
 * Observed with mosquitto 2.0.11 (test/doctor-broker.test.ts checks each prediction against the real broker).
 */
import type { Directive, ParsedFile } from './parse.js';
import { checkPasswd } from './passwd.js';
import { checkCertificate } from './tls.js';
import type { DoctorReport, FileFact, Finding, ListenerReport, Reach, Severity } from './types.js';

export { parseConfig, includeOrder, type Directive, type ParsedFile } from './parse.js';
export { renderDoctor, doctorJson } from './render.js';
export type { DoctorReport, FileFact, Finding, ListenerReport, Reach, Severity } from './types.js';

/** An include_dir line and what the edge found there. */
export interface IncludeFact {
  readonly directive: Directive;
  readonly exists: boolean;
  /** The .conf files in mosquitto's load order, parsed. */
  readonly files: readonly ParsedFile[];
}

export interface DoctorInput {
  readonly main: ParsedFile;
  readonly includes: readonly IncludeFact[];
  /** Facts keyed by the path exactly as the config writes it. */
  readonly facts: Readonly<Record<string, FileFact>>;
  /** The name or address phones connect to (--host), for the certificate name check. */
  readonly host?: string;
  readonly now: number;
}

/** Options whose value is a file the broker reads at start; the edge gathers a FileFact for each. */
export const FILE_OPTIONS = ['password_file', 'certfile', 'keyfile', 'cafile'] as const;

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
const IP = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:.]*)$/i;
const AUTH_OPTIONS = ['password_file', 'plugin', 'auth_plugin', 'psk_file'];
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
  }
  for (const d of all) if (d.option === 'include_dir' && d.file !== input.main.file) findings.push(at(d, 'include.nested', 'warning', {}));

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
  for (const b of effective) {
    const lport = b.at ? Number(b.at.args[0]) : port ? Number(port.args[0]) : 1883;
    const bind = b.at ? (b.at.args[1] ?? null) : localOnly ? 'localhost' : (bindAddress?.value ?? null);
    const protocol = b.options.get('protocol')?.value === 'websockets' ? 'websockets' : 'mqtt';
    const tls = b.options.has('certfile') || b.options.has('psk_hint');
    const iface = b.options.get('bind_interface')?.value;
    const reach: Reach =
      b.at && lport === 0 ? 'unix-socket'
      : localOnly || (bind !== null && LOOPBACK.test(bind)) || iface === 'lo' ? 'localhost-only'
      : iface !== undefined ? `interface:${iface}`
      : bind !== null ? `address:${bind}`
      : 'all';
    listeners.push({ port: lport, bind, protocol, tls, reachableFrom: reach });
    const line = b.at ?? (b === global ? (port ?? bindAddress) : undefined);
    const f = (code: string, severity: Severity, params: Finding['params'] = {}): Finding =>
      line ? at(line, code, severity, { port: lport, ...params }) : whole(code, severity, { port: lport, ...params });

    if (reach === 'localhost-only' && !localOnly) findings.push(f('listener.localhost', 'warning', { bind: iface === 'lo' ? 'lo' : String(bind) }));
    if (protocol === 'websockets') {
      if (!tls) findings.push(f('ws.no-tls', 'warning'));
      if (bind !== null && !IP.test(bind)) findings.push(f('ws.bind-name', 'warning', { bind }));
    }
    if (perListener) findings.push(...authFindings(b.security, String(lport), f, input.facts, localOnly));
    findings.push(...tlsFindings(b, f, input));
    // max_connections belongs to its listener.
    const conns = b.options.get('max_connections');
    if (conns && Number(conns.value) >= 0 && Number(conns.value) < FEW_CONNECTIONS) findings.push(at(conns, 'limits.connections', 'warning', { value: Number(conns.value) }));
  }

  // Global login rules are judged once, for every port together.
  if (!perListener && listeners.length > 0) {
    const ports = listeners.map((l) => l.port).join(', ');
    findings.push(...authFindings(global.security, ports, (code, severity, params = {}) => whole(code, severity, { port: ports, ...params }), input.facts, localOnly));
  }
  if (listeners.length > 0 && listeners.every((l) => l.protocol === 'websockets')) findings.push(whole('ws.only', 'error', {}));
  else if (!listeners.some((l) => l.protocol === 'websockets')) findings.push(whole('ws.none', 'warning', {}));
  findings.push(...limitFindings(last));
  const remote = listeners.filter((l) => l.reachableFrom !== 'localhost-only' && l.reachableFrom !== 'unix-socket');
  // With only local listeners, the ports to open are still the ones the config names (after fixing the bind).
  const open = remote.length > 0 ? remote : listeners;
  findings.push(whole('check.firewall', 'info', { ports: open.length > 0 ? open.map((l) => l.port).join(', ') : '1883' }));
  findings.push(whole('check.public-address', 'info', {}));
  const rank = { error: 0, warning: 1, info: 2 } as const;
  const sorted = findings.map((x, i) => [x, i] as const).sort(([a, i], [b, j]) => rank[a.severity] - rank[b.severity] || i - j).map(([x]) => x);
  return { ok: !findings.some((x) => x.severity === 'error'), listeners, findings: sorted };
}

type At = (code: string, severity: Severity, params?: Finding['params']) => Finding;

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
  if (version && /^tlsv1(\.1)?$/.test(version.value)) out.push(at(version, 'tls.old-version', 'warning', { value: version.value }));
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
