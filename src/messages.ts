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
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const value = params[key];
    return value === undefined || value === null ? whole : String(value);
  });
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
