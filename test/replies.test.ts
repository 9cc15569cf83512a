// Every reply code explained (issue #10 item 2): the spec's name and a one-line meaning in en and zh for every
// code of every packet that carries one, in 3.1.1 and 5.0, through decode's table and JSON; what a platform
// means by a code with --platform; and the spec field names in Chinese (item 3).
import { describe, expect, test } from 'vitest';
import { main } from '../src/cli/main.js';
import { catalogues, hint, message, type Lang } from '../src/messages.js';
import { connackReturnCodes, packetReasonCodes, subackReturnCodes, type ReasonCmd } from '../src/mqtt/constants.js';
import { decode } from '../src/mqtt/decode.js';
import { encode } from '../src/mqtt/encode.js';
import { explainReply, replyPlatforms } from '../src/mqtt/replies.js';
import type { Packet, ProtocolVersion } from '../src/mqtt/types.js';
import { fieldLabel } from '../src/format/table.js';
import fixtures from './fixtures/mqtt-packet-fixtures.json' with { type: 'json' };
import { fakeIo } from './helpers/fake-io.js';

/** A packet of `cmd` carrying `code` in its code field. */
function packetWith(cmd: ReasonCmd, code: number, version: ProtocolVersion): Packet {
  switch (cmd) {
    case 'connack':
      return version === 5 ? { cmd, sessionPresent: false, reasonCode: code } : { cmd, sessionPresent: false, returnCode: code };
    case 'suback':
      return { cmd, messageId: 1, granted: [code] };
    case 'unsuback':
      return { cmd, messageId: 1, granted: [code] };
    case 'disconnect':
      return { cmd, reasonCode: code };
    case 'auth':
      // An AUTH carries its Authentication Method (5.0 §3.15.2.2.2); a bare Success would be f0 00, with no code byte.
      return { cmd, reasonCode: code, properties: { authenticationMethod: 'SCRAM-SHA-1' } };
    default:
      // A reason string keeps the code byte: an acknowledgement of Success alone is sent in the short form.
      return { cmd, messageId: 1, reasonCode: code, properties: { reasonString: 'r' } };
  }
}

const rows = [
  ...Object.keys(connackReturnCodes).map((c) => ({ cmd: 'connack' as ReasonCmd, version: 4 as ProtocolVersion, code: Number(c), name: connackReturnCodes[Number(c)]! })),
  ...Object.keys(subackReturnCodes).map((c) => ({ cmd: 'suback' as ReasonCmd, version: 4 as ProtocolVersion, code: Number(c), name: subackReturnCodes[Number(c)]! })),
  ...(Object.keys(packetReasonCodes) as ReasonCmd[]).flatMap((cmd) =>
    Object.entries(packetReasonCodes[cmd]).map(([c, name]) => ({ cmd, version: 5 as ProtocolVersion, code: Number(c), name })),
  ),
];

async function run(args: string[]) {
  const f = fakeIo();
  const code = await main(args, f.io);
  return { code, out: f.stdout(), err: f.stderr() };
}

const CJK = /[\u4e00-\u9fff]/;

describe.each(rows)('MQTT $version $cmd code $code ($name)', ({ cmd, version, code, name }) => {
  const hex = Buffer.from(encode(packetWith(cmd, code, version), { protocolVersion: version })).toString('hex').replace(/..(?=.)/g, '$& ');
  const protocol = version === 5 ? '5' : '3.1.1';

  test('explained in en and zh: the spec name and a meaning of its own', () => {
    const en = explainReply(cmd, version, code, 'en');
    const zh = explainReply(cmd, version, code, 'zh');
    expect(en).toMatchObject({ code, name, platformMeaning: null });
    expect(zh.name).toBe(name);
    expect(en.meaning).not.toBe(message('reply.unknown', { code, packet: cmd.toUpperCase(), version: '' }));
    expect(en.meaning).not.toMatch(CJK);
    expect(zh.meaning).toMatch(CJK);
    expect(en.meaning.length).toBeGreaterThan(8);
  });

  test.each(['en', 'zh'] as Lang[])('decode --lang %s: the table row and the JSON field carry it', async (lang) => {
    const meaning = explainReply(cmd, version, code, lang);
    const table = await run(['--lang', lang, 'decode', hex, '--protocol', protocol]);
    expect(table.err).toBe('');
    const row = table.out.split('\n').find((l) => / (Return|Reason) Code /.test(l));
    expect(row).toBeDefined();
    expect(row).toContain(name);
    expect(row).toContain(meaning.meaning);
    const json = await run(['--lang', lang, 'decode', hex, '--protocol', protocol, '--format', 'json']);
    const fields = (JSON.parse(json.out) as { packets: { fields: { name: string; meaning?: unknown }[] }[] }).packets[0]!.fields;
    expect(fields.filter((f) => f.meaning !== undefined)).toEqual([expect.objectContaining({ meaning: { code, name, meaning: meaning.meaning, platformMeaning: null } })]);
  });
});

describe('what a platform means by a code (--platform)', () => {
  test('CONNACK 5 on Aliyun: the platform sentence and its fix, in the table and in JSON', async () => {
    const expected = `${message('reply.connack.aliyun.5')} (fix: ${hint('reply.connack.aliyun.5')})`;
    const table = await run(['decode', '20 02 00 05', '--platform', 'aliyun']);
    expect(table.out).toContain(`aliyun CONNACK 5: ${expected}`);
    const json = await run(['decode', '20 02 00 05', '--platform', 'aliyun', '--format', 'json']);
    expect(json.out).toContain(JSON.stringify({ code: 5, name: 'Connection Refused, not authorized', meaning: message('reply.v3.connack.5'), platformMeaning: expected }));
  });

  test('an MQTT 5 reason code is read as the 3.1.1 code it stands for (0x87 → Huawei 5), in zh', async () => {
    const r = await run(['--lang', 'zh', 'decode', '20 03 00 87 00', '--protocol', '5', '--platform', 'huawei']);
    expect(r.out).toContain(message('reply.connack.huawei.5', {}, 'zh'));
  });

  test('without --platform nothing platform-specific is said', async () => {
    const r = await run(['decode', '20 02 00 05', '--format', 'json']);
    expect(r.out).toContain('"platformMeaning":null');
    expect((await run(['decode', '20 02 00 05'])).out).not.toContain('aliyun');
  });

  test('Tencent SUBACK 0x80: a system topic without its $', () => {
    expect(explainReply('suback', 4, 0x80, 'en', 'tencent').platformMeaning).toContain('leading $');
  });

  test('a success code has no platform meaning', () => {
    for (const platform of replyPlatforms) expect(explainReply('connack', 4, 0, 'en', platform).platformMeaning).toBeNull();
  });

  test.each([
    ['tencent', 4],
    ['tencent', 5],
    ['baidu', 4],
    ['baidu', 5],
    ['onenet', 4],
    ['onenet', 5],
    ['huawei', 5],
  ])('%s CONNACK %i is marked unverified (PLATFORMS.md says so)', (platform, code) => {
    expect(explainReply('connack', 4, code, 'en', platform).platformMeaning).toMatch(/unverified/);
    expect(explainReply('connack', 4, code, 'zh', platform).platformMeaning).toContain('未经证实');
  });

  test('an unknown --platform is a usage error naming the choices', async () => {
    const r = await run(['decode', '20 02 00 05', '--platform', 'nonesuch']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('aliyun');
  });
});

describe('field names in the user language (--lang zh)', () => {
  const names = new Set<string>();
  for (const fx of fixtures as { bytes: string | null }[]) {
    if (typeof fx.bytes !== 'string') continue;
    for (const version of [3, 4, 5] as const) {
      try {
        for (const f of decode(Uint8Array.from(Buffer.from(fx.bytes, 'hex')), { protocolVersion: version }).fields) {
          names.add(f.name);
          for (const b of f.bits ?? []) names.add(b.name);
        }
      } catch {
        // a fixture of another version, or an error vector
      }
    }
  }

  test('the fixtures give the decoder a full set of names', () => {
    expect(names.size).toBeGreaterThan(60);
  });

  test.each([...names].sort())('%s has a Chinese name beside it', (name) => {
    const label = fieldLabel(name, 'zh');
    expect(label.endsWith(` ${name}`)).toBe(true);
    expect(label).toMatch(CJK);
    expect(fieldLabel(name, 'en')).toBe(name);
  });

  test('the seed table terms', async () => {
    const r = await run(['--lang', 'zh', 'decode', '10 23 00 04 4D 51 54 54 04 82 00 3C 00 08 65 73 70 33 32 2D 30 31 00 0D 41 31 5F 54 45 53 54 5F 54 4F 4B 45 4E']);
    for (const term of ['剩余长度 Remaining Length', '协议名 Protocol Name', '连接标志 Connect Flags', '保活时间 Keep Alive', '客户端标识符 Client Identifier', '用户名 User Name']) {
      expect(r.out).toContain(term);
    }
  });

  test('every field entry has both languages', () => {
    const keys = Object.keys(catalogues.en).filter((k) => k.startsWith('field.'));
    for (const k of keys) expect(catalogues.zh[k], k).toBeTruthy();
  });
});
