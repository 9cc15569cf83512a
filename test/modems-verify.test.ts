// verify reads the login from modem MQTT command logs and firmware lines, unescaped as the modem does, and
// checks it like a CONNECT; the scripts this tool prints verify, a changed byte does not.
import { describe, expect, test } from 'vitest';
import { main } from '../src/cli/main.js';
import { loginsFromAtLog, commandOf, type AtLogProblem } from '../src/format/at-login.js';
import { fakeIo } from './helpers/fake-io.js';

const SIGN = ['aliyun', '--product', 'a1X2bEnP82z', '--device', 'dev1', '--secret', '0123456789abcdef0123456789abcdef', '--timestamp', '1700000000000'];
const VERIFY = ['verify', 'aliyun', '--product', 'a1X2bEnP82z', '--device', 'dev1', '--secret', '0123456789abcdef0123456789abcdef'];
const CLIENT = 'a1X2bEnP82z.dev1|securemode=3,signmethod=hmacsha256,timestamp=1700000000000|';

async function run(argv: string[], options: Parameters<typeof fakeIo>[0] = {}) {
  const fake = fakeIo(options);
  const code = await main(argv, fake.io);
  return { code, out: fake.stdout(), err: fake.stderr() };
}

describe('verify <platform> from modem command logs', () => {
  test.each(['esp-at-mqtt', 'quectel-mqtt', 'simcom-mqtt'])('the %s script this tool prints verifies, from a file and from stdin', async (modem) => {
    const script = (await run([...SIGN, '--format', 'at', '--modem', modem])).out;
    const fromFile = await run([...VERIFY, 'script.txt'], { files: { 'script.txt': script } });
    expect(fromFile.code, fromFile.err).toBe(0);
    expect(fromFile.out).toContain(`✓ clientId  ${CLIENT}`);
    expect(fromFile.err).toMatch(/credentials read from the modem commands AT\+(MQTTUSERCFG|QMTCONN|CMQTTACCQ \+ AT\+CMQTTCONNECT)/);
    const fromStdin = await run(VERIFY, { stdin: script });
    expect(fromStdin.code).toBe(0);
    // One changed character of the password: exit 1, the password named.
    const broken = script.replace(/"([0-9a-f]{64})"/, (_m, p: string) => `"${p.slice(0, -1)}${p.endsWith('0') ? '1' : '0'}"`);
    const bad = await run([...VERIFY, 'script.txt'], { files: { 'script.txt': broken } });
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/✗ password/);
  });

  test('a long password sent with AT+MQTTLONGPASSWORD in a serial log (typed after >) is read whole', () => {
    const log = ['[10:00:01.123]TX: AT+MQTTUSERCFG=0,1,"id\\,1","user","",0,0,""', 'OK', 'AT+MQTTLONGPASSWORD=0,70', 'OK', '>' + 'p'.repeat(70), 'OK', 'AT+MQTTCONN=0,"h",1883,0'].join('\r\n');
    expect(loginsFromAtLog(log)).toEqual([
      { dialect: 'esp-at-mqtt', clientId: 'id,1', username: 'user', password: 'p'.repeat(70), keepalive: 120, protocolVersion: 4, tls: false, commands: ['AT+MQTTUSERCFG', 'AT+MQTTLONGPASSWORD'], line: 1 },
    ]);
  });

  test('a firmware C string is unescaped as C, then as ESP-AT', () => {
    const line = String.raw`at_send("AT+MQTTUSERCFG=0,2,\"a\\,b\\\\c\\\"d\",\"u\",\"p\",0,0,\"\"\r\n");`;
    expect(commandOf(line)).toBe(String.raw`AT+MQTTUSERCFG=0,2,"a\,b\\c\"d","u","p",0,0,""`);
    expect(loginsFromAtLog(line)[0]).toMatchObject({ clientId: 'a,b\\c"d', tls: true });
  });

  test('Quectel QMTCFG version/keepalive and SIMCom ACCQ + CONNECT are read with the login', () => {
    const quectel = loginsFromAtLog('AT+QMTCFG="version",0,3\nAT+QMTCFG="keepalive",0,90\nAT+QMTCONN=0,"c,1","u","p"\n+QMTCONN: 0,0,0');
    expect(quectel).toMatchObject([{ dialect: 'quectel-mqtt', clientId: 'c,1', username: 'u', password: 'p', keepalive: 90, protocolVersion: 3 }]);
    const simcom = loginsFromAtLog('AT+CMQTTACCQ=0,"id",1\r\nOK\r\nAT+CMQTTCONNECT=0,"ssl://h:8883",60,1,"u","p"');
    expect(simcom).toMatchObject([{ dialect: 'simcom-mqtt', clientId: 'id', username: 'u', password: 'p', keepalive: 60, tls: true }]);
  });

  test('an ESP-AT line with a comma left unescaped is the answer: exit 1 naming the line', async () => {
    const problems: AtLogProblem[] = [];
    expect(loginsFromAtLog(`x\nAT+MQTTUSERCFG=0,1,"${CLIENT}","u","p",0,0,""`, problems)).toEqual([]);
    expect(problems).toEqual([{ line: 2, command: 'AT+MQTTUSERCFG', reason: 'unescaped' }]);
    const r = await run([...VERIFY, `AT+MQTTUSERCFG=0,1,"${CLIENT}","dev1&a1X2bEnP82z","x",0,0,""`]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('line 1: AT+MQTTUSERCFG has a comma or double quote inside a quoted value that is not escaped');
  });

  test('comment lines of the script (the aliauth example) are not logins', () => {
    expect(loginsFromAtLog('# AT+QMTCONN=0,"<clientId>"\n// AT+QMTCONN=0,"x","y","z"')).toEqual([]);
  });
});

describe('verify finds a modem login anywhere in a log, in any case', () => {
  /** main() with the file and stdin read in chunks of `size` bytes, as a real stream delivers them. */
  async function chunked(argv: string[], text: string, size: number, from: 'file' | 'stdin') {
    const fake = fakeIo({ files: { 'log.txt': text }, stdin: text });
    const bytes = new TextEncoder().encode(text);
    async function* chunks() {
      for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
    }
    const file = fake.io.streamFile.bind(fake.io);
    if (from === 'file') fake.io.streamFile = (path) => (path === 'log.txt' ? chunks() : file(path));
    else fake.io.streamStdin = chunks;
    const code = await main(from === 'file' ? [...argv, 'log.txt'] : argv, fake.io);
    return { code, out: fake.stdout(), err: fake.stderr() };
  }

  test.each(['file', 'stdin'] as const)('a login after the first 64 KiB of a %s, split between two chunks, is read', async (from) => {
    const script = (await run([...SIGN, '--format', 'at', '--modem', 'quectel-mqtt'])).out;
    const line = script.split('\n').find((l) => l.startsWith('AT+QMTCONN='))!;
    const text = '\n'.repeat(17 * 4096 - 6) + line + '\n';
    // 4096-byte chunks: "AT+QMTCONN=" starts 6 bytes before a chunk's end.
    const r = await chunked(VERIFY, text, 4096, from);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('credentials read from the modem commands AT+QMTCONN');
    expect(r.out).toContain(`✓ clientId  ${CLIENT}`);
  });

  test('a command name in lower or mixed case is read, as the modem reads it', async () => {
    const script = (await run([...SIGN, '--format', 'at', '--modem', 'quectel-mqtt'])).out;
    const line = script.split('\n').find((l) => l.startsWith('AT+QMTCONN='))!;
    for (const name of ['at+qmtconn=', 'At+QMTCONN=', 'aT+QmtConn=']) {
      const r = await run([...VERIFY, 'log.txt'], { files: { 'log.txt': `RX: OK\n${line.replace('AT+QMTCONN=', name)}\n` } });
      expect(r.code, `${name}: ${r.err}`).toBe(0);
      expect(r.out).toContain(`✓ clientId  ${CLIENT}`);
    }
    expect(commandOf('at+cmqttaccq=0,"id",1')).toBe('AT+CMQTTACCQ=0,"id",1');
    // "AT+" inside a word is not a command.
    expect(commandOf('format+x')).toBeUndefined();
  });
});

describe('verify reads a capture\'s line ends and trailing blanks, and names a malformed command', () => {
  test.each(['esp-at-mqtt', 'quectel-mqtt', 'simcom-mqtt'])('%s: CR LF, CR CR LF (raw echo), CR alone, and a trailing tab or spaces', async (modem) => {
    const script = (await run([...SIGN, '--format', 'at', '--modem', modem])).out;
    const lines = script.split('\n');
    const variants = {
      crlf: lines.join('\r\n'),
      crcrlf: lines.join('\r\r\n'),
      cr: lines.join('\r'),
      tab: lines.map((l) => (l.startsWith('AT+') ? `${l}\t` : l)).join('\n'),
      spaces: lines.map((l) => (l.startsWith('AT+') ? `${l}  \r` : l)).join('\r\n'),
    };
    for (const [name, text] of Object.entries(variants)) {
      const r = await run([...VERIFY, 'log.txt'], { files: { 'log.txt': text } });
      expect(r.code, `${name}: ${r.err}`).toBe(0);
      expect(r.out).toContain(`✓ clientId  ${CLIENT}`);
    }
  });

  test('line numbers count CR CR LF and CR alone as one line end', () => {
    const problems: AtLogProblem[] = [];
    loginsFromAtLog('OK\r\r\nOK\rAT+QMTCONN=0,"c","u\r\r\n', problems);
    expect(problems).toEqual([{ line: 3, command: 'AT+QMTCONN', reason: 'unclosed' }]);
  });

  test.each([
    ['an unclosed quote (Quectel)', 'AT+QMTCONN=0,"c","user\nname","p"', 'line 2: AT+QMTCONN has a double quote that is not closed on its line'],
    ['a command wrapped after a comma (SIMCom)', 'AT+CMQTTACCQ=0,"id",0\nAT+CMQTTCONNECT=0,"tcp://h:1883",60,1,\n"u","p"', 'line 3: AT+CMQTTCONNECT ends with a comma'],
    ['a double quote inside a value (Quectel)', 'AT+QMTCONN=0,"c","u"x","p"', 'line 2: AT+QMTCONN has text after a quoted value\'s closing quote'],
    ['too few parameters (Quectel)', 'AT+QMTCONN=0', 'line 2: AT+QMTCONN has fewer parameters than the command needs'],
    ['an unclosed quote (ESP-AT)', 'AT+MQTTUSERCFG=0,1,"c","u","p,0,0,""', 'line 2: AT+MQTTUSERCFG has a comma or double quote'],
  ])('%s: exit 1 naming the line and the problem, not "empty"', async (_name, command, expected) => {
    const r = await run([...VERIFY, 'log.txt'], { files: { 'log.txt': `OK\n${command}\n` } });
    expect(r.code).toBe(1);
    expect(r.err).toContain(expected);
    expect(r.err).not.toContain('empty');
  });
});

describe('a login no CONNECT can carry is a login that does not verify, not the end of the run', () => {
  test('a 70000-byte password after a good login: exit 1, the good one verified, the long one named with MQTT 3.1.1 §1.5.3', async () => {
    const script = (await run([...SIGN, '--format', 'at', '--modem', 'quectel-mqtt'])).out;
    const good = script.split('\n').find((l) => l.startsWith('AT+QMTCONN='))!;
    const long = `AT+QMTCONN=0,"c","u","${'p'.repeat(70000)}"`;
    const r = await run([...VERIFY, 'log.txt'], { files: { 'log.txt': `${good}\nOK\n${long}\n${good}\n` } });
    expect(r.code, r.err).toBe(1);
    expect(r.out).toContain(`✓ clientId  ${CLIENT}`);
    expect(r.out).toContain('line 3: AT+QMTCONN: password is 70000 bytes; the limit is 65535 [MQTT 3.1.1 §1.5.3]');
    expect(r.out).toContain('2 of 3 CONNECTs verify');
    const json = await run([...VERIFY, 'log.txt', '--format', 'json'], { files: { 'log.txt': `${good}\n${long}\n` } });
    expect(json.code).toBe(1);
    const doc = JSON.parse(json.out) as { ok: boolean; connects: { ok: boolean; warnings: { code: string; message: string }[] }[] };
    expect(doc.connects.map((c) => c.ok)).toEqual([true, false]);
    expect(doc.connects[1]!.warnings[0]!.message).toContain('line 2: AT+QMTCONN: password is 70000 bytes');
  });

  test('a malformed login command beside good ones is reported too, not dropped', async () => {
    const script = (await run([...SIGN, '--format', 'at', '--modem', 'quectel-mqtt'])).out;
    const good = script.split('\n').find((l) => l.startsWith('AT+QMTCONN='))!;
    const r = await run([...VERIFY, 'log.txt'], { files: { 'log.txt': `AT+QMTCONN=0,"c","u\n${good}\n` } });
    expect(r.code).toBe(1);
    expect(r.out).toContain('line 1: AT+QMTCONN has a double quote that is not closed on its line');
    expect(r.out).toContain('1 of 2 CONNECTs verify');
  });
});
