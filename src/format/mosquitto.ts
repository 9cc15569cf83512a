/**
 * `mosquitto`: ready mosquitto_sub / mosquitto_pub command lines (mosquitto-clients 2.0 options: -h -p -V -i -u -P
 * -k -c -t -q -m -r --will-*, --capath/--cafile; https://mosquitto.org/man/mosquitto_pub-1.html), every value
 * single-quoted for a POSIX shell.
 */
import type { FormatInput, FormatOptions, Formatted } from './formatter.js';
import { UsageError } from '../errors.js';
import { message } from '../messages.js';
import { payloadText, shellSession, shellQuote, versionOf, type Session, passwordText } from './_session.js';
import { websocketListener } from './_websocket.js';

const VERSION = { 3: 'mqttv31', 4: 'mqttv311', 5: 'mqttv5' } as const;
/** Debian/Ubuntu's store of public roots; a private CA needs --cafile instead. */
const SYSTEM_CAS = '/etc/ssl/certs';

export function formatMosquitto(input: FormatInput, options: FormatOptions = {}): Formatted {
  const lang = options.lang ?? 'en';
  const s = shellSession(input, 'mosquitto');
  if (s.publishes.length === 0 && s.subscriptions.length === 0) throw new UsageError('format.mosquitto.nothing', { option: '--format mosquitto' });
  // mosquitto_pub/sub 2.0 connect over TCP (or TLS) only: -p at a WebSocket listener gets an HTTP error, not a CONNACK.
  const websocket = websocketListener(s.broker);
  if (websocket !== undefined) throw new UsageError('format.mosquitto.websocket', { option: websocket.option, url: websocket.url });
  const login = loginArgs(s);
  const lines = [`# ${message('format.mosquitto.title', { url: s.broker.url }, lang)}`];
  if (s.broker.tls) lines.push(`# ${message('format.app.tls', { option: `--cafile ca.pem (instead of --capath ${SYSTEM_CAS})` }, lang)}`);
  if (s.publishes.length > 0 && s.subscriptions.length > 0) lines.push(`# ${message('format.app.oneClientId', {}, lang)}`);
  const byQos = new Map<number, string[]>();
  for (const sub of s.subscriptions) byQos.set(sub.qos, [...(byQos.get(sub.qos) ?? []), sub.topic]);
  for (const [qos, topics] of byQos) lines.push(['mosquitto_sub', ...login, ...topics.flatMap((t) => ['-t', shellQuote(t)]), '-q', String(qos), '-v'].join(' '));
  for (const p of s.publishes) {
    const text = payloadText(p.payload);
    if (text === null) throw new UsageError('format.app.binary', { option: '--payload', format: 'mosquitto' });
    lines.push(['mosquitto_pub', ...login, '-t', shellQuote(p.topic), text === '' ? '-n' : `-m ${shellQuote(text)}`, '-q', String(p.qos ?? 0), ...(p.retain ? ['-r'] : [])].join(' '));
  }
  return { output: `${lines.join('\n')}\n`, report: [], warnings: [] };
}

function loginArgs({ broker, connect }: Session): string[] {
  const args = ['-h', shellQuote(broker.host), '-p', String(broker.port), '-V', VERSION[versionOf(connect)], '-i', shellQuote(connect.clientId)];
  if (connect.username !== undefined) args.push('-u', shellQuote(connect.username));
  if (connect.password !== undefined) args.push('-P', shellQuote(passwordText(connect)!));
  args.push('-k', String(connect.keepalive ?? 60));
  if (connect.clean === false) args.push('-c');
  const will = connect.will;
  if (will) {
    const text = payloadText(will.payload);
    if (text === null) throw new UsageError('format.app.binary', { option: '--will-payload', format: 'mosquitto' });
    args.push('--will-topic', shellQuote(will.topic), '--will-payload', shellQuote(text), '--will-qos', String(will.qos ?? 0), ...(will.retain ? ['--will-retain'] : []));
  }
  if (broker.tls) args.push('--capath', SYSTEM_CAS);
  return args;
}
