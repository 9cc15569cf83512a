// The annotated table: rendered from decode()'s fields, one row per field and per flag bit.
import { describe, expect, test } from 'vitest';
import { DecodeError } from '../src/errors.js';
import { renderTable } from '../src/format/table.js';
import type { Paint } from '../src/format/types.js';
import { encode } from '../src/mqtt/encode.js';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

describe('renderTable', () => {
  test('CONNECT with username and password (the ThingsBoard worked example of PLATFORMS.md §1)', () => {
    const bytes = hex('10 23 00 04 4D 51 54 54 04 82 00 3C 00 08 65 73 70 33 32 2D 30 31 00 0D 41 31 5F 54 45 53 54 5F 54 4F 4B 45 4E');
    expect(renderTable(bytes)).toMatchInlineSnapshot(`
      "offset  bytes                    field                     value
           0  10                       Packet Type               "CONNECT"
              0001 ....                  Packet Type             1
              .... 0000                  Reserved                0
           1  23                       Remaining Length          35
           2  00 04                    Protocol Name Length      4
           4  4D 51 54 54              Protocol Name             "MQTT"
           8  04                       Protocol Level            4
           9  82                       Connect Flags             130
              1... ....                  User Name Flag          1
              .0.. ....                  Password Flag           0
              ..0. ....                  Will Retain             0
              ...0 0...                  Will QoS                0
              .... .0..                  Will Flag               0
              .... ..1.                  Clean Session           1
              .... ...0                  Reserved                0
          10  00 3C                    Keep Alive                60
          12  00 08                    Client Identifier Length  8
          14  65 73 70 33 32 2D 30 31  Client Identifier         "esp32-01"
          22  00 0D                    User Name Length          13
          24  41 31 5F 54 45 53 54 5F  User Name                 "A1_TEST_TOKEN"
              54 4F 4B 45 4E
      "
    `);
  });

  test('a 5.0 PUBLISH with properties and a binary payload', () => {
    const bytes = encode(
      { cmd: 'publish', topic: 'a/b', qos: 1, messageId: 10, retain: true, payload: Uint8Array.of(0, 1, 2, 0xff), properties: { contentType: 'x', userProperties: { k: 'v' } } },
      { protocolVersion: 5 },
    );
    expect(renderTable(bytes, { protocolVersion: 5 })).toMatchInlineSnapshot(`
      "offset  bytes        field                       value
           0  33           Packet Type                 "PUBLISH"
              0011 ....      Packet Type               3
              .... 0...      DUP                       0
              .... .01.      QoS                       1
              .... ...1      RETAIN                    1
           1  17           Remaining Length            23
           2  00 03        Topic Name Length           3
           4  61 2F 62     Topic Name                  "a/b"
           7  00 0A        Packet Identifier           10
           9  0B           Property Length             11
          10  03           Property Identifier         "Content Type"
          11  00 01        Content Type Length         1
          13  78           Content Type                "x"
          14  26           Property Identifier         "User Property"
          15  00 01        User Property Name Length   1
          17  6B           User Property Name          "k"
          18  00 01        User Property Value Length  1
          20  76           User Property Value         "v"
          21  00 01 02 FF  Payload                     4 bytes
      "
    `);
  });

  test('a long payload is shown in part, and says how much more there is', () => {
    const bytes = encode({ cmd: 'publish', topic: 't', payload: 'x'.repeat(1000) });
    const out = renderTable(bytes);
    expect(out).toContain('… 872 more bytes');
    expect(out.split('\n').length).toBeLessThan(30);
  });

  test('headers in Chinese, aligned by display width', () => {
    const out = renderTable(hex('c0 00'), { lang: 'zh' });
    expect(out.split('\n')[0]).toBe('偏移  字节       字段                       值');
    // "剩余长度 Remaining Length" is 25 columns wide: the 4 CJK characters count two each.
    expect(out.split('\n')[4]).toBe('   1  00         剩余长度 Remaining Length  0');
  });

  test('paint is applied to field names and dims offsets', () => {
    const tag = (name: string) => (t: string) => `<${name}>${t}</${name}>`;
    const paint: Paint = { error: tag('e'), warn: tag('w'), ok: tag('o'), dim: tag('d'), field: tag('f') };
    const out = renderTable(hex('e0 00'), { paint });
    expect(out).toContain('<f>Packet Type     </f>');
    expect(out).toContain('<d>     0</d>');
  });

  test('bytes that are not one valid packet throw the decoder error', () => {
    expect(() => renderTable(hex('10 0c 00 04'))).toThrow(DecodeError);
    expect(() => renderTable(hex('c0 00 c0 00'))).toThrow(DecodeError);
  });
});
