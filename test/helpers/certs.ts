/**
 * A throwaway CA and server certificates made with the openssl CLI, for TLS probe tests.
 * Every server certificate is signed by the same CA: `good` names 127.0.0.1 and localhost, `wrongHost` names only
 * wrong.example, `expired` has the right names but was valid only in 2020, `cnOnly` names localhost only in its subject
 * CN (no subjectAltName, which OpenSSL and Node still accept and browsers and phones do not). The directory and files are world-readable,
 * because mosquitto started as root drops to the `mosquitto` user before it reads them.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KeyPair {
  /** PEM text. */
  readonly cert: string;
  readonly key: string;
}

export interface TestCerts {
  readonly dir: string;
  /** The CA certificate, PEM, and its path (for --cafile). */
  readonly ca: string;
  readonly caFile: string;
  readonly good: KeyPair;
  readonly wrongHost: KeyPair;
  readonly expired: KeyPair;
  readonly cnOnly: KeyPair;
  remove(): void;
}

// `openssl ca` (rather than `x509 -req`) because OpenSSL 3.0 cannot set an explicit past validity otherwise.
const caConfig = `[ca]
default_ca = ca_default
[ca_default]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = policy_any
unique_subject = no
[policy_any]
commonName = supplied
`;

const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export function makeCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-sign-certs-'));
  chmodSync(dir, 0o755);
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');

  writeFileSync(join(dir, 'ca.cnf'), caConfig);
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  run(['req', '-x509', ...ecKey, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '3650', '-subj', '/CN=mqtt-sign test CA']);

  const issue = (name: string, san: string, validity: string[], cn = name): KeyPair => {
    writeFileSync(join(dir, `${name}.ext`), san === '' ? 'basicConstraints=CA:FALSE\n' : `subjectAltName=${san}\n`);
    run(['req', '-new', ...ecKey, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
    run(['ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.crt', '-keyfile', 'ca.key', '-in', `${name}.csr`, '-out', `${name}.crt`,
      '-extfile', `${name}.ext`, '-notext', ...validity]);
    for (const file of [`${name}.crt`, `${name}.key`]) chmodSync(join(dir, file), 0o644);
    return { cert: read(`${name}.crt`), key: read(`${name}.key`) };
  };

  const good = issue('good', 'IP:127.0.0.1,IP:::1,DNS:localhost', ['-days', '3650']);
  const wrongHost = issue('wrong-host', 'DNS:wrong.example', ['-days', '3650']);
  const expired = issue('expired', 'IP:127.0.0.1,DNS:localhost', ['-startdate', '20200101000000Z', '-enddate', '20210101000000Z']);
  const cnOnly = issue('cn-only', '', ['-days', '3650'], 'localhost');
  chmodSync(join(dir, 'ca.crt'), 0o644);

  return {
    dir,
    ca: read('ca.crt'),
    caFile: join(dir, 'ca.crt'),
    good,
    wrongHost,
    expired,
    cnOnly,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
