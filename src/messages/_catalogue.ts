/**
 * One language's catalogue, merged from every area. Private: src/messages.ts asks for it on first use. The CLI bundle
 * (scripts/bundle.mjs) replaces this file by one that reads the language's prebuilt catalogue, so a run neither loads
 * nor compiles the other language and the areas' source.
 */
import type { Catalogue, Lang } from '../messages.js';
import * as codec from './codec.js';
import * as platforms from './platforms.js';
import * as format from './format.js';
import * as capture from './capture.js';
import * as probe from './probe.js';
import * as cli from './cli.js';
import * as pipeline from './pipeline.js';
import * as decoder from './decoder.js';
import * as firmware from './firmware.js';
import * as replies from './replies.js';
import * as fields from './fields.js';
import * as payload from './payload.js';
import * as modems from './modems.js';
import * as doctor from './doctor.js';
import * as signing from './signing.js';
import * as paste from './paste.js';
import * as apps from './apps.js';
import * as secrets from './secrets.js';
import * as summary from './summary.js';

const areas = [codec, platforms, format, capture, probe, cli, pipeline, decoder, firmware, replies, fields, payload, modems, doctor, signing, paste, apps, secrets, summary];

export function catalogue(lang: Lang): Catalogue {
  return Object.assign({}, ...areas.map((a) => a[lang])) as Catalogue;
}
