// probe --wechat / --browser against local wss setups: each broken rule is named, the others pass.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { confDir, runConf, type ConfRun } from './helpers/mosquitto-conf.js';
import { freePort } from './helpers/mosquitto.js';
import { runMain } from './helpers/run-main.js';
import { needsTools } from './helpers/tools.js';

interface Rules {
  ok: boolean;
  client: string;
  rules: { rule: string; ok: boolean | null; message: string; fix: string | null }[];
}

const tools = needsTools(['mosquitto', 'openssl']);

tools.describe('probe --wechat against local wss setups', () => {
  const files = confDir();
  const dir = files.dir;
  const path = (name: string) => join(dir, name);
  const runs: ConfRun[] = [];
  const servers: (HttpsServer | TlsServer)[] = [];

  beforeAll(() => {
    // A root, an intermediate it signs, and a server certificate for localhost the intermediate signs; plus a self-signed one.
    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    const key = (name: string) => openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', `${name}.key`);
    files.write('ca.ext', 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n');
    files.write('leaf.ext', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
    key('root');
    openssl('req', '-x509', '-new', '-key', 'root.key', '-subj', '/CN=mqtt-sign test root', '-days', '3650', '-out', 'root.crt');
    key('inter');
    openssl('req', '-new', '-key', 'inter.key', '-subj', '/CN=mqtt-sign test intermediate', '-out', 'inter.csr');
    openssl('x509', '-req', '-in', 'inter.csr', '-CA', 'root.crt', '-CAkey', 'root.key', '-CAcreateserial', '-days', '3650', '-extfile', 'ca.ext', '-out', 'inter.crt');
    key('leaf');
    openssl('req', '-new', '-key', 'leaf.key', '-subj', '/CN=localhost', '-out', 'leaf.csr');
    openssl('x509', '-req', '-in', 'leaf.csr', '-CA', 'inter.crt', '-CAkey', 'inter.key', '-CAcreateserial', '-days', '3650', '-extfile', 'leaf.ext', '-out', 'leaf.crt');
    files.write('fullchain.crt', readFileSync(path('leaf.crt'), 'utf8') + readFileSync(path('inter.crt'), 'utf8'));
    // The same, but naming localhost only in its subject CN: no subjectAltName, which OpenSSL and Node accept.
    files.write('cn-only.ext', 'basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
    key('cn-only');
    openssl('req', '-new', '-key', 'cn-only.key', '-subj', '/CN=localhost', '-out', 'cn-only.csr');
    openssl('x509', '-req', '-in', 'cn-only.csr', '-CA', 'inter.crt', '-CAkey', 'inter.key', '-CAcreateserial', '-days', '3650', '-extfile', 'cn-only.ext', '-out', 'cn-only.crt');
    files.write('cn-only-chain.crt', readFileSync(path('cn-only.crt'), 'utf8') + readFileSync(path('inter.crt'), 'utf8'));
    key('self');
    openssl('req', '-x509', '-new', '-key', 'self.key', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-days', '3650', '-out', 'self.crt');
    execFileSync('chmod', ['-R', 'a+rX', dir]);
  });
  afterAll(async () => {
    for (const r of runs) await r.stop();
    for (const s of servers) s.close();
    files.remove();
  });

  async function wssMosquitto(cert: string, key: string): Promise<number> {
    const [plain, wss] = [await freePort(), await freePort()];
    const conf = files.write(`m${wss}.conf`, `listener ${plain} 127.0.0.1\nlistener ${wss} 127.0.0.1\nprotocol websockets\ncertfile ${path(cert)}\nkeyfile ${path(key)}\nallow_anonymous true\n`);
    const run = await runConf(conf);
    runs.push(run);
    expect(run.running, run.log).toBe(true);
    return wss;
  }

  async function rules(url: string, kind = '--wechat'): Promise<Rules & { code: number }> {
    const r = await runMain(['probe', url, kind, '--cafile', path('root.crt'), '--format', 'json', '--timeout', '10']);
    return { ...(JSON.parse(r.stdout) as Rules), code: r.code };
  }
  const failed = (r: Rules) => r.rules.filter((x) => x.ok === false).map((x) => x.rule);

  test('full chain on wss://localhost: every rule passes, exit 0', async () => {
    const port = await wssMosquitto('fullchain.crt', 'leaf.key');
    const r = await rules(`wss://localhost:${port}/mqtt`);
    expect(r.rules.map((x) => [x.rule, x.ok])).toEqual([
      ['scheme', true], ['domain', true], ['port', true], ['tls-version', true], ['certificate', true], ['websocket', true], ['subprotocol', true], ['path', true], ['login', true],
    ]);
    expect(r.code).toBe(0);
    // The text form names the client and ends with the verdict.
    const text = await runMain(['probe', `wss://localhost:${port}/mqtt`, '--wechat', '--cafile', path('root.crt')]);
    expect(text.stdout).toContain('WeChat mini program rules for wss://localhost:');
    expect(text.stdout).toMatch(/all rules pass\n$/);
  });

  test('an IP address instead of a name: only the domain rule fails (and --browser accepts it)', async () => {
    const port = await wssMosquitto('fullchain.crt', 'leaf.key');
    const r = await rules(`wss://127.0.0.1:${port}/mqtt`);
    expect(failed(r)).toEqual(['domain']);
    expect(r.rules.find((x) => x.rule === 'domain')!.fix).toMatch(/服务器域名/);
    expect(r.code).toBe(1);
    expect(failed(await rules(`wss://127.0.0.1:${port}/mqtt`, '--browser'))).toEqual([]);
  });

  test('the intermediate missing from certfile: the certificate rule fails with the full-chain fix', async () => {
    const port = await wssMosquitto('leaf.crt', 'leaf.key');
    const r = await rules(`wss://localhost:${port}/mqtt`);
    expect(failed(r)).toEqual(['certificate']);
    const rule = r.rules.find((x) => x.rule === 'certificate')!;
    expect(rule.message).toMatch(/intermediate is missing/);
    expect(rule.fix).toMatch(/fullchain\.pem/);
    expect(r.rules.find((x) => x.rule === 'login')!.ok).toBeNull();
  });

  test('a certificate naming the host only in its subject CN: the handshake passes, the certificate rule fails for both clients', async () => {
    const port = await wssMosquitto('cn-only-chain.crt', 'cn-only.key');
    for (const kind of ['--wechat', '--browser']) {
      const r = await rules(`wss://localhost:${port}/mqtt`, kind);
      expect(failed(r)).toEqual(['certificate']);
      const rule = r.rules.find((x) => x.rule === 'certificate')!;
      expect(rule.message).toMatch(/only in its subject CN/);
      expect(rule.fix).toMatch(/subjectAltName DNS:localhost/);
      // Everything after the certificate was reached: Node itself accepted the name (from the CN).
      expect(r.rules.find((x) => x.rule === 'login')!.ok).toBe(true);
    }
    // The full chain with subjectAltName on the same name passes (the rule looks at the names, not the CA).
    const good = await wssMosquitto('fullchain.crt', 'leaf.key');
    expect(failed(await rules(`wss://localhost:${good}/mqtt`, '--browser'))).toEqual([]);
  });

  test('a self-signed certificate: named as self-signed', async () => {
    const port = await wssMosquitto('self.crt', 'self.key');
    const r = await rules(`wss://localhost:${port}/mqtt`);
    expect(failed(r)).toEqual(['certificate']);
    expect(r.rules.find((x) => x.rule === 'certificate')!.message).toMatch(/self-signed/);
  });

  test('ws:// instead of wss://: the scheme rule fails', async () => {
    const [plain, ws] = [await freePort(), await freePort()];
    const run = await runConf(files.write(`ws${ws}.conf`, `listener ${plain} 127.0.0.1\nlistener ${ws} 127.0.0.1\nprotocol websockets\nallow_anonymous true\n`));
    runs.push(run);
    const r = await rules(`ws://localhost:${ws}/mqtt`);
    expect(failed(r)).toEqual(['scheme', 'tls-version', 'certificate']);
  });

  test('a WebSocket server that does not answer with subprotocol mqtt: the subprotocol rule fails', async () => {
    const port = await freePort();
    const server = createHttpsServer({ cert: readFileSync(path('fullchain.crt')), key: readFileSync(path('leaf.key')) });
    new WebSocketServer({ server, handleProtocols: () => false });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const r = await rules(`wss://localhost:${port}/mqtt`);
    expect(failed(r)).toEqual(['subprotocol']);
    expect(r.rules.find((x) => x.rule === 'subprotocol')!.fix).toMatch(/Sec-WebSocket-Protocol/);
  });

  test('a server that speaks only TLS 1.0/1.1: the TLS version rule fails', async () => {
    const port = await freePort();
    const server = createTlsServer({ cert: readFileSync(path('fullchain.crt')), key: readFileSync(path('leaf.key')), minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }, (s) => s.destroy());
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const r = await rules(`wss://localhost:${port}/mqtt`);
    expect(failed(r)).toEqual(['tls-version']);
    expect(r.rules.find((x) => x.rule === 'tls-version')!.fix).toMatch(/TLS 1\.2/);
  });
});
