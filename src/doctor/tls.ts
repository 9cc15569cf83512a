/**
 * What a phone or mini program will think of a listener's certificate: validity dates, the names it covers, whether
 * the file sends the whole chain, and whether the key belongs to it. node:crypto's X509Certificate parses; no I/O.
 */
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import type { Finding } from './types.js';

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
/** A key under a passphrase: PKCS#8 "ENCRYPTED PRIVATE KEY", or a traditional PEM with "Proc-Type: 4,ENCRYPTED" (RFC 1421). */
const ENCRYPTED_KEY = /-----BEGIN ENCRYPTED PRIVATE KEY-----|^Proc-Type:\s*4,ENCRYPTED/m;

/** The certificates in a PEM text, in order; the ones that do not parse are skipped (counted by the caller). */
function pemCertificates(text: string): X509Certificate[] {
  const out: X509Certificate[] = [];
  for (const block of text.match(PEM) ?? []) {
    try {
      out.push(new X509Certificate(block));
    } catch {
      // not a certificate mosquitto could load either; an empty result is reported as invalid
    }
  }
  return out;
}

const selfSigned = (c: X509Certificate): boolean => c.checkIssued(c) && c.verify(c.publicKey);
const isIp = (host: string): boolean => /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');

interface CertInput {
  readonly certText: string;
  readonly keyText: string | null;
  readonly caText: string | null;
  readonly now: number;
  /** The name or address users connect to (--host). */
  readonly host?: string;
}

type Problem = Pick<Finding, 'code' | 'severity' | 'params'>;

export function checkCertificate(input: CertInput): Problem[] {
  const certs = pemCertificates(input.certText);
  const leaf = certs[0];
  if (leaf === undefined) return [{ code: 'tls.cert-invalid', severity: 'error', params: {} }];
  const out: Problem[] = [];
  const subject = leaf.subject.replace(/\n/g, ', ');
  const from = Date.parse(leaf.validFrom);
  const to = Date.parse(leaf.validTo);
  if (input.now > to) out.push({ code: 'tls.expired', severity: 'error', params: { subject, date: new Date(to).toISOString() } });
  if (input.now < from) out.push({ code: 'tls.not-yet-valid', severity: 'error', params: { subject, date: new Date(from).toISOString() } });
  const host = input.host;
  if (host !== undefined) {
    const covered = isIp(host) ? leaf.checkIP(host) !== undefined : leaf.checkHost(host) !== undefined;
    if (!covered) out.push({ code: 'tls.name', severity: 'error', params: { host, names: leaf.subjectAltName ?? subject } });
    // Covered by the subject CN alone: checkHost (like OpenSSL and mbedTLS on devices) falls back to it when the
    // certificate has no DNS name, but browsers, WeChat and current phones look only at subjectAltName (RFC 6125 §6.4.4).
    else if (!isIp(host) && leaf.checkHost(host, { subject: 'never' }) === undefined) out.push({ code: 'tls.cn-only', severity: 'warning', params: { host, subject } });
    if (isIp(host)) out.push({ code: 'tls.ip-host', severity: 'warning', params: { host } });
  } else if (!/(^|, )(DNS|IP Address):/.test(leaf.subjectAltName ?? '')) {
    out.push({ code: 'tls.no-san', severity: 'warning', params: { subject } });
  }
  if (selfSigned(leaf)) {
    out.push({ code: 'tls.self-signed', severity: 'warning', params: { subject } });
  } else if (!certs.slice(1).some((c) => leaf.checkIssued(c))) {
    // The file sends only the leaf. Fine when a root signed it directly; a missing intermediate otherwise.
    const issuer = pemCertificates(input.caText ?? '').find((c) => leaf.checkIssued(c));
    if (issuer !== undefined && selfSigned(issuer)) out.push({ code: 'tls.private-ca', severity: 'warning', params: { issuer: leaf.issuer.replace(/\n/g, ', ') } });
    else out.push({ code: 'tls.chain', severity: 'warning', params: { issuer: leaf.issuer.replace(/\n/g, ', ') } });
  }
  // Without its passphrase the key cannot be compared; mosquitto asks for it on a terminal a service does not have.
  if (input.keyText !== null && ENCRYPTED_KEY.test(input.keyText)) out.push({ code: 'tls.key-encrypted', severity: 'error', params: {} });
  else if (input.keyText !== null) {
    // A file that holds no private key (a certificate, a public key, a truncated copy) is not "another key".
    let key: KeyObject | undefined;
    try {
      key = createPrivateKey(input.keyText);
    } catch {
      key = undefined;
    }
    if (key === undefined) out.push({ code: 'tls.key-invalid', severity: 'error', params: {} });
    else if (!leaf.checkPrivateKey(key)) out.push({ code: 'tls.key-mismatch', severity: 'error', params: {} });
  }
  return out;
}
