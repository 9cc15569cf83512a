// The app formats run for real: the mqttjs snippet with MQTT.js over mqtt:// and ws://, the mosquitto lines with
// mosquitto_sub/mosquitto_pub, the env file through sh; the mqttx lines against MQTTX CLI's documented options.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { confDir, runConf, type ConfRun } from './helpers/mosquitto-conf.js';
import { freePort } from './helpers/mosquitto.js';
import { runMain } from './helpers/run-main.js';
import { needsTools } from './helpers/tools.js';

const ROOT = resolve(import.meta.dirname, '..');
/** Awkward for a shell on purpose: quote, dollar, backtick, space, backslash. */
const PASSWORD = `p'w $(touch pwned) \`id\` \\x`;

async function sign(args: string[]): Promise<string> {
  const r = await runMain(['generic', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

/** Runs `command` until `until` appears in its stdout (or 20 s pass), then stops it; returns what it printed. */
function runUntil(command: string, args: string[], until: RegExp, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const done = () => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      resolvePromise(out);
    };
    const timer = setTimeout(done, 20_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (until.test(out)) done();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', () => {
      clearTimeout(timer);
      resolvePromise(out);
    });
  });
}

const tools = needsTools(['mosquitto', 'mosquitto_passwd', 'mosquitto_pub', 'mosquitto_sub']);

tools.describe('app formats against a real mosquitto with a password_file', () => {
  const files = confDir();
  let run: ConfRun;
  let port: number;
  let ws: number;
  const snippets = mkdtempSync(join(ROOT, 'node_modules', '.apps-snippets-'));
  const login = (clientId: string, password = PASSWORD) => ['--host', '127.0.0.1', '--port', String(port), '--client-id', clientId, '--username', 'dev1', '--password', password];
  /** The same login at the websockets listener, named by --host alone. */
  const wsLogin = (clientId: string) => ['--host', `ws://127.0.0.1:${ws}/mqtt`, '--client-id', clientId, '--username', 'dev1', '--password', PASSWORD];

  beforeAll(async () => {
    [port, ws] = [await freePort(), await freePort()];
    const pw = files.write('passwd', '');
    execFileSync('mosquitto_passwd', ['-b', pw, 'dev1', PASSWORD]);
    execFileSync('chmod', ['644', pw]);
    const conf = files.write('mosquitto.conf', `listener ${port} 127.0.0.1\nlistener ${ws} 127.0.0.1\nprotocol websockets\npassword_file ${pw}\nlog_dest stderr\nlog_type all\n`);
    run = await runConf(conf);
    expect(run.running, run.log).toBe(true);
  });
  afterAll(async () => {
    await run?.stop();
    files.remove();
    rmSync(snippets, { recursive: true, force: true });
  });

  async function snippet(name: string, args: string[]): Promise<string> {
    const path = join(snippets, `${name}.mjs`);
    writeFileSync(path, await sign([...args, '--format', 'mqttjs']));
    return path;
  }

  test('mqttjs over mqtt:// (Node): connects, subscribes, publishes and receives its message', async () => {
    const path = await snippet('node', [...login('js-node'), '--ws-url', `ws://127.0.0.1:${ws}/mqtt`, '--subscribe', 'apps/js', '--publish', 'apps/js', '--payload', 'hello node', '--qos', '1']);
    const out = await runUntil(process.execPath, [path], /^(?=[\s\S]*published\n)(?=[\s\S]*message apps\/js)/);
    expect(out).toContain(`connected to mqtt://127.0.0.1:${port}`);
    expect(out).toMatch(/published\n/);
    expect(out).toContain('message apps/js hello node');
  });

  test('mqttjs over ws:// (the uni-app / browser branch): same login through the websockets listener', async () => {
    const path = await snippet('ws', [...login('js-ws'), '--ws-url', `ws://127.0.0.1:${ws}/mqtt`, '--subscribe', 'apps/ws', '--publish', 'apps/ws', '--payload', 'hello ws']);
    const out = await runUntil(process.execPath, ['--import', 'data:text/javascript,globalThis.uni={}', path], /message apps\/ws/);
    expect(out).toContain(`connected to ws://127.0.0.1:${ws}/mqtt`);
    expect(out).toContain('message apps/ws hello ws');
  });

  test('mqttjs for a ws:// --host: the Node branch connects over WebSocket too (it was mqtt:// at the WebSocket port)', async () => {
    const path = await snippet('wshost', [...wsLogin('js-wshost'), '--subscribe', 'apps/wshost', '--publish', 'apps/wshost', '--payload', 'hello wshost']);
    const out = await runUntil(process.execPath, [path], /message apps\/wshost|mqtt error/);
    expect(out).toContain(`connected to ws://127.0.0.1:${ws}/mqtt`);
    expect(out).toContain('message apps/wshost hello wshost');
  });

  test('mqttjs with a wrong password: MQTT.js reports the refusal (the snippet can fail)', async () => {
    const path = await snippet('bad', [...login('js-bad', 'wrong')]);
    const out = await runUntil(process.execPath, [path], /mqtt error/);
    expect(out).toMatch(/mqtt error: Connection refused: Not authorized/);
    expect(out).not.toContain('connected to');
  });

  test('mosquitto: the printed mosquitto_sub and mosquitto_pub lines run as printed; nothing in the password is expanded', async () => {
    const subLines = (await sign([...login('sub-1'), '--subscribe', 'apps/sh=1', '--format', 'mosquitto'])).split('\n').filter((l) => l.startsWith('mosquitto_'));
    const pubLines = (await sign([...login('pub-1'), '--publish', 'apps/sh', '--payload', `it's $(echo no) "quoted"`, '--qos', '1', '--format', 'mosquitto'])).split('\n').filter((l) => l.startsWith('mosquitto_'));
    expect(subLines).toHaveLength(1);
    expect(pubLines).toHaveLength(1);
    const cwd = mkdtempSync(join(snippets, 'sh-'));
    // exec: mosquitto_sub replaces the shell, so stopping it leaves no orphan behind.
    const received = runUntil('sh', ['-c', `cd ${cwd} && exec ${subLines[0]}`], /apps\/sh /);
    // Publish only once the broker has the subscription.
    for (let i = 0; i < 200 && !/Received SUBSCRIBE from sub-1/.test(run.log); i++) await new Promise((r) => setTimeout(r, 50));
    const pub = spawnSync('sh', ['-c', `cd ${cwd} && ${pubLines[0]}`], { encoding: 'utf8' });
    expect(pub.status, pub.stderr).toBe(0);
    expect(await received).toBe(`apps/sh it's $(echo no) "quoted"\n`);
    expect(spawnSync('ls', [cwd], { encoding: 'utf8' }).stdout).toBe('');
  });

  test('mosquitto with a wrong password: mosquitto_pub is refused (exit code not 0)', async () => {
    const line = (await sign([...login('pub-bad', 'nope'), '--publish', 'apps/x', '--payload', 'x', '--format', 'mosquitto'])).split('\n').find((l) => l.startsWith('mosquitto_pub'))!;
    const r = spawnSync('sh', ['-c', line], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/not authorised/i);
  });

  test('env: sh reads back exactly the values the json format prints', async () => {
    const args = [...login('env-1'), '--ws-url', `ws://127.0.0.1:${ws}/mqtt`];
    const env = await sign([...args, '--format', 'env']);
    const json = JSON.parse(await sign([...args, '--format', 'json']));
    const path = join(snippets, 'mqtt.env');
    writeFileSync(path, env);
    const r = spawnSync('sh', ['-c', `set -a; . ${path}; set +a; printf '%s\\n' "$MQTT_HOST" "$MQTT_PORT" "$MQTT_URL" "$MQTT_WS_URL" "$MQTT_CLIENT_ID" "$MQTT_USERNAME" "$MQTT_PASSWORD" "$MQTT_KEEPALIVE"`], { encoding: 'utf8' });
    expect(r.stdout.split('\n').slice(0, 8)).toEqual(['127.0.0.1', String(port), json.broker.url, `ws://127.0.0.1:${ws}/mqtt`, 'env-1', 'dev1', PASSWORD, '60']);
  });

  test('env for a ws:// --host: MQTT_URL is the WebSocket URL, as json says, and MQTT.js logs in with the file alone', async () => {
    const env = await sign([...wsLogin('env-ws'), '--format', 'env']);
    const json = JSON.parse(await sign([...wsLogin('env-ws'), '--format', 'json']));
    expect(json.broker.url).toBe(`ws://127.0.0.1:${ws}/mqtt`);
    expect(env).toContain(`# MQTT_HOST:MQTT_PORT is a WebSocket listener: connect to ws://127.0.0.1:${ws}/mqtt over WebSocket`);
    const path = join(snippets, 'mqtt-ws.env');
    writeFileSync(path, env);
    const client = join(snippets, 'env-client.mjs');
    writeFileSync(
      client,
      [
        "import mqtt from 'mqtt';",
        'const e = process.env;',
        'const c = mqtt.connect(e.MQTT_URL, { clientId: e.MQTT_CLIENT_ID, username: e.MQTT_USERNAME, password: e.MQTT_PASSWORD, reconnectPeriod: 0 });',
        "c.on('connect', () => { console.log('connected', e.MQTT_URL, e.MQTT_WS_URL); c.end(); });",
        "c.on('error', (err) => { console.log('mqtt error', err.message); c.end(); });",
        "c.on('close', () => console.log('closed'));",
      ].join('\n'),
    );
    const out = await runUntil('sh', ['-c', `set -a; . ${path}; set +a; exec ${process.execPath} ${client}`], /closed/);
    expect(out).toContain(`connected ${json.broker.url} ${json.broker.websocket}`);
  });
});

/**
 * MQTTX CLI's options per command, from its commander definitions (github.com/emqx/MQTTX cli/src/index.ts at
 * 00151a6dd3e75f5530d4a1f3870cae90175d407f; docs https://mqttx.app/docs/cli/get-started). MQTTX CLI is not on the npm
 * registry this project can reach (npm view mqttx-cli: 404), so the lines are checked against this table instead of run.
 */
const MQTTX_OPTIONS: Record<string, { flags: Record<string, 'value' | 'switch'>; protocols: string[] }> = {
  conn: { flags: { '-V': 'value', '-h': 'value', '-p': 'value', '-i': 'value', '--no-clean': 'switch', '-k': 'value', '-u': 'value', '-P': 'value', '-l': 'value', '--path': 'value', '--ca': 'value' }, protocols: ['mqtt', 'mqtts', 'ws', 'wss'] },
  pub: { flags: { '-t': 'value', '-m': 'value', '-q': 'value', '-r': 'switch', '-V': 'value', '-h': 'value', '-p': 'value', '-i': 'value', '--no-clean': 'switch', '-k': 'value', '-u': 'value', '-P': 'value', '-l': 'value', '--path': 'value' }, protocols: ['mqtt', 'mqtts', 'ws', 'wss'] },
  sub: { flags: { '-t': 'value', '-q': 'value', '-V': 'value', '-h': 'value', '-p': 'value', '-i': 'value', '--no-clean': 'switch', '-u': 'value', '-P': 'value', '-l': 'value', '--path': 'value' }, protocols: ['mqtt', 'mqtts', 'ws', 'wss'] },
};
/** parseMQTTVersion accepts these. */
const MQTTX_VERSIONS = ['3.1', '3.1.1', '5'];

describe('mqttx lines use only MQTTX CLI options, with the signed values', () => {
  test.each([
    ['generic over TCP + ws', ['generic', '--host', '127.0.0.1', '--port', '1883', '--client-id', 'c1', '--username', 'u1', '--password', PASSWORD, '--ws-url', 'ws://127.0.0.1:8083/mqtt', '--subscribe', 'a/b', '--publish', 'a/b', '--payload', 'x y', '--no-clean']],
    ['generic at a wss:// listener alone', ['generic', '--host', 'wss://127.0.0.1:8084/ws', '--client-id', 'c1', '--username', 'u1', '--password', PASSWORD, '--subscribe', 'a/b', '--publish', 'a/b', '--payload', 'x']],
    ['aliyun over TLS', ['aliyun', '--product', 'a1B2c3D4e5F', '--device', 'sensor01', '--secret', '0123456789abcdef0123456789abcdef', '--tls', '--timestamp', '1700000000000', '--publish', 'property-post', '--payload', '{"t":1}']],
  ])('%s', async (_name, args) => {
    const r = await runMain([...args, '--format', 'mqttx']);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse((await runMain([...args, '--format', 'json'])).stdout);
    const lines = r.stdout.split('\n').filter((l) => l.startsWith('mqttx '));
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) {
      // The shell splits the line exactly as a user's shell would.
      const argv = spawnSync('sh', ['-c', `printf '%s\\0' ${line.slice('mqttx '.length)}`], { encoding: 'utf8' }).stdout.split('\0').slice(0, -1);
      const [command, ...rest] = argv;
      const spec = MQTTX_OPTIONS[command!]!;
      expect(spec, command).toBeDefined();
      const seen: Record<string, string> = {};
      for (let i = 0; i < rest.length; i++) {
        const kind = spec.flags[rest[i]!];
        expect(kind, `${command} ${rest[i]}`).toBeDefined();
        if (kind === 'value') seen[rest[i]!] = rest[++i]!;
        else seen[rest[i]!] = 'true';
      }
      expect(seen['-i']).toBe(json.credentials.clientId);
      expect(seen['-u']).toBe(json.credentials.username);
      expect(seen['-P']).toBe(json.credentials.password);
      expect(MQTTX_VERSIONS).toContain(seen['-V']);
      expect(spec.protocols).toContain(seen['-l']);
      // A broker reached only over WebSocket: every line goes there with -l wss and the path (not -l mqtts at 8084).
      if (args.includes('wss://127.0.0.1:8084/ws')) expect([seen['-h'], seen['-p'], seen['-l'], seen['--path']]).toEqual(['127.0.0.1', '8084', 'wss', '/ws']);
    }
  });
});

/** One CLI run's outcome, for the tables below. */
async function outcome(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runMain(['generic', '--client-id', 'c1', '--username', 'u1', '--password', 'pw-secret', '--publish', 'a/b', '--payload', 'x', ...args]);
}

describe('a WebSocket endpoint in every format: right for it, or refused in one line', () => {
  const WS = ['--host', 'ws://10.0.0.2:8083/mqtt'];
  const NOTE = 'ws://10.0.0.2:8083/mqtt is a WebSocket listener: open it with an HTTP upgrade (subprotocol mqtt) and send these bytes inside WebSocket binary frames (RFC 6455)';

  test.each([
    ['c', [`MQTT packets for ws://10.0.0.2:8083/mqtt (generic)`, ` * ${NOTE}`]],
    ['c', [' * 1. Open the WebSocket connection and send mqtt_connect (MQTT_CONNECT_LEN bytes) as one binary frame', ' * 2. Append the payload of each binary frame', ` * ${NOTE}`], ['--runtime']],
    ['arduino', [`MQTT packets for ws://10.0.0.2:8083/mqtt (generic)`, ` * ${NOTE}`]],
    ['python', [`# ${NOTE}`, '# publish -> ws://10.0.0.2:8083/mqtt (generic)']],
    ['json', ['"url": "ws://10.0.0.2:8083/mqtt"', '"websocket": "ws://10.0.0.2:8083/mqtt"']],
    ['table', ['Port: 8083 (a WebSocket listener: the packets go inside WebSocket binary frames, not over bare TCP)', 'WebSocket URL: ws://10.0.0.2:8083/mqtt']],
    ['mqttjs', ['  node: "ws://10.0.0.2:8083/mqtt", // Node.js too']],
    ['mqttx', ['mqttx pub -h 10.0.0.2 -p 8083 -l ws --path /mqtt ']],
    ['env', ['MQTT_URL=ws://10.0.0.2:8083/mqtt', 'MQTT_WS_URL=ws://10.0.0.2:8083/mqtt']],
  ] as [string, string[], string[]?][])('--format %s says where the packets go: %j', async (style, expected, more = []) => {
    const r = await outcome([...WS, '--format', style, ...more]);
    expect(r.code, r.stderr).toBe(0);
    for (const text of expected) expect(r.stdout).toContain(text);
    // Nothing points plain MQTT at the WebSocket listener's port.
    expect(r.stdout).not.toMatch(/mqtts?:\/\/10\.0\.0\.2:8083|-l mqtt\b/);
  });

  test('--format c --runtime: its how-to opens TCP for a plain broker and the WebSocket connection for a ws:// one', async () => {
    const tcp = await outcome(['--host', '10.0.0.2:8083', '--format', 'c', '--runtime']);
    expect(tcp.stdout).toContain(' * 1. Open TCP to the broker and send mqtt_connect');
    expect(tcp.stdout).not.toContain('WebSocket');
    const ws = await outcome([...WS, '--format', 'c', '--runtime']);
    expect(ws.stdout).not.toContain('Open TCP');
    expect(ws.stdout).not.toContain('any TCP socket or modem link');
  });

  test('--format hex: its summary on stderr says the port is a WebSocket listener (a serial tool would open bare TCP there)', async () => {
    const r = await outcome([...WS, '--format', 'hex']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('# Port: 8083 (a WebSocket listener: the packets go inside WebSocket binary frames, not over bare TCP)\n');
    const plain = await outcome(['--host', '10.0.0.2:8083', '--format', 'hex']);
    expect(plain.stderr).toContain('# Port: 8083\n');
  });

  test.each([
    ['mosquitto', WS, '--host gives the WebSocket endpoint ws://10.0.0.2:8083/mqtt, and mosquitto_sub / mosquitto_pub (mosquitto 2.0) connect over TCP only'],
    ['mosquitto', ['--host', 'wss://10.0.0.2/mqtt'], '--host gives the WebSocket endpoint wss://10.0.0.2:443/mqtt'],
    ['at', [...WS, '--modem', 'sim800'], '--host gives the WebSocket endpoint ws://10.0.0.2:8083/mqtt, and the --modem sim800 script'],
  ])('--format %s refuses it (%j): exit 2, one line naming the option and what to give', async (style, args, text) => {
    const r = await outcome([...args, '--format', style]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(text);
    expect(r.stderr).toContain('mqtt://host:port');
  });

  test('--lang zh: the refusal and the firmware note in Chinese', async () => {
    const r = await runMain(['generic', '--host', 'ws://10.0.0.2:8083/mqtt', '--client-id', 'c1', '--publish', 'a/b', '--format', 'mosquitto'], { LANG: 'zh_CN.UTF-8' });
    expect(r.stderr).toContain('--host 给出的是 WebSocket 地址 ws://10.0.0.2:8083/mqtt');
    const c = await runMain(['generic', '--host', 'ws://10.0.0.2:8083/mqtt', '--client-id', 'c1', '--format', 'c'], { LANG: 'zh_CN.UTF-8' });
    expect(c.stdout).toContain('ws://10.0.0.2:8083/mqtt 是 WebSocket 监听地址');
    const table = await runMain(['generic', '--host', 'ws://10.0.0.2:8083/mqtt', '--client-id', 'c1', '--format', 'table'], { LANG: 'zh_CN.UTF-8' });
    expect(table.stdout).toContain('端口（Port）：8083（WebSocket 监听端口');
  });

  test('a broker on an MQTT port keeps its TCP lines and gets no WebSocket note', async () => {
    for (const style of ['c', 'python', 'mosquitto', 'mqttx', 'env']) {
      const r = await outcome(['--host', '10.0.0.2', '--format', style]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).not.toContain('WebSocket listener');
    }
  });

  test("env at a platform's WebSocket port given as the MQTT port (Aliyun's 443): MQTT_URL is the wss:// URL a client can use", async () => {
    const aliyun = ['aliyun', '--product', 'a1B2c3D4e5F', '--device', 'sensor01', '--secret', '0123456789abcdef0123456789abcdef', '--timestamp', '1700000000000', '--tls'];
    const wss = 'wss://a1B2c3D4e5F.iot-as-mqtt.cn-shanghai.aliyuncs.com:443';
    const r = await runMain([...aliyun, '--port', '443', '--format', 'env']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`\nMQTT_URL=${wss}\n`);
    expect(r.stdout).toContain(`\nMQTT_WS_URL=${wss}\n`);
    // At its MQTT port, MQTT_URL stays the mqtts:// address.
    expect((await runMain([...aliyun, '--format', 'env'])).stdout).toContain('\nMQTT_URL=mqtts://a1B2c3D4e5F.iot-as-mqtt.cn-shanghai.aliyuncs.com:1883\n');
  });

  // --ws-url is shown by the formats that print a WebSocket URL; elsewhere it was taken and dropped without a word.
  test.each(['c', 'arduino', 'python', 'base64', 'raw', 'mosquitto', 'at'])('--ws-url with --format %s is refused naming the formats that use it', async (style) => {
    const r = await outcome(['--host', '10.0.0.2', '--ws-url', 'ws://10.0.0.2:8083/mqtt', '--format', style, ...(style === 'at' ? ['--modem', 'sim800'] : [])]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('mqtt-sign: --ws-url applies only to --format json, table, hex, mqttjs, mqttx, env\n');
  });

  test.each([
    ['json', '"websocket": "ws://10.0.0.2:8083/mqtt"'],
    ['table', 'WebSocket URL: ws://10.0.0.2:8083/mqtt'],
    ['hex', ''],
    ['mqttjs', 'websocket: "ws://10.0.0.2:8083/mqtt"'],
    ['mqttx', '-p 8083 -l ws --path /mqtt'],
    ['env', 'MQTT_WS_URL=ws://10.0.0.2:8083/mqtt'],
  ])('--ws-url with --format %s is shown', async (style, text) => {
    const r = await outcome(['--host', '10.0.0.2', '--ws-url', 'ws://10.0.0.2:8083/mqtt', '--format', style]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(text);
    if (style === 'hex') expect(r.stderr).toContain('# WebSocket URL: ws://10.0.0.2:8083/mqtt');
  });
});

describe('WebSocket endpoints per platform', () => {
  test.each([
    ['huawei', ['huawei', '--device', '5f052ac562369102d42b0fb6_demo', '--secret', '12345678'], /^\/\/ \[unverified\] wss:\/\/[^ ]+:443\/mqtt /m],
    ['aliyun (documented)', ['aliyun', '--product', 'a1B2c3D4e5F', '--device', 'sensor01', '--secret', '0123456789abcdef0123456789abcdef', '--tls'], /websocket: "wss:\/\/a1B2c3D4e5F\.iot-as-mqtt\.cn-shanghai\.aliyuncs\.com:443"/],
  ])('%s', async (_name, args, expected) => {
    const r = await runMain([...args, '--format', 'mqttjs']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(expected);
    if (!String(expected).includes('unverified')) expect(r.stdout).not.toContain('[unverified]');
  });

  test('a platform without a documented endpoint says so and uses mqtt:// only', async () => {
    const r = await runMain(['generic', '--host', 'h', '--client-id', 'c', '--format', 'mqttjs']);
    expect(r.stdout).toContain('--ws-url');
    expect(r.stdout).toContain('const url = urls.node;');
  });

  test.each([['http://x/mqtt'], ['ws://'], ['not a url']])('--ws-url %s is refused naming the option (exit 2)', async (url) => {
    const r = await runMain(['generic', '--host', 'h', '--client-id', 'c', '--format', 'mqttjs', '--ws-url', url]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--ws-url/);
  });

  test.each([
    ['mosquitto', ['--client-id', 'x\u001b]0;pwn\u0007'], '--client-id: the client id has \\x1b at character 2'],
    ['mqttx', ['--client-id', 'c', '--publish', 't', '--payload', 'a\u009b2J'], '--payload: the payload has \\x9b at character 2'],
    ['mosquitto', ['--client-id', 'c', '--subscribe', 'a/\u202eb'], '--subscribe: the topic has \\u202e at character 3'],
    ['mqttx', ['--client-id', 'c', '--publish', 'x\rfake', '--payload', 'p'], '--publish: the topic has \\x0d at character 2'],
    ['env', ['--client-id', 'c', '--username', 'u\u2028'], '--username: the username has \\u2028 at character 2'],
  ])('--format %s refuses a value a printed line cannot show (%j): exit 2, one line, nothing printed', async (style, args, text) => {
    const r = await runMain(['generic', '--host', 'h', ...args, '--format', style]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${text}, which a printed --format ${style} line cannot show as itself`);
    expect(r.stderr).not.toMatch(/[\u001b\u0007\u009b\u202e\r\u2028]/);
  });

  test('tab and line feed are shown as they are; env does not check what it does not print (a payload)', async () => {
    const r = await runMain(['generic', '--host', 'h', '--client-id', 'c', '--publish', 't', '--payload', 'a\tb\nc', '--format', 'mosquitto']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("-m 'a\tb\nc'");
    const env = await runMain(['generic', '--host', 'h', '--client-id', 'c', '--publish', 't', '--payload', 'a\u001bb', '--format', 'env']);
    expect(env.code, env.stderr).toBe(0);
  });

  test('--format mosquitto without --publish or --subscribe is a usage error', async () => {
    const r = await runMain(['generic', '--host', 'h', '--client-id', 'c', '--format', 'mosquitto']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--publish/);
  });
});
