// doctor's core on configurations given as text: one row per rule, plus parsing edge cases and hostile input.
import { describe, expect, test } from 'vitest';
import { doctor, doctorJson, includeOrder, KEPT_PER_CODE, parseConfig, renderDoctor, type FileFact } from '../src/doctor/index.js';
import { checkPasswd } from '../src/doctor/passwd.js';

const NOW = Date.UTC(2026, 0, 1);
function judge(conf: string, facts: Record<string, FileFact> = {}, host?: string) {
  return doctor({ main: parseConfig(conf, 'm.conf'), includes: [], facts, now: NOW, ...(host ? { host } : {}) });
}
const codes = (conf: string, facts?: Record<string, FileFact>) => judge(conf, facts).findings.map((f) => f.code);
const file = (text: string | null, exists = true, readable: boolean | null = true): FileFact => ({ exists, readable, text });
const HASH7 = 'dev1:$7$101$' + Buffer.alloc(12, 1).toString('base64') + '$' + Buffer.alloc(64, 2).toString('base64');

describe('doctor rules', () => {
  test.each([
    ['no listener → local-only', 'allow_anonymous true', ['listener.none'], []],
    // mosquitto 2.0 forces allow_anonymous true in local-only mode (test/doctor-broker.test.ts: CONNACK 0).
    ['local-only lets anonymous clients in', 'log_dest stdout', ['listener.none'], ['auth.anonymous-refused']],
    ['local-only overrides allow_anonymous false', 'allow_anonymous false', ['listener.none'], ['auth.anonymous-refused']],
    ['local-only, per_listener_settings true', 'per_listener_settings true\nlog_dest stdout', ['listener.none'], ['auth.anonymous-refused']],
    ['listener on ::1', 'listener 1883 ::1\nallow_anonymous true', ['listener.localhost'], ['listener.none']],
    ['listener on localhost', 'listener 1883 localhost\nallow_anonymous true', ['listener.localhost'], []],
    ['bind_address localhost (default listener)', 'port 1883\nbind_address localhost\nallow_anonymous true', ['listener.localhost'], ['listener.none']],
    ['port alone listens on all addresses', 'port 1883\nallow_anonymous true', [], ['listener.localhost', 'listener.none']],
    ['anonymous refused', 'listener 1883', ['auth.anonymous-refused'], []],
    ['allow_anonymous false, nothing else', 'listener 1883\nallow_anonymous false', ['auth.anonymous-refused'], []],
    ['a plugin authenticates', 'listener 1883\nplugin /usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so', [], ['auth.anonymous-refused']],
    ['global security under a second listener', 'listener 1883\nallow_anonymous true\nlistener 8883\npassword_file /p', ['auth.global'], []],
    ['per-listener orphan', 'per_listener_settings true\nallow_anonymous true\nlistener 1883', ['auth.orphan', 'auth.anonymous-refused'], []],
    // Local-only mode's bind is doctor's own 'localhost', not a host name written: no ws.bind-host about it.
    ['protocol websockets, no listener (local-only)', 'protocol websockets\nallow_anonymous true', ['ws.only', 'listener.none'], ['ws.bind-host', 'ws.bind-name']],
    ['protocol websockets before any listener', 'protocol websockets\nlistener 1883\nallow_anonymous true', ['ws.no-port', 'ws.none'], []],
    ['websockets only', 'listener 8083\nprotocol websockets\nallow_anonymous true', ['ws.only', 'ws.no-tls'], ['ws.none']],
    ['websockets bound to a name', 'listener 1883\nlistener 8083 myhost\nprotocol websockets\nallow_anonymous true', ['ws.bind-name'], []],
    ['websockets bound to a VLAN interface', 'listener 1883\nlistener 8083 eth0.100\nprotocol websockets\nallow_anonymous true', ['ws.bind-name'], ['ws.bind-host']],
    ['websockets bound to a host name', 'listener 1883\nlistener 8083 mqtt.example.com\nprotocol websockets\nallow_anonymous true', ['ws.bind-host'], ['ws.bind-name']],
    ['tls_version tlsv1.1', 'listener 8883\ntls_version tlsv1.1\nallow_anonymous true', ['tls.old-version'], []],
    ['certfile without keyfile', 'listener 8883\ncertfile /c\nallow_anonymous true', ['tls.pair'], []],
    ['max_keepalive 30', 'listener 1883\nallow_anonymous true\nmax_keepalive 30', ['limits.keepalive'], []],
    ['max_keepalive 70000', 'listener 1883\nallow_anonymous true\nmax_keepalive 70000', ['limits.keepalive-invalid'], []],
    ['message_size_limit 100', 'listener 1883\nallow_anonymous true\nmessage_size_limit 100', ['limits.message-size'], []],
    ['max_connections 3', 'listener 1883\nallow_anonymous true\nmax_connections 3', ['limits.connections'], []],
    ['port and listener on the same port', 'port 1883\nlistener 1883\nallow_anonymous true', ['listener.duplicate'], []],
    ['the same listener twice', 'listener 1883\nlistener 1883\nallow_anonymous true', ['listener.duplicate'], []],
    ['all addresses, then 127.0.0.1', 'listener 1883\nlistener 1883 127.0.0.1\nallow_anonymous true', ['listener.duplicate'], []],
    ['127.0.0.1, then localhost', 'listener 1883 127.0.0.1\nlistener 1883 localhost\nallow_anonymous true', ['listener.duplicate'], []],
    ['two websockets listeners on one port', 'listener 8083\nprotocol websockets\nlistener 8083\nprotocol websockets\nlistener 1883\nallow_anonymous true', ['listener.duplicate'], []],
    ['all addresses, then bind_interface lo', 'listener 1883\nlistener 1883\nbind_interface lo\nallow_anonymous true', ['listener.duplicate'], []],
    ['two addresses on one port', 'listener 1883 127.0.0.1\nlistener 1883 127.0.0.2\nallow_anonymous true', [], ['listener.duplicate']],
    ['ipv4 and ipv6 halves of one port', 'listener 1883\nsocket_domain ipv4\nlistener 1883\nsocket_domain ipv6\nallow_anonymous true', [], ['listener.duplicate']],
    ['ipv4 only, then ::1', 'listener 1883\nsocket_domain ipv4\nlistener 1883 ::1\nallow_anonymous true', [], ['listener.duplicate']],
    ['two interfaces on one port', 'listener 1883\nbind_interface lo\nlistener 1883\nbind_interface eth0\nallow_anonymous true', [], ['listener.duplicate']],
    ['per_listener_settings true after allow_anonymous', 'allow_anonymous true\nper_listener_settings true\nlistener 1883\nallow_anonymous true', ['auth.per-listener-late'], []],
    ['per_listener_settings true after check_retain_source', 'listener 1883\ncheck_retain_source true\nper_listener_settings true\nallow_anonymous true', ['auth.per-listener-late'], []],
    ['per_listener_settings true first', 'per_listener_settings true\nlistener 1883\nallow_anonymous true', [], ['auth.per-listener-late']],
    ['per_listener_settings false after allow_anonymous', 'listener 1883\nallow_anonymous true\nper_listener_settings false', [], ['auth.per-listener-late']],
    ['per_listener_settings true after a listener option only', 'listener 1883\nmax_connections 50\nper_listener_settings true\nallow_anonymous true', [], ['auth.per-listener-late']],
    ['protocol foo', 'listener 1883\nprotocol foo\nallow_anonymous true', ['option.enum'], []],
    ['socket_domain ipv7', 'listener 1883\nsocket_domain ipv7\nallow_anonymous true', ['option.enum'], []],
    ['max_qos 7', 'listener 1883\nmax_qos 7\nallow_anonymous true', ['option.enum'], []],
    ['max_qos -1', 'listener 1883\nmax_qos -1\nallow_anonymous true', ['option.enum'], []],
    ['max_qos 1', 'listener 1883\nmax_qos 1\nallow_anonymous true', [], ['option.enum']],
    ['log_dest foo', 'listener 1883\nallow_anonymous true\nlog_dest foo', ['option.enum'], []],
    ['log_dest none and file <path>', 'listener 1883\nallow_anonymous true\nlog_dest none\nlog_dest file /var/log/m.log', [], ['option.enum']],
    ['log_type foo', 'listener 1883\nallow_anonymous true\nlog_type foo', ['option.enum'], []],
    ['log_type internal (2.0.11 takes it)', 'listener 1883\nallow_anonymous true\nlog_type internal', [], ['option.enum']],
    ['start_type foo', 'listener 1883\nallow_anonymous true\nconnection b\naddress 10.0.0.1\nstart_type foo', ['option.enum'], []],
    ['bridge_protocol_version mqttv5', 'listener 1883\nallow_anonymous true\nconnection b\naddress 10.0.0.1\nbridge_protocol_version mqttv5', ['option.enum'], []],
    ['topic direction sideways', 'listener 1883\nallow_anonymous true\nconnection b\naddress 10.0.0.1\ntopic a/# sideways', ['option.enum'], []],
    ['topic direction IN (any case)', 'listener 1883\nallow_anonymous true\nconnection b\naddress 10.0.0.1\ntopic a/# IN 1', [], ['option.enum']],
    ['tls_version foo on a TLS listener', 'listener 8883\ncertfile /c\nkeyfile /k\ntls_version foo\nallow_anonymous true', ['tls.version-invalid'], ['tls.old-version']],
    ['tls_version tlsv1 on a TLS listener', 'listener 8883\ncertfile /c\nkeyfile /k\ntls_version tlsv1\nallow_anonymous true', ['tls.version-invalid'], []],
    ['tls_version foo on a plain listener (ignored)', 'listener 1883\ntls_version foo\nallow_anonymous true', [], ['tls.version-invalid']],
    ['unknown option', 'listener 1883\nallow_anonymous true\nlisten 1884', ['option.unknown'], []],
    ['bad port', 'listener 99999\nallow_anonymous true', ['option.port'], []],
    ['bad integer', 'listener 1883\nallow_anonymous true\nmax_connections lots', ['option.int'], []],
    ['auth_opt_ family is known', 'listener 1883\nallow_anonymous true\nauth_opt_db_host x', [], ['option.unknown']],
  ])('%s', (_name, conf, present, absent) => {
    const found = codes(conf);
    for (const c of present) expect(found).toContain(c);
    for (const c of absent) expect(found).not.toContain(c);
    expect(found.slice(-2)).toEqual(['check.firewall', 'check.public-address']);
  });

  test('password_file facts: missing, unreadable, empty, good', () => {
    const conf = 'listener 1883\npassword_file /p';
    expect(codes(conf, { '/p': file(null, false, null) })).toContain('passwd.missing');
    expect(codes(conf, { '/p': file('x', true, false) })).toContain('passwd.unreadable');
    expect(codes(conf, { '/p': file('\n# only a comment\n') })).toContain('passwd.empty');
    // Local-only mode: the file is still opened at start, but anonymous clients get in, so an empty one refuses nobody.
    const local = codes('password_file /p', { '/p': file('u:plain\n') });
    expect(local).toContain('passwd.line.plain');
    expect(local).not.toContain('passwd.empty');
    expect(codes('password_file /p', { '/p': file(null, false, null) })).toContain('passwd.missing');
    const good = codes(conf, { '/p': file(`${HASH7}\n`) });
    expect(good.filter((c) => c.startsWith('passwd') || c.startsWith('auth'))).toEqual([]);
  });

  test('the report is ok only without errors; errors sort first; JSON has the documented keys', () => {
    const r = judge('listener 1883\nfoo 1\nallow_anonymous true');
    expect(r.ok).toBe(false);
    expect(r.findings[0]!.severity).toBe('error');
    const json = JSON.parse(doctorJson(r, 'en'));
    expect(Object.keys(json)).toEqual(['ok', 'listeners', 'findings']);
    expect(Object.keys(json.findings[0])).toEqual(['code', 'severity', 'file', 'line', 'message', 'fix']);
    expect(json.findings[0]).toMatchObject({ code: 'option.unknown', file: 'm.conf', line: 2 });
    expect(JSON.parse(doctorJson(r, 'zh')).findings[0].message).toMatch(/未知选项/);
  });

  // The password_file (or psk_file) given in place of mosquitto.conf: each entry named by its user, its hash or key never quoted.
  test('a password_file or psk_file read as the config: its entries are findings naming the user only, text and JSON, en and zh', () => {
    const r = judge(`${HASH7}\nalice:S3cretPlainPass\nsensor1:0a1b2c3d4e5f60718293a4b5c6d7e8f9\n`);
    expect(r.findings.filter((f) => f.code === 'option.credentials').map((f) => [f.line, f.params])).toEqual([
      [1, { user: 'dev1' }],
      [2, { user: 'alice' }],
      [3, { user: 'sensor1' }],
    ]);
    for (const lang of ['en', 'zh'] as const) {
      for (const out of [renderDoctor(r, lang), doctorJson(r, lang)]) {
        for (const secret of [Buffer.alloc(64, 2).toString('base64').slice(0, 8), Buffer.alloc(12, 1).toString('base64').slice(0, 8), 'S3cretPl', '0a1b2c3d']) expect(out).not.toContain(secret);
        expect(out).toContain('alice:…');
      }
    }
  });

  test('an entry with an empty user name (":S3cretPlainPass") is not quoted either', () => {
    const r = judge(':S3cretPlainPass\n');
    expect(r.findings.filter((f) => f.code === 'option.credentials').map((f) => [f.line, f.params])).toEqual([[1, { user: '' }]]);
    for (const lang of ['en', 'zh'] as const) expect(renderDoctor(r, lang) + doctorJson(r, lang)).not.toContain('S3cretPl');
  });

  test('text output escapes control characters from the file', () => {
    const out = renderDoctor(judge('listener 1883\nfo\u001b[31mo 1\nallow_anonymous true'), 'en');
    expect(out).not.toContain('\u001b');
    expect(out).toContain('\\x1b[31m');
  });
});

describe('parsing', () => {
  test('comments, blank lines, CRLF, leading blanks and trailing blanks', () => {
    const p = parseConfig('# c\r\n\r\n   listener 1883  \r\n\tallow_anonymous true\r\n  # indented comment\n', 'x');
    expect(p.problems).toEqual([]);
    expect(p.directives.map((d) => [d.line, d.option, d.value])).toEqual([[3, 'listener', '1883'], [4, 'allow_anonymous', 'true']]);
  });

  test('a string value keeps its inner spaces', () => {
    expect(parseConfig('password_file /etc/my dir/pw', 'x').directives[0]!.value).toBe('/etc/my dir/pw');
  });

  test('include_dir order: upper case before lower case of the same letter (mosquitto.conf(5) example)', () => {
    expect(['b.conf', 'A.conf', '01.conf', 'a.conf', 'B.conf', '00.conf'].sort(includeOrder)).toEqual(['00.conf', '01.conf', 'A.conf', 'a.conf', 'B.conf', 'b.conf']);
  });

  test('hostile input: binary junk and a huge line give findings, not exceptions, in linear time', () => {
    const junk = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 256)).toString('latin1');
    const t0 = performance.now();
    const r = judge(junk + '\n' + 'x'.repeat(1 << 20));
    expect(r.findings.length).toBeGreaterThan(0);
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  test('a long run of blanks inside a line is linear (a trailing-blank regex took ~6 s at 80,000 and minutes at 1 MiB)', () => {
    const t0 = performance.now();
    const main = parseConfig(`port${' \t'.repeat(60_000)}1883 \r\n`, 'm.conf');
    expect(main.directives[0]).toMatchObject({ option: 'port', value: '1883' });
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

describe('bounded output', () => {
  test('250,000 unknown-option lines: 20 kept, one "more" line counting the rest, true totals', () => {
    const main = parseConfig('foo\n'.repeat(250_000), 'm.conf');
    expect(main.problems).toHaveLength(KEPT_PER_CODE);
    expect(main.omitted).toEqual({ 'option.unknown': 250_000 - KEPT_PER_CODE });
    const r = doctor({ main, includes: [], facts: {}, now: NOW });
    const unknown = r.findings.filter((f) => f.code === 'option.unknown');
    expect(unknown.map((f) => f.line)).toEqual(Array.from({ length: KEPT_PER_CODE }, (_, i) => i + 1));
    const more = r.findings[KEPT_PER_CODE]!;
    expect(more).toMatchObject({ code: 'more', severity: 'error', file: null, line: null, params: { n: 250_000 - KEPT_PER_CODE, of: 'option.unknown' } });
    const text = renderDoctor(r, 'en');
    expect(text.split('\n').length).toBeLessThan(100);
    expect(text).toContain(`… and ${250_000 - KEPT_PER_CODE} more findings of the same kind (option.unknown)`);
    expect(text).toContain('250000 error(s), 2 warning(s)');
    const json = JSON.parse(doctorJson(r, 'zh'));
    expect(json.findings[KEPT_PER_CODE]).toMatchObject({ code: 'more', message: expect.stringContaining(String(250_000 - KEPT_PER_CODE)), fix: null });
  });

  test('the cap counts across the main file and include_dir files, and over findings doctor itself makes', () => {
    const main = parseConfig('listener 1883\nallow_anonymous true\n' + 'foo\n'.repeat(15) + 'include_dir /d', 'm.conf');
    const inc = parseConfig('bar\n'.repeat(15), '/d/a.conf');
    const r = doctor({ main, includes: [{ directive: main.directives.at(-1)!, exists: true, files: [inc] }], facts: {}, now: NOW });
    expect(r.findings.filter((f) => f.code === 'option.unknown')).toHaveLength(KEPT_PER_CODE);
    expect(r.findings.find((f) => f.code === 'more')!.params).toEqual({ n: 10, of: 'option.unknown' });
    const dups = judge('allow_anonymous true\n' + 'listener 1883\n'.repeat(1000));
    expect(dups.findings.filter((f) => f.code === 'listener.duplicate')).toHaveLength(KEPT_PER_CODE);
    expect(dups.findings.find((f) => f.code === 'more')!.params).toEqual({ n: 999 - KEPT_PER_CODE, of: 'listener.duplicate' });
  });

  test('a few findings of a kind get no "more" line', () => {
    expect(codes('listener 1883\nallow_anonymous true\n' + 'foo\n'.repeat(KEPT_PER_CODE))).not.toContain('more');
  });

  test('the text report lists 50 listeners and counts the rest; JSON lists them all', () => {
    const r = judge('allow_anonymous true\n' + Array.from({ length: 120 }, (_, i) => `listener ${2000 + i}`).join('\n'));
    const text = renderDoctor(r, 'en');
    expect(text).toContain('… and 70 more listeners');
    expect(text).not.toContain('2050 ');
    expect(JSON.parse(doctorJson(r, 'en')).listeners).toHaveLength(120);
  });
});

describe('password_file lines', () => {
  test.each([
    ['a $7$ line from mosquitto_passwd', HASH7, []],
    ['plain text', 'u:secret', ['plain']],
    ['no colon', 'justaname', ['no-colon']],
    ['empty user', ':$7$101$x$y', ['empty-user']],
    ['$7$ with a short salt', 'u:$7$101$' + Buffer.alloc(8).toString('base64') + '$' + Buffer.alloc(64).toString('base64'), ['bad-hash']],
    ['$6$ line', 'u:$6$' + Buffer.alloc(12).toString('base64') + '$' + Buffer.alloc(64).toString('base64'), []],
    ['unknown type', 'u:$8$abc', ['bad-hash']],
  ])('%s', (_name, line, reasons) => {
    expect(checkPasswd(`${line}\n`).problems.map((p) => p.reason)).toEqual(reasons);
  });
});

describe('doctor on the command line', () => {
  test('reads stdin with -, and with no argument when stdin is not a terminal', async () => {
    const { main } = await import('../src/cli/main.js');
    const { fakeIo } = await import('./helpers/fake-io.js');
    for (const argv of [['doctor', '-', '--format', 'json'], ['doctor', '--format', 'json']]) {
      const io = fakeIo({ stdin: 'listener 1883\nallow_anonymous true\n' });
      expect(await main(argv, io.io)).toBe(0);
      expect(JSON.parse(io.stdout()).listeners).toEqual([{ port: 1883, bind: null, protocol: 'mqtt', tls: false, reachableFrom: 'all' }]);
    }
  });

  test.each([
    ['a missing file', ['doctor', '/nonexistent/mosquitto.conf'], /cannot read \/nonexistent\/mosquitto\.conf: ENOENT/],
    ['a terminal on stdin and no file', ['doctor'], /no configuration on stdin/],
    ['a bad --format', ['doctor', '-', '--format', 'yaml'], /--format/],
  ])('%s: one line on stderr, exit 2', async (_name, argv, line) => {
    const { main } = await import('../src/cli/main.js');
    const { fakeIo } = await import('./helpers/fake-io.js');
    const io = fakeIo({ stdinTTY: true });
    expect(await main(argv, io.io)).toBe(2);
    expect(io.stderr()).toMatch(line);
    expect(io.stderr().trim().split('\n')).toHaveLength(1);
  });

  test('an include_dir that does not exist is a finding with its line', async () => {
    const { runMain } = await import('./helpers/run-main.js');
    const { confDir } = await import('./helpers/mosquitto-conf.js');
    const files = confDir();
    try {
      const path = files.write('m.conf', `listener 1883\nallow_anonymous true\ninclude_dir ${files.dir}/nope\n`);
      const r = await runMain(['doctor', path, '--format', 'json']);
      expect(r.code).toBe(1);
      expect(JSON.parse(r.stdout).findings[0]).toMatchObject({ code: 'include.missing', line: 3 });
    } finally {
      files.remove();
    }
  });

  test('an enumerated value names the allowed ones and the word mosquitto reads', () => {
    const r = judge('listener 1883\nprotocol websocket extra\nallow_anonymous true');
    expect(r.findings[0]).toMatchObject({ code: 'option.enum', line: 2, params: { option: 'protocol', value: 'websocket', allowed: 'mqtt, websockets' } });
    expect(renderDoctor(r, 'en')).toContain('protocol websocket: must be one of mqtt, websockets');
  });

  test('per_listener_settings too late: the finding is on its line and names the option before it', () => {
    const r = judge('listener 1883\npassword_file /p\nallow_anonymous true\nper_listener_settings true\nper_listener_settings true');
    const late = r.findings.filter((f) => f.code === 'auth.per-listener-late');
    expect(late).toEqual([expect.objectContaining({ severity: 'error', line: 4, params: { option: 'password_file', first: 'm.conf:2' } })]);
  });

  test('a duplicate names the line of the listener it clashes with', () => {
    const r = judge('listener 1883\nallow_anonymous true\nlistener 8083\nport 1883');
    expect(r.findings.find((f) => f.code === 'listener.duplicate')).toMatchObject({ severity: 'error', line: 4, params: { port: 1883, first: 'm.conf:1' } });
    expect(r.ok).toBe(false);
  });

  test('a directory named *.conf in an include_dir is a finding (exit 1), not a usage error', async () => {
    const { runMain } = await import('./helpers/run-main.js');
    const { confDir } = await import('./helpers/mosquitto-conf.js');
    const { mkdirSync } = await import('node:fs');
    const files = confDir();
    try {
      mkdirSync(`${files.dir}/conf.d/sub.conf`, { recursive: true });
      files.write('conf.d/a.conf', 'allow_anonymous true\n');
      const path = files.write('m.conf', `listener 1883\ninclude_dir ${files.dir}/conf.d\n`);
      const r = await runMain(['doctor', path, '--format', 'json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(1);
      const report = JSON.parse(r.stdout);
      expect(report.findings[0]).toMatchObject({ code: 'include.directory', severity: 'error', line: 2 });
      // The readable file beside it still counts.
      expect(report.findings.map((f: { code: string }) => f.code)).not.toContain('auth.anonymous-refused');
    } finally {
      files.remove();
    }
  });

  test('an include_dir entry the edge could not read for another reason is a warning that it went unjudged', () => {
    const main = parseConfig('listener 1883\nallow_anonymous true\ninclude_dir /d', 'm.conf');
    const r = doctor({ main, includes: [{ directive: main.directives[2]!, exists: true, files: [], failed: [{ path: '/d/x.conf', reason: 'EACCES' }] }], facts: {}, now: NOW });
    expect(r.findings[0]).toMatchObject({ code: 'include.unreadable', severity: 'warning', line: 3, params: { path: '/d/x.conf', reason: 'EACCES' } });
    expect(r.ok).toBe(true);
  });

  test('max_connections is judged per listener', () => {
    const r = judge('listener 1883\nmax_connections 2\nlistener 1884\nallow_anonymous true');
    expect(r.findings.filter((f) => f.code === 'limits.connections').map((f) => f.line)).toEqual([2]);
  });
});
