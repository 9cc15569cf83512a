/**
 * The text catalogue: every sentence a user reads, keyed by code, in English and Chinese.
 * Each area keeps its own entries in src/messages/<area>.ts; this file only merges them.
 * Templates use {name} placeholders filled from an error's or report's params.
 * A key `<code>.hint` holds the optional one-line fix shown after the message.
 */
import * as codec from './messages/codec.js';
import * as platforms from './messages/platforms.js';
import * as format from './messages/format.js';
import * as capture from './messages/capture.js';
import * as probe from './messages/probe.js';
import * as cli from './messages/cli.js';
import * as pipeline from './messages/pipeline.js';
import * as decoder from './messages/decoder.js';
import * as firmware from './messages/firmware.js';
import * as replies from './messages/replies.js';
import * as fields from './messages/fields.js';
import * as payload from './messages/payload.js';
import * as modems from './messages/modems.js';
import * as doctor from './messages/doctor.js';
import * as signing from './messages/signing.js';
import * as paste from './messages/paste.js';
import * as apps from './messages/apps.js';
import * as secrets from './messages/secrets.js';
import * as summary from './messages/summary.js';

export type Lang = 'en' | 'zh';
export type Params = Readonly<Record<string, string | number | boolean | null | undefined>>;
export type Catalogue = Readonly<Record<string, string>>;

const areas = [codec, platforms, format, capture, probe, cli, pipeline, decoder, firmware, replies, fields, payload, modems, doctor, signing, paste, apps, secrets, summary];

const merged: Partial<Record<Lang, Catalogue>> = {};

/** One language's catalogue, merged from the areas on first use: a run reads one language, so it merges only that one. */
function merge(lang: Lang): Catalogue {
  return (merged[lang] ??= Object.assign({}, ...areas.map((a) => a[lang])) as Catalogue);
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
