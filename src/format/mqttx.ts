/**
 * `mqttx`: ready MQTTX CLI lines (`mqttx conn`, `mqttx sub`, `mqttx pub`), with the option names of MQTTX CLI's
 * command definitions (github.com/emqx/MQTTX cli/src/index.ts; https://mqttx.app/docs/cli/get-started): -h -p -l
 * --path -V -i -u -P -k --no-clean -t -q -m -r. Values single-quoted for a POSIX shell.
 */
import type { FormatInput, FormatOptions, Formatted } from './formatter.js';
import { UsageError } from '../errors.js';
import { message } from '../messages.js';
import { payloadText, shellSession, shellQuote, versionOf, wsParts, type Session, passwordText } from './_session.js';
import { websocketListener } from './_websocket.js';

const VERSION = { 3: '3.1', 4: '3.1.1', 5: '5' } as const;

export function formatMqttx(input: FormatInput, options: FormatOptions = {}): Formatted {
  const lang = options.lang ?? 'en';
  const s = shellSession(input, 'mqttx');
  // Where the broker's port is a WebSocket listener, every line connects with -l ws|wss and its --path.
  const listener = websocketListener(s.broker)?.url;
  const tcp = listener === undefined ? target(s.broker.host, s.broker.port, s.broker.tls ? 'mqtts' : 'mqtt') : wsTarget(listener);
  const lines = [`# ${message('format.mqttx.title', { url: listener ?? s.broker.url }, lang)}`];
  if (s.broker.tls) lines.push(`# ${message('format.app.tls', { option: '--ca ca.pem' }, lang)}`);
  const ws = s.broker.websocket;
  const unverified = ws !== undefined && s.broker.websocketUnverified === true ? `# [unverified] ${message('format.app.unverified', { url: ws }, lang)}` : undefined;
  if (unverified !== undefined && ws === listener) lines.push(unverified);
  lines.push(['mqttx conn', ...tcp, ...login(s, true)].join(' '));
  if (ws !== undefined && ws !== listener) {
    if (unverified !== undefined) lines.push(unverified);
    lines.push(['mqttx conn', ...wsTarget(ws), ...login(s, true)].join(' '));
  }
  if (s.publishes.length > 0 && s.subscriptions.length > 0) lines.push(`# ${message('format.app.oneClientId', {}, lang)}`);
  if (s.subscriptions.length > 0) {
    lines.push(['mqttx sub', ...tcp, ...login(s, false), ...s.subscriptions.flatMap((x) => ['-t', shellQuote(x.topic)]), '-q', ...s.subscriptions.map((x) => String(x.qos))].join(' '));
  }
  for (const p of s.publishes) {
    const text = payloadText(p.payload);
    if (text === null) throw new UsageError('format.app.binary', { option: '--payload', format: 'mqttx' });
    lines.push(['mqttx pub', ...tcp, ...login(s, true), '-t', shellQuote(p.topic), '-m', shellQuote(text), '-q', String(p.qos ?? 0), ...(p.retain ? ['-r'] : [])].join(' '));
  }
  return { output: `${lines.join('\n')}\n`, report: [], warnings: [] };
}

function target(host: string, port: number, protocol: string): string[] {
  return ['-h', shellQuote(host), '-p', String(port), '-l', protocol];
}

function wsTarget(url: string): string[] {
  const w = wsParts(url);
  return [...target(w.host, w.port, w.tls ? 'wss' : 'ws'), '--path', shellQuote(w.path)];
}

/** `mqttx sub` has no --keepalive option in MQTTX CLI's definition, so it is left out there. */
function login({ connect }: Session, keepalive: boolean): string[] {
  const args = ['-V', VERSION[versionOf(connect)], '-i', shellQuote(connect.clientId)];
  if (connect.username !== undefined) args.push('-u', shellQuote(connect.username));
  if (connect.password !== undefined) args.push('-P', shellQuote(passwordText(connect)!));
  if (keepalive) args.push('-k', String(connect.keepalive ?? 0));
  if (connect.clean === false) args.push('--no-clean');
  return args;
}
