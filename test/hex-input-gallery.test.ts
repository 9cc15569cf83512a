// The gallery of real paste forms (issue 10 item 1): every file in test/fixtures/paste/ starts with a comment saying
// where the form comes from, and decodes, through TextReader fed in small chunks as a serial port would, to the
// packets listed in expected.json, per direction. The bytes are checked by decoding them with the codec.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { TextReader, type TextSegment } from '../src/capture/text-reader.js';
import { decodeAll } from '../src/mqtt/decode.js';
import expected from './fixtures/paste/expected.json' with { type: 'json' };

const dir = new URL('./fixtures/paste/', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f !== 'expected.json')
  .sort();
type Streams = Record<string, [string, string][]>;
const table = expected.files as unknown as Record<string, Streams>;

function read(text: string, chunk: number): TextSegment[] {
  const reader = new TextReader();
  const out: TextSegment[] = [];
  for (let at = 0; at < text.length; at += chunk) out.push(...reader.push(text.slice(at, at + chunk)));
  out.push(...reader.end());
  return out;
}

/** Each direction's bytes in order, decoded into [type, hex] per packet; a tail that is not a whole packet fails. */
function packets(segments: TextSegment[]): Streams {
  const streams = new Map<string, Uint8Array[]>();
  for (const s of segments) {
    const key = s.direction ?? 'undirected';
    streams.set(key, [...(streams.get(key) ?? []), s.bytes]);
  }
  const out: Streams = {};
  for (const [key, parts] of streams) {
    const bytes = Buffer.concat(parts);
    const decoded = decodeAll(bytes);
    expect(decoded.rest.length, `${key}: bytes left after the last packet`).toBe(0);
    out[key] = decoded.frames.map((f, i): [string, string] => [decoded.packets[i]!.cmd, bytes.subarray(f.offset, f.offset + f.length).toString('hex')]);
  }
  return out;
}

describe('paste gallery', () => {
  test('every file is in expected.json and every entry has its file', () => {
    expect(Object.keys(table).sort()).toEqual(files);
  });

  test.each(files)('%s', (file) => {
    const text = readFileSync(new URL(file, dir), 'utf8');
    // The first line names the source of the form.
    expect(text.split('\n', 1)[0]).toMatch(/^(#|\/\/|\/\*)/);
    const whole = packets(read(text, text.length));
    expect(whole).toEqual(table[file]);
    // Fed 7 characters at a time (a slow serial port), the same packets come out.
    expect(packets(read(text, 7))).toEqual(whole);
  });
});
