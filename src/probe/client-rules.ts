/**
 * `probe --wechat` / `--browser`: the rules a WeChat mini program (wx.connectSocket) or a browser page applies to a
 * wss:// endpoint, judged from a finished probe. Each rule passes, fails with its fix, or was not reached.
 * The chain rule is strict by construction: Node verifies with only the certificates the server sent plus the trusted
 * roots (no AIA fetching, no cache of intermediates), which is how a phone that never saw the intermediate sees it.
 * WeChat: https://developers.weixin.qq.com/miniprogram/dev/framework/ability/network.html (wss only, a configured
 * domain, not an IP or localhost in release builds, TLS 1.2+, a certificate from a trusted CA with its full chain).
 */
import { hint, message, type Lang } from '../messages.js';
import type { ProbeResult, StepResult, Text } from './types.js';

export type ClientKind = 'wechat' | 'browser';
type RuleName = 'scheme' | 'domain' | 'port' | 'tls-version' | 'certificate' | 'websocket' | 'subprotocol' | 'path' | 'login';

export interface RuleResult {
  readonly rule: RuleName;
  /** null: the probe stopped before this rule could be checked. */
  readonly ok: boolean | null;
  readonly detail: Text;
}

const IP = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:.]*)$/i;
const INCOMPLETE = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY']);
const SELF_SIGNED = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN']);

export function clientRules(kind: ClientKind, result: ProbeResult): RuleResult[] {
  const { host, port, transport, path } = result.target;
  const step = (name: StepResult['step']) => result.steps.find((s) => s.step === name);
  const rule = (name: RuleName, ok: boolean | null, code: string, params: Text['params'] = {}): RuleResult => ({ rule: name, ok, detail: { code: `probe.rule.${name}.${ok === null ? 'skipped' : ok ? 'ok' : code}`, params: { host, port, path, kind, ...params } } });
  const out: RuleResult[] = [];

  out.push(rule('scheme', transport === 'wss', 'fail', { transport }));
  // A mini program's release build refuses an IP address or localhost; a browser page can use one.
  const named = !IP.test(host.replace(/^\[|\]$/g, ''));
  out.push(rule('domain', kind === 'browser' || named, 'fail'));
  out.push(rule('port', true, 'ok'));

  const tls = step('tls');
  const cause = tls?.cause?.code ?? '';
  const error = String(tls?.cause?.params?.error ?? '');
  if (tls === undefined) {
    out.push(rule('tls-version', transport === 'wss' ? null : false, 'fail'), rule('certificate', transport === 'wss' ? null : false, 'none'));
  } else if (!tls.ok && (cause === 'probe.cause.tls-version' || cause.startsWith('probe.cause.tls-closed') || cause === 'probe.cause.tls-alert' || cause === 'probe.cause.tls-failed')) {
    out.push(rule('tls-version', false, cause === 'probe.cause.tls-version' ? 'old' : 'fail', { error }), rule('certificate', null, 'fail'));
  } else {
    out.push(rule('tls-version', true, 'ok', { protocol: String(tls.detail.params?.protocol ?? '') }));
    // Node, like OpenSSL, takes a name from the subject CN when the certificate lists no DNS name; browsers and WeChat
    // look only at subjectAltName (RFC 6125 §6.4.4), so a name the handshake accepted that way is refused by them.
    const cnOnly = named && !/(^|, )DNS:/.test(String(tls.detail.params?.altNames ?? ''));
    if (tls.ok && cnOnly) out.push(rule('certificate', false, 'cn-only'));
    else if (tls.ok) out.push(rule('certificate', true, 'ok'));
    else if (INCOMPLETE.has(error)) out.push(rule('certificate', false, 'chain', { error }));
    else if (SELF_SIGNED.has(error)) out.push(rule('certificate', false, 'self-signed', { error }));
    else if (cause === 'probe.cause.tls-hostname') out.push(rule('certificate', false, 'name'));
    else if (cause === 'probe.cause.tls-expired' || cause === 'probe.cause.tls-not-yet-valid') out.push(rule('certificate', false, 'dates'));
    else out.push(rule('certificate', false, 'fail', { error: error || cause }));
  }

  const ws = step('websocket');
  const wsError = String(ws?.detail.params?.error ?? '');
  if (ws === undefined) out.push(rule('websocket', null, 'fail'), rule('subprotocol', null, 'fail'), rule('path', null, 'fail'));
  else if (ws.ok) out.push(rule('websocket', true, 'ok'), rule('subprotocol', true, 'ok'), rule('path', true, 'ok'));
  else if (wsError === 'WS_BAD_SUBPROTOCOL') out.push(rule('websocket', true, 'ok'), rule('subprotocol', false, 'fail'), rule('path', true, 'ok'));
  else if (wsError === 'WS_HTTP_STATUS') out.push(rule('websocket', true, 'ok'), rule('subprotocol', null, 'fail'), rule('path', false, 'fail', { status: String(ws.cause?.params?.status ?? '?') }));
  else out.push(rule('websocket', false, 'fail', { error: wsError }), rule('subprotocol', null, 'fail'), rule('path', null, 'fail'));

  const mqtt = step('mqtt');
  out.push(rule('login', mqtt === undefined ? null : mqtt.ok, 'fail', { code: result.connack?.code ?? '—' }));
  return out;
}

interface RuleReport {
  readonly rule: RuleName;
  readonly ok: boolean | null;
  readonly message: string;
  readonly fix: string | null;
}

export function ruleReport(rules: readonly RuleResult[], lang: Lang): RuleReport[] {
  return rules.map((r) => ({ rule: r.rule, ok: r.ok, message: message(r.detail.code, r.detail.params, lang), fix: r.ok === false ? (hint(r.detail.code, r.detail.params, lang) ?? null) : null }));
}
