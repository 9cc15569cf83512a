// The text catalogue: every area speaks both languages, and no area silently overwrites another's sentence.
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { catalogues, fill, hint, message } from '../src/messages.js';

const dir = resolve(import.meta.dirname, '../src/messages');
const areas = await Promise.all(
  readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
    .sort()
    .map(async (f) => [f.replace(/\.ts$/, ''), (await import(`../src/messages/${f.replace(/\.ts$/, '.js')}`)) as { en: Record<string, string>; zh: Record<string, string> }] as const),
);

describe('catalogue', () => {
  test.each(areas)('%s has the same keys in en and zh, none empty', (_name, area) => {
    expect(Object.keys(area.zh).sort()).toEqual(Object.keys(area.en).sort());
    for (const [key, text] of [...Object.entries(area.en), ...Object.entries(area.zh)]) expect(text.trim(), key).not.toBe('');
  });

  test('no key is defined by two areas', () => {
    const owner = new Map<string, string>();
    for (const [name, area] of areas) {
      for (const key of Object.keys(area.en)) {
        expect(owner.get(key), `${key} in ${name} and ${owner.get(key)}`).toBeUndefined();
        owner.set(key, name);
      }
    }
    expect(Object.keys(catalogues.en)).toHaveLength(owner.size);
  });

  test('a template uses the same placeholders in both languages', () => {
    const names = (t: string) => [...t.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [key, en] of Object.entries(catalogues.en)) expect(names(catalogues.zh[key]!), key).toEqual(names(en));
  });

  test('fill, message and hint', () => {
    expect(fill('{a} and {b}', { a: 1 })).toBe('1 and {b}');
    expect(message('no.such.code')).toBe('no.such.code');
    const code = Object.keys(catalogues.en).find((k) => catalogues.en[`${k}.hint`] !== undefined)!;
    expect(hint(code, {}, 'zh')).toBe(fill(catalogues.zh[`${code}.hint`]!, {}));
    expect(hint('no.such.code')).toBeUndefined();
  });
});

test('fill replaces {word} placeholders exactly as /\\{(\\w+)\\}/g would, on any template and params', () => {
  const byRegex = (template: string, params: Record<string, string | number | null | undefined>): string =>
    template.replace(/\{(\w+)\}/g, (whole, key: string) => {
      const value = params[key];
      return value === undefined || value === null ? whole : String(value);
    });
  const piece = fc.oneof(fc.constantFrom('{', '}', '{a}', '{b_1}', '{}', '{a b}', '{{a}}', '{ä}', 'a', ' ', '\n', '$&', '{c}'), fc.string({ maxLength: 4 }));
  const params = fc.record({ a: fc.oneof(fc.string(), fc.integer(), fc.constant(null)), b_1: fc.string(), c: fc.constant(undefined) }, { requiredKeys: [] });
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 12 }), params, (pieces, values) => {
      const template = pieces.join('');
      expect(fill(template, values)).toBe(byRegex(template, values));
    }),
    { numRuns: 2000 },
  );
});
