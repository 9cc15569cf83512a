// doctor's predictions checked against what a real mosquitto 2.0 does with the same configuration on loopback.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { encode } from '../src/mqtt/index.js';
import { makeCerts, type TestCerts } from './helpers/certs.js';
import { confDir, connackFrom, runConf } from './helpers/mosquitto-conf.js';
import { freePort } from './helpers/mosquitto.js';
import { needsTools } from './helpers/tools.js';
import { runMain } from './helpers/run-main.js';

interface Report {
  ok: boolean;
  listeners: { port: number; bind: string | null; protocol: string; tls: boolean; reachableFrom: string }[];
  findings: { code: string; severity: string; line: number | null; message: string; fix: string | null }[];
}

async function doctor(path: string, ...extra: string[]): Promise<Report & { exit: number }> {
  const r = await runMain(['doctor', path, '--format', 'json', ...extra]);
  expect(r.stderr).toBe('');
  return { ...(JSON.parse(r.stdout) as Report), exit: r.code };
}
const codes = (r: Report) => r.findings.map((f) => f.code);
const login = (username?: string, password?: string) =>
  encode({ cmd: 'connect', clientId: `doctor-${Math.random().toString(36).slice(2, 8)}`, keepalive: 60, ...(username ? { username } : {}), ...(password ? { password } : {}) });

const tools = needsTools(['mosquitto', 'mosquitto_passwd', 'openssl']);

tools.describe('doctor against a real mosquitto', () => {
  const files = confDir();
  let certs: TestCerts;
  beforeAll(() => {
    certs = makeCerts();
  });
  afterAll(() => {
    files.remove();
    certs?.remove();
  });

  async function withBroker(conf: string, check: (run: Awaited<ReturnType<typeof runConf>>, path: string) => Promise<void>): Promise<void> {
    const path = files.write(`c${Math.random().toString(36).slice(2)}.conf`, conf);
    const run = await runConf(path);
    try {
      await check(run, path);
    } finally {
      await run.stop();
    }
  }

  test('a listener bound to 127.0.0.1: localhost-only; refused from 127.0.0.2, accepted from 127.0.0.1', async () => {
    const port = await freePort();
    await withBroker(`listener ${port} 127.0.0.1\nallow_anonymous true\n`, async (run, path) => {
      const r = await doctor(path);
      expect(r.listeners).toEqual([{ port, bind: '127.0.0.1', protocol: 'mqtt', tls: false, reachableFrom: 'localhost-only' }]);
      expect(codes(r)).toContain('listener.localhost');
      expect(run.running).toBe(true);
      expect(await connackFrom('127.0.0.2', port, login())).toBe('ECONNREFUSED');
      expect(await connackFrom('127.0.0.1', port, login())).toBe(0);
    });
  });

  test('a listener without an address: reachable from all; accepted from 127.0.0.2 too', async () => {
    const port = await freePort();
    await withBroker(`listener ${port}\nallow_anonymous true\n`, async (run, path) => {
      const r = await doctor(path);
      expect(r.listeners[0]!.reachableFrom).toBe('all');
      expect(codes(r)).not.toContain('listener.localhost');
      expect(r.ok).toBe(true);
      expect(await connackFrom('127.0.0.2', port, login())).toBe(0);
    });
  });

  test('bind_interface lo: localhost-only, and accepted on 127.0.0.1', async () => {
    const port = await freePort();
    await withBroker(`listener ${port}\nbind_interface lo\nallow_anonymous true\n`, async (run, path) => {
      const r = await doctor(path);
      expect(r.listeners[0]!.reachableFrom).toBe('localhost-only');
      expect(run.running).toBe(true);
      expect(await connackFrom('127.0.0.1', port, login())).toBe(0);
    });
  });

  test('no allow_anonymous and no password_file: doctor predicts CONNACK 5, the broker answers 5', async () => {
    const port = await freePort();
    await withBroker(`listener ${port} 127.0.0.1\n`, async (run, path) => {
      const r = await doctor(path);
      expect(r.ok).toBe(false);
      expect(r.exit).toBe(1);
      expect(r.findings.find((f) => f.code === 'auth.anonymous-refused')).toMatchObject({ severity: 'error' });
      expect(run.running).toBe(true);
      expect(await connackFrom('127.0.0.1', port, login())).toBe(5);
    });
  });

  test('per_listener_settings true with allow_anonymous above the listener: orphaned, and the broker answers 5', async () => {
    const port = await freePort();
    await withBroker(`per_listener_settings true\nallow_anonymous true\nlistener ${port} 127.0.0.1\n`, async (run, path) => {
      const r = await doctor(path);
      expect(codes(r)).toEqual(expect.arrayContaining(['auth.orphan', 'auth.anonymous-refused']));
      expect(r.findings.find((f) => f.code === 'auth.orphan')!.line).toBe(2);
      expect(await connackFrom('127.0.0.1', port, login())).toBe(5);
    });
  });

  test('per_listener_settings true with allow_anonymous under the listener: accepted', async () => {
    const port = await freePort();
    await withBroker(`per_listener_settings true\nlistener ${port} 127.0.0.1\nallow_anonymous true\n`, async (run, path) => {
      const r = await doctor(path);
      expect(codes(r)).not.toContain('auth.anonymous-refused');
      expect(await connackFrom('127.0.0.1', port, login())).toBe(0);
    });
  });

  test('password_file not readable by the mosquitto user: doctor says so, mosquitto does not start', async () => {
    const pw = files.write('secret-pw', '', 0o600);
    execFileSync('mosquitto_passwd', ['-b', pw, 'dev1', 's3cret']);
    execFileSync('chmod', ['600', pw]);
    const port = await freePort();
    await withBroker(`listener ${port} 127.0.0.1\npassword_file ${pw}\n`, async (run, path) => {
      const r = await doctor(path);
      expect(r.findings.find((f) => f.code === 'passwd.unreadable')).toMatchObject({ severity: 'error', line: 2 });
      expect(run.running).toBe(false);
      expect(run.log).toMatch(/Error opening password file/);
    });
  });

  test('password_file that does not exist: doctor says so, mosquitto does not start', async () => {
    const port = await freePort();
    await withBroker(`listener ${port} 127.0.0.1\npassword_file ${files.dir}/nope\n`, async (run, path) => {
      expect(codes(await doctor(path))).toContain('passwd.missing');
      expect(run.running).toBe(false);
    });
  });

  test('password_file lines: a hashed user logs in (0), a plain-text one is dropped (5), as doctor says per line', async () => {
    const pw = files.write('pw-mixed', '');
    execFileSync('mosquitto_passwd', ['-b', pw, 'good', 'pass1']);
    execFileSync('sh', ['-c', `printf 'plain:pass2\\nbroken$7$x\\n' >> ${pw}; chmod 644 ${pw}`]);
    const port = await freePort();
    await withBroker(`listener ${port} 127.0.0.1\npassword_file ${pw}\n`, async (run, path) => {
      const r = await doctor(path);
      const lines = r.findings.filter((f) => f.code.startsWith('passwd.line.')).map((f) => [f.code, f.message.match(/line (\d+)/)![1]]);
      expect(lines).toEqual([['passwd.line.plain', '2'], ['passwd.line.no-colon', '3']]);
      expect(codes(r)).not.toContain('auth.anonymous-refused');
      expect(run.running).toBe(true);
      expect(await connackFrom('127.0.0.1', port, login('good', 'pass1'))).toBe(0);
      expect(await connackFrom('127.0.0.1', port, login('plain', 'pass2'))).toBe(5);
    });
  });

  test('a websockets listener beside a plain one: listed as websockets, and probe ws:// logs in', async () => {
    const [port, ws] = [await freePort(), await freePort()];
    await withBroker(`listener ${port} 127.0.0.1\nlistener ${ws}\nprotocol websockets\nallow_anonymous true\n`, async (run, path) => {
      const r = await doctor(path);
      expect(r.listeners[1]).toEqual({ port: ws, bind: null, protocol: 'websockets', tls: false, reachableFrom: 'all' });
      expect(codes(r)).toContain('ws.no-tls');
      expect(codes(r)).not.toContain('ws.none');
      expect(run.running).toBe(true);
      const probe = await runMain(['probe', `ws://127.0.0.1:${ws}/mqtt`, '--format', 'json']);
      expect(probe.code).toBe(0);
      expect(JSON.parse(probe.stdout).ok).toBe(true);
    });
  });

  // mosquitto 2.0.11 hands a websockets listener to libwebsockets, which opens one IPv6 socket (dual-stack) and drops
  // an IPv4 address unless socket_domain is ipv4; bind_interface it never applies. `ss` showed *:port for these.
  test.for([
    ['an IPv4 loopback address', 'listener {w} 127.0.0.1\nprotocol websockets\n', 'ws.bind-ignored'],
    ['another IPv4 address', 'listener {w} 127.0.0.3\nprotocol websockets\n', 'ws.bind-ignored'],
    ['bind_interface lo', 'listener {w}\nbind_interface lo\nprotocol websockets\n', 'ws.interface-ignored'],
  ] as const)('a websockets listener on %s listens on every address: doctor says all, and 127.0.0.2 gets in', async ([, conf, code]) => {
    const [port, ws] = [await freePort(), await freePort()];
    await withBroker(`listener ${port} 127.0.0.1\n${conf.replaceAll('{w}', String(ws))}allow_anonymous true\n`, async (run, path) => {
      const r = await doctor(path);
      expect(r.listeners[1]).toMatchObject({ port: ws, protocol: 'websockets', reachableFrom: 'all' });
      expect(codes(r)).toContain(code);
      expect(r.findings.filter((f) => f.code === 'listener.localhost').map((f) => f.message)).not.toContainEqual(expect.stringContaining(`port ${ws}`));
      expect(run.running).toBe(true);
      const probe = await runMain(['probe', `ws://127.0.0.2:${ws}/mqtt`, '--format', 'json']);
      expect(JSON.parse(probe.stdout).ok).toBe(true);
    });
  });

  test('with socket_domain ipv4 the address holds: localhost-only, and 127.0.0.2 is refused', async () => {
    const [port, ws] = [await freePort(), await freePort()];
    await withBroker(`listener ${port} 127.0.0.1\nlistener ${ws} 127.0.0.1\nsocket_domain ipv4\nprotocol websockets\nallow_anonymous true\n`, async (run, path) => {
      const r = await doctor(path);
      expect(r.listeners[1]).toMatchObject({ port: ws, reachableFrom: 'localhost-only' });
      expect(codes(r)).not.toContain('ws.bind-ignored');
      expect(run.running).toBe(true);
      expect(await connackFrom('127.0.0.2', ws, login())).toBe('ECONNREFUSED');
      const probe = await runMain(['probe', `ws://127.0.0.1:${ws}/mqtt`, '--format', 'json']);
      expect(JSON.parse(probe.stdout).ok).toBe(true);
    });
  });

  // libwebsockets takes a name as a network interface's: lo binds its address, a host name binds nothing at all (and
  // mosquitto 2.0.11 still logs "Opening websockets listen socket" and runs).
  test.for([
    ['localhost', 'none', 'ws.bind-host', 'error', 'ECONNREFUSED'],
    ['broker.example.com', 'none', 'ws.bind-host', 'error', 'ECONNREFUSED'],
    ['lo', 'localhost-only', 'ws.bind-name', 'warning', 'ok'],
  ] as const)('a websockets listener bound to the name %s: doctor says %s, and a client on 127.0.0.1 finds it so', async ([name, reach, code, severity, client]) => {
    const [port, ws] = [await freePort(), await freePort()];
    await withBroker(`listener ${port} 127.0.0.1\nlistener ${ws} ${name}\nprotocol websockets\nallow_anonymous true\n`, async (run, path) => {
      const r = await doctor(path);
      expect(r.listeners[1]).toMatchObject({ port: ws, bind: name, reachableFrom: reach });
      expect(r.findings.find((f) => f.code === code)).toMatchObject({ severity });
      expect(run.running).toBe(true);
      const probe = JSON.parse((await runMain(['probe', `ws://127.0.0.1:${ws}/mqtt`, '--format', 'json'])).stdout);
      expect(probe.ok ? 'ok' : probe.steps.find((x: { ok: boolean }) => !x.ok).detail).toContain(client);
    });
  });

  test('a websockets listener on 127.0.0.1 takes the whole port: a plain listener on 127.0.0.2 there clashes', async () => {
    const port = await freePort();
    await withBroker(`listener ${port} 127.0.0.2\nlistener ${port} 127.0.0.1\nprotocol websockets\nallow_anonymous true\n`, async (run, path) => {
      const r = await doctor(path);
      expect(codes(r)).toContain('listener.duplicate');
      expect(run.running).toBe(false);
      expect(run.log).toMatch(/Unable to create websockets listener/);
    });
  });

  test('only a websockets listener: doctor calls it fatal, and Debian mosquitto 2.0.11 exits', async () => {
    const ws = await freePort();
    await withBroker(`listener ${ws}\nprotocol websockets\nallow_anonymous true\n`, async (run, path) => {
      const r = await doctor(path);
      expect(r.findings.find((f) => f.code === 'ws.only')).toMatchObject({ severity: 'error' });
      expect(run.running).toBe(false);
      expect(run.log).toMatch(/Unable to start any listening sockets/);
    });
  });

  test('no listener line: local-only mode on 1883 (run only while 1883 is free on this machine)', async (ctx) => {
    const { createServer } = await import('node:net');
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer().once('error', () => resolve(false)).listen(1883, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (!free) return ctx.skip();
    await withBroker('allow_anonymous true\n', async (run, path) => {
      const r = await doctor(path);
      expect(r.listeners).toEqual([{ port: 1883, bind: 'localhost', protocol: 'mqtt', tls: false, reachableFrom: 'localhost-only' }]);
      expect(codes(r)).toContain('listener.none');
      expect(run.log).toMatch(/local only mode/);
      expect(await connackFrom('127.0.0.2', 1883, login())).toBe('ECONNREFUSED');
      expect(await connackFrom('127.0.0.1', 1883, login())).toBe(0);
    });
  });

  test.for([
    ['no security option at all', 'log_dest stderr\n'],
    ['allow_anonymous false', 'allow_anonymous false\n'],
    ['a password_file with no usable user', 'password_file {pw}\n'],
  ] as const)('local-only mode with %s: doctor predicts no refusal, and an anonymous client gets CONNACK 0 (only while 1883 is free)', async ([, conf], ctx) => {
    const { createServer } = await import('node:net');
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer().once('error', () => resolve(false)).listen(1883, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (!free) return ctx.skip();
    const pw = files.write('pw-plain-only', 'phone:plain\n');
    await withBroker(conf.replace('{pw}', pw), async (run, path) => {
      const r = await doctor(path);
      expect(codes(r)).toContain('listener.none');
      expect(codes(r)).not.toContain('auth.anonymous-refused');
      expect(codes(r)).not.toContain('passwd.empty');
      expect(r.ok).toBe(!conf.includes('password_file')); // the plain-text line is still an error for that user
      expect(run.running).toBe(true);
      expect(await connackFrom('127.0.0.1', 1883, login())).toBe(0);
    });
  });

  test.each([
    ['port and listener on one port', 'port {p}\nlistener {p}\n', true],
    ['the same listener twice', 'listener {p} 127.0.0.1\nlistener {p} 127.0.0.1\n', true],
    ['all addresses, then 127.0.0.1', 'listener {p}\nlistener {p} 127.0.0.1\n', true],
    ['a websockets listener on a plain one\'s port', 'listener {p}\nlistener {p}\nprotocol websockets\n', true],
    ['two addresses on one port', 'listener {p} 127.0.0.1\nlistener {p} 127.0.0.2\n', false],
    ['ipv4 and ipv6 halves of one port', 'listener {p}\nsocket_domain ipv4\nlistener {p}\nsocket_domain ipv6\n', false],
  ])('%s: doctor says duplicate exactly when mosquitto cannot open the second socket', async (_name, conf, clash) => {
    const port = await freePort();
    await withBroker(`${conf.replaceAll('{p}', String(port))}allow_anonymous true\n`, async (run, path) => {
      const r = await doctor(path);
      expect(codes(r).includes('listener.duplicate')).toBe(clash);
      expect(run.running).toBe(!clash);
      if (clash) expect(run.log).toMatch(/Address already in use|Unable to create websockets listener/);
    });
  });

  test.each([
    ['after allow_anonymous', 'allow_anonymous true\nper_listener_settings true\nlistener {p} 127.0.0.1\nallow_anonymous true\n', true],
    ['after check_retain_source', 'check_retain_source true\nper_listener_settings true\nlistener {p} 127.0.0.1\nallow_anonymous true\n', true],
    ['first', 'per_listener_settings true\nlistener {p} 127.0.0.1\nallow_anonymous true\n', false],
    ['false, after allow_anonymous', 'listener {p} 127.0.0.1\nallow_anonymous true\nper_listener_settings false\n', false],
  ])('per_listener_settings %s: doctor calls it fatal exactly when mosquitto refuses to start', async (_name, conf, late) => {
    const port = await freePort();
    await withBroker(conf.replaceAll('{p}', String(port)), async (run, path) => {
      const r = await doctor(path);
      expect(codes(r).includes('auth.per-listener-late')).toBe(late);
      expect(run.running).toBe(!late);
      if (late) expect(run.log).toMatch(/per_listener_settings must be set before any other security settings/);
    });
  });

  test('include_dir holding a directory named sub.conf: doctor calls it fatal, and mosquitto refuses to start', async () => {
    const port = await freePort();
    execFileSync('mkdir', ['-p', `${files.dir}/dir.d/sub.conf`]);
    execFileSync('chmod', ['-R', '755', `${files.dir}/dir.d`]);
    await withBroker(`listener ${port} 127.0.0.1\nallow_anonymous true\ninclude_dir ${files.dir}/dir.d\n`, async (run, path) => {
      const r = await doctor(path);
      expect(r.exit).toBe(1);
      expect(r.findings.find((f) => f.code === 'include.directory')).toMatchObject({ severity: 'error', line: 3 });
      expect(run.running).toBe(false);
      expect(run.log).toMatch(/is a directory/);
    });
  });

  test('no websockets listener at all: ws.none', async () => {
    const port = await freePort();
    await withBroker(`listener ${port} 127.0.0.1\nallow_anonymous true\n`, async (_run, path) => {
      expect(codes(await doctor(path))).toContain('ws.none');
    });
  });

  test.each([
    ['an unknown option', 'listenr 1884\n', 'option.unknown', /Unknown configuration variable/],
    ['a password_file line', 'dev1:$7$101$AQEBAQEBAQEBAQEB$' + Buffer.alloc(64, 2).toString('base64') + '\n', 'option.credentials', /Unknown configuration variable/],
    ['a boolean that is not one', 'allow_anonymous yes\n', 'option.bool', /Error/],
    ['an option without a value', 'password_file\n', 'option.empty', /Empty password_file value/],
    ['max_keepalive below 10', 'max_keepalive 5\n', 'limits.keepalive-invalid', /Invalid max_keepalive value/],
  ])('%s: a finding with its line, and mosquitto refuses to start', async (_name, bad, code, log) => {
    const port = await freePort();
    await withBroker(`listener ${port} 127.0.0.1\nallow_anonymous true\n${bad}`, async (run, path) => {
      const r = await doctor(path);
      expect(r.findings.find((f) => f.code === code)).toMatchObject({ severity: 'error', line: 3 });
      expect(run.running).toBe(false);
      expect(run.log).toMatch(log);
    });
  });

  test.each([
    ['protocol foo', 'protocol foo\n', 'option.enum', /Invalid protocol value/],
    ['socket_domain ipv7', 'socket_domain ipv7\n', 'option.enum', /Invalid socket_domain value/],
    ['max_qos 7', 'max_qos 7\n', 'option.enum', /max_qos must be between 0 and 2/],
    ['log_dest foo', 'log_dest foo\n', 'option.enum', /Invalid log_dest value/],
    ['log_type foo', 'log_type foo\n', 'option.enum', /Invalid log_type value/],
    ['start_type foo', 'connection b\naddress 127.0.0.1:1\nstart_type foo\n', 'option.enum', /Invalid start_type value/],
    ['bridge_protocol_version mqttv5', 'connection b\naddress 127.0.0.1:1\nbridge_protocol_version mqttv5\n', 'option.enum', /Invalid bridge_protocol_version value/],
    ['topic direction sideways', 'connection b\naddress 127.0.0.1:1\ntopic a/# sideways\n', 'option.enum', /Invalid bridge topic direction/],
    ['protocol mqtt', 'protocol mqtt\n', null, null],
    ['max_qos 1', 'max_qos 1\n', null, null],
    ['log_dest none', 'log_dest none\n', null, null],
    ['log_type internal', 'log_type internal\n', null, null],
    ['topic direction IN', 'connection b\naddress 127.0.0.1:1\ntopic a/# IN\n', null, null],
    ['tls_version foo on a plain listener', 'tls_version foo\n', null, null],
  ])('%s: an enumerated value is fatal exactly when doctor says so', async (_name, tail, code, log) => {
    const port = await freePort();
    const conf = `listener ${port} 127.0.0.1\nallow_anonymous true\n${tail}`;
    await withBroker(conf, async (run, path) => {
      const r = await doctor(path);
      const fatal = r.findings.filter((f) => f.severity === 'error');
      if (code === null) expect(fatal).toEqual([]);
      else expect(fatal).toEqual([expect.objectContaining({ code, line: conf.trimEnd().split('\n').length })]);
      expect(run.running).toBe(code === null);
      if (log !== null) expect(run.log).toMatch(log);
    });
  });

  test.each([
    ['foo', true],
    ['tlsv1', true],
    ['tlsv1.1', false],
    ['tlsv1.3', false],
  ])('tls_version %s on a TLS listener: fatal exactly when doctor says so', async (version, fatal) => {
    const port = await freePort();
    const cert = files.write('v.crt', certs.good.cert);
    const key = files.write('v.key', certs.good.key);
    await withBroker(`listener ${port} 127.0.0.1\ncertfile ${cert}\nkeyfile ${key}\ntls_version ${version}\nallow_anonymous true\n`, async (run, path) => {
      const r = await doctor(path);
      expect(codes(r).includes('tls.version-invalid')).toBe(fatal);
      expect(run.running).toBe(!fatal);
      if (fatal) expect(run.log).toMatch(/Unsupported tls_version/);
    });
  });

  test('max_keepalive 30: a warning only; an MQTT 3.1.1 client with keepalive 60 is still accepted', async () => {
    const port = await freePort();
    await withBroker(`max_keepalive 30\nlistener ${port} 127.0.0.1\nallow_anonymous true\n`, async (run, path) => {
      const r = await doctor(path);
      expect(r.findings.find((f) => f.code === 'limits.keepalive')).toMatchObject({ severity: 'warning' });
      expect(r.ok).toBe(true);
      expect(await connackFrom('127.0.0.1', port, login())).toBe(0);
      // The warning's claim: an MQTT 5 client asking for 60 s is told to use 30 (Server Keep Alive in the CONNACK).
      const { connect } = await import('mqtt');
      const client = connect(`mqtt://127.0.0.1:${port}`, { protocolVersion: 5, keepalive: 60, reconnectPeriod: 0 });
      try {
        const connack = await new Promise<{ properties?: { serverKeepAlive?: number } }>((resolve, reject) => {
          client.once('connect', resolve);
          client.once('error', reject);
        });
        expect(connack.properties?.serverKeepAlive).toBe(30);
      } finally {
        await client.endAsync();
      }
    });
  });

  /** A config with one TLS listener on `port` serving `pair` (written as <name>.crt and <name>.key), trusting the test CA. */
  const tlsListener = (port: number, name: string, pair: { cert: string; key: string }): string =>
    `listener ${port} 127.0.0.1\ncafile ${certs.caFile}\ncertfile ${files.write(`${name}.crt`, pair.cert)}\nkeyfile ${files.write(`${name}.key`, pair.key)}\nallow_anonymous true\n`;

  /** What Node's TLS client (trusting the test CA, asking for localhost) makes of the broker's port: 'ok' or its error code. */
  const tlsVerdict = async (port: number): Promise<string> => {
    const { connect } = await import('node:tls');
    return new Promise<string>((resolve) => {
      const s = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: certs.ca });
      s.once('secureConnect', () => (s.destroy(), resolve('ok')));
      s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    });
  };

  test('TLS: an expired certificate is named; mosquitto starts, and a client refuses it', async () => {
    const port = await freePort();
    const cert = files.write('expired.crt', certs.expired.cert);
    const key = files.write('expired.key', certs.expired.key);
    await withBroker(`listener ${port} 127.0.0.1\ncertfile ${cert}\nkeyfile ${key}\nallow_anonymous true\n`, async (run, path) => {
      const r = await doctor(path, '--host', 'localhost');
      expect(r.findings.find((f) => f.code === 'tls.expired')).toMatchObject({ severity: 'error', line: 2 });
      expect(r.listeners[0]!.tls).toBe(true);
      expect(run.running).toBe(true);
      expect(await tlsVerdict(port)).toBe('CERT_HAS_EXPIRED');
    });
  });

  test('TLS: a certificate that does not name --host; a key of another certificate stops mosquitto', async () => {
    const port = await freePort();
    const cert = files.write('wrong.crt', certs.wrongHost.cert);
    const key = files.write('good.key', certs.good.key);
    await withBroker(`listener ${port} 127.0.0.1\ncafile ${certs.caFile}\ncertfile ${cert}\nkeyfile ${key}\nallow_anonymous true\n`, async (run, path) => {
      const r = await doctor(path, '--host', 'localhost');
      expect(codes(r)).not.toContain('tls.chain');
      expect(codes(r)).toEqual(expect.arrayContaining(['tls.name', 'tls.key-mismatch', 'tls.private-ca']));
      expect(run.running).toBe(false);
    });
  });

  test('TLS: a certificate naming --host only in its subject CN is named (a client that falls back to the CN gets in); one with no subjectAltName is named without --host', async () => {
    const port = await freePort();
    await withBroker(tlsListener(port, 'cn-only', certs.cnOnly), async (run, path) => {
      const named = await doctor(path, '--host', 'localhost');
      expect(named.findings.find((f) => f.code === 'tls.cn-only')).toMatchObject({ severity: 'warning' });
      expect(codes(named)).not.toContain('tls.name');
      expect(codes(await doctor(path))).toContain('tls.no-san');
      // The CN fallback is real: Node's own check lets localhost in, which is why the finding is a warning.
      expect(run.running).toBe(true);
      expect(await tlsVerdict(port)).toBe('ok');
    });
    // A certificate with subjectAltName gets neither finding.
    await withBroker(tlsListener(await freePort(), 'good-san', certs.good), async (_run, path) => {
      expect(codes(await doctor(path, '--host', 'localhost'))).not.toContain('tls.cn-only');
      expect(codes(await doctor(path))).not.toContain('tls.no-san');
    });
  });

  test('TLS: the right key, encrypted with a passphrase: named as such (not as another key), and mosquitto without a terminal exits', async () => {
    const port = await freePort();
    const cert = files.write('good.crt', certs.good.cert);
    const plain = files.write('plain.key', certs.good.key);
    const key = `${files.dir}/encrypted.key`;
    execFileSync('openssl', ['pkey', '-in', plain, '-aes256', '-passout', 'pass:secret', '-out', key]);
    execFileSync('chmod', ['644', key]);
    await withBroker(`listener ${port} 127.0.0.1\ncafile ${certs.caFile}\ncertfile ${cert}\nkeyfile ${key}\nallow_anonymous true\n`, async (run, path) => {
      const r = await doctor(path, '--host', 'localhost');
      expect(r.findings.find((f) => f.code === 'tls.key-encrypted')).toMatchObject({ severity: 'error' });
      expect(codes(r)).not.toContain('tls.key-mismatch');
      expect(run.running).toBe(false);
      expect(run.log).toMatch(/Unable to load server key file/);
    });
  });

  test('TLS: a keyfile that holds no private key (the certificate again) is named as such, not as another key; mosquitto exits', async () => {
    const port = await freePort();
    const cert = files.write('good-only.crt', certs.good.cert);
    await withBroker(`listener ${port} 127.0.0.1\ncafile ${certs.caFile}\ncertfile ${cert}\nkeyfile ${cert}\nallow_anonymous true\n`, async (run, path) => {
      const r = await doctor(path, '--host', 'localhost');
      expect(r.findings.find((f) => f.code === 'tls.key-invalid')).toMatchObject({ severity: 'error' });
      expect(codes(r)).not.toContain('tls.key-mismatch');
      expect(run.running).toBe(false);
    });
  });

  test('TLS: a certfile that does not exist stops mosquitto', async () => {
    const port = await freePort();
    await withBroker(`listener ${port} 127.0.0.1\ncertfile ${files.dir}/none.crt\nkeyfile ${files.dir}/none.key\nallow_anonymous true\n`, async (run, path) => {
      const r = await doctor(path);
      expect(r.findings.filter((f) => f.code === 'tls.file-missing')).toHaveLength(2);
      expect(run.running).toBe(false);
    });
  });

  test('include_dir: listeners and lines of the included files count, in mosquitto\'s order', async () => {
    const port = await freePort();
    files.write('conf.d-placeholder', '');
    execFileSync('mkdir', ['-p', `${files.dir}/conf.d`]);
    execFileSync('chmod', ['755', `${files.dir}/conf.d`]);
    files.write('conf.d/b.conf', 'allow_anonymous true\n');
    files.write('conf.d/A.conf', `listener ${port} 127.0.0.1\n`);
    files.write('conf.d/ignored.txt', 'garbage here\n');
    await withBroker(`include_dir ${files.dir}/conf.d\n`, async (run, path) => {
      const r = await doctor(path);
      expect(r.listeners).toEqual([{ port, bind: '127.0.0.1', protocol: 'mqtt', tls: false, reachableFrom: 'localhost-only' }]);
      expect(codes(r)).not.toContain('auth.anonymous-refused');
      expect(await connackFrom('127.0.0.1', port, login())).toBe(0);
    });
  });
});
