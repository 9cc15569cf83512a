// Strictness: encode never emits invalid bytes and decode refuses malformed input, each with one typed error
// whose code, field, offset and spec rule are the row's (test/fixtures/mqtt-encode-errors.json and
// mqtt-decode-errors.json). Every message renders completely in English and Chinese. Then the edges that are
// valid, so strictness does not overreach.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { DecodeError, EncodeError, type MqttSignError } from '../src/errors.js';
import { catalogues } from '../src/messages.js';
import { connackReturnCodes, decode, encode, packetReasonCodes, reasonCodes } from '../src/mqtt/index.js';
import type { Packet, ProtocolVersion } from '../src/mqtt/types.js';
import { hex, revive, unhex } from './helpers/mqtt-codec.js';

interface EncodeRow {
  name: string;
  version: ProtocolVersion;
  packet: Record<string, unknown>;
  code: string;
  field: string;
  rule?: string;
}

interface DecodeRow extends Omit<EncodeRow, 'packet'> {
  hex: string;
  offset: number;
}

const load = <T>(name: string) => (JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as { vectors: T[] }).vectors;
const encodeRows = load<EncodeRow>('mqtt-encode-errors.json');
const decodeRows = load<DecodeRow>('mqtt-decode-errors.json');

function thrown(run: () => unknown): MqttSignError {
  try {
    run();
  } catch (error) {
    return error as MqttSignError;
  }
  throw new Error('nothing was thrown');
}

/** The message and hint in both languages leave no {placeholder} unfilled. */
function expectRendered(error: MqttSignError): void {
  for (const lang of ['en', 'zh'] as const) {
    expect(catalogues[lang][error.code], `${lang} ${error.code}`).toBeDefined();
    const { message, hint } = error.localized(lang);
    expect(message, lang).not.toMatch(/\{\w+\}/);
    if (hint !== undefined) expect(hint, lang).not.toMatch(/\{\w+\}/);
  }
}

describe('encode refuses', () => {
  test.each(encodeRows)('$name', (row) => {
    const error = thrown(() => encode(revive(row.packet) as Packet, { protocolVersion: row.version }));
    expect(error).toBeInstanceOf(EncodeError);
    expect({ code: error.code, field: (error as EncodeError).field }).toEqual({ code: row.code, field: row.field });
    if (row.rule) expect((error as EncodeError).rule).toBe(row.rule);
    expectRendered(error);
  });
});

describe('decode refuses', () => {
  test.each(decodeRows)('$name', (row) => {
    const error = thrown(() => decode(unhex(row.hex), { protocolVersion: row.version }));
    expect(error).toBeInstanceOf(DecodeError);
    const { code, field, offset } = error as DecodeError;
    expect({ code, field, offset }).toEqual({ code: row.code, field: row.field, offset: row.offset });
    if (row.rule) expect((error as DecodeError).rule).toBe(row.rule);
    expect(error.message).toContain(`byte ${row.offset}`);
    expectRendered(error);
  });
});

describe('valid at the edge', () => {
  test.each<[string, ProtocolVersion, Packet, string]>([
    ['keepalive 65535', 4, { cmd: 'connect', clientId: 'c', keepalive: 65535 }, '100d00044d5154540402ffff000163'],
    ['an empty client id with a clean session', 4, { cmd: 'connect', clientId: '' }, '100c00044d515454040200000000'],
    ['a 5.0 password without a user name', 5, { cmd: 'connect', protocolVersion: 5, clientId: 'c', password: new Uint8Array([0x70]) }, '101100044d5154540542000000000163000170'],
    ['a 5.0 empty topic that a Topic Alias stands for', 5, { cmd: 'publish', topic: '', payload: new Uint8Array([0x78]), properties: { topicAlias: 1 } }, '3007000003230001' + '78'],
    ['packet identifier 65535', 4, { cmd: 'puback', messageId: 65535 }, '4002ffff'],
    ['a topic filter that is only #', 4, { cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: '#', qos: 2 }] }, '82060001000123' + '02'],
    // The one AUTH without an Authentication Method (§3.15.2.1 lets it drop even its Property Length: f0 00 decodes the same).
    ['a 5.0 AUTH Success without properties', 5, { cmd: 'auth', reasonCode: 0 }, 'f0020000'],
    ['a 5.0 AUTH with only its Authentication Method', 5, { cmd: 'auth', reasonCode: 0x18, properties: { authenticationMethod: 'm' } }, 'f0061804150001' + '6d'],
    ['a BOM kept at the start of a topic', 4, { cmd: 'publish', topic: '\u{FEFF}t', payload: new Uint8Array() }, '30060004efbbbf74'],
  ])('%s', (_name, version, packet, bytes) => {
    const opts = { protocolVersion: version };
    expect(hex(encode(packet, opts))).toBe(bytes);
    expect(decode(unhex(bytes), opts).packet).toMatchObject(packet);
  });

  test('a client id of 65,535 bytes is the longest', () => {
    const clientId = 'a'.repeat(65535);
    const bytes = encode({ cmd: 'connect', clientId });
    // Fixed header 1 + Remaining Length 3, variable header 10, client id 2 + 65,535.
    expect(bytes.length).toBe(1 + 3 + 10 + 2 + 65535);
    expect(decode(bytes).packet).toMatchObject({ clientId });
  });
});

describe('code tables', () => {
  test('3.1.1 CONNACK return codes 0–5', () => {
    expect(Object.keys(connackReturnCodes)).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(connackReturnCodes[5]).toBe('Connection Refused, not authorized');
  });

  test('5.0 reason codes by packet name the spec says', () => {
    expect(packetReasonCodes.connack[0x87]).toBe('Not authorized');
    expect(packetReasonCodes.disconnect[0x00]).toBe('Normal disconnection');
    expect(packetReasonCodes.suback[0x00]).toBe('Granted QoS 0');
    expect(reasonCodes[0x86]).toBe('Bad User Name or Password');
    for (const table of Object.values(packetReasonCodes)) {
      for (const code of Object.keys(table)) expect(reasonCodes[Number(code)], code).toBeDefined();
    }
  });

  test('the codec catalogue has the same keys in English and Chinese', async () => {
    const codec = await import('../src/messages/codec.js');
    expect(Object.keys(codec.zh).sort()).toEqual(Object.keys(codec.en).sort());
  });
});
