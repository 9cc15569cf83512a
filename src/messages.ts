/**
 * The text catalogue: every sentence a user reads, keyed by code, in English and Chinese.
 * Each area keeps its own entries in src/messages/<area>.ts; src/messages/_catalogue.ts merges them.
 * Templates use {name} placeholders filled from an error's or report's params.
 * A key `<code>.hint` holds the optional one-line fix shown after the message.
 */
import { catalogue } from './messages/_catalogue.js';

export type Lang = 'en' | 'zh';
export type Params = Readonly<Record<string, string | number | boolean | null | undefined>>;
export type Catalogue = Readonly<Record<string, string>>;

const merged: Partial<Record<Lang, Catalogue>> = {};

/** One language's catalogue, made on first use: a run reads one language, so it makes only that one. */
function merge(lang: Lang): Catalogue {
  return (merged[lang] ??= catalogue(lang));
}

export const catalogues: Readonly<Record<Lang, Catalogue>> = {
  get en() {
    return merge('en');
  },
  get zh() {
    return merge('zh');
  },
};

/** Fill a template's {placeholders}; an unknown placeholder stays visible rather than vanishing. */
export function fill(template: string, params: Params = {}): string {
  // By hand rather than /\{(\w+)\}/g: every run formats a few messages, and a regular expression costs its first use
  // a compilation (~50 µs). test/messages.test.ts holds it to that expression on any template.
  let out = '';
  let from = 0;
  for (let open = template.indexOf('{'); open >= 0; open = template.indexOf('{', open + 1)) {
    let end = open + 1;
    while (end < template.length && isWordChar(template.charCodeAt(end))) end++;
    if (end === open + 1 || template[end] !== '}') continue;
    const value = params[template.slice(open + 1, end)];
    if (value === undefined || value === null) continue;
    out += template.slice(from, open) + String(value);
    from = end + 1;
    open = end;
  }
  return from === 0 ? template : out + template.slice(from);
}

/** \w: [A-Za-z0-9_]. */
function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** The sentence for `code` in `lang`, falling back to English, then to the code itself. */
export function message(code: string, params: Params = {}, lang: Lang = 'en'): string {
  const template = catalogues[lang][code] ?? catalogues.en[code] ?? code;
  return fill(template, params);
}

/** The optional hint for `code`, or undefined when the catalogue has none. */
export function hint(code: string, params: Params = {}, lang: Lang = 'en'): string | undefined {
  const key = `${code}.hint`;
  const template = catalogues[lang][key] ?? catalogues.en[key];
  return template === undefined ? undefined : fill(template, params);
}
