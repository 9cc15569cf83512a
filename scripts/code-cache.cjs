// Run by scripts/bundle.mjs: loads the bundle's chunks exactly as bin/mqtt-sign.js does, runs the CLI for each argv
// given (output discarded by the caller), loads every chunk no run needed, then writes V8's code cache for each chunk:
// what the runs compiled, or the chunk's top level.
'use strict';
const { readdirSync, writeFileSync } = require('node:fs');
const { cacheFile, cacheKey, chunkLoader, dir } = require('../bin/mqtt-sign.js');

// Each cache is named by bin's own key (build, Node build, architecture, V8 flags) as this process computes it.
const [build, runs] = process.argv.slice(2);
const key = cacheKey(build);
const { load, loaded } = chunkLoader();
// V8 drops the bytecode of functions that have not run for a few collections; the decode example's collections would
// drop what the signing example compiled, and the cache would miss it. Not while the runs go; the flag is restored
// before the caches are written, since a cache carries a hash of V8's flags and is refused by a run with other flags.
const v8 = require('node:v8');
const flags = v8.cachedDataVersionTag();
v8.setFlagsFromString('--no-flush-bytecode');

(async () => {
  const cli = load('cli.cjs');
  for (const argv of JSON.parse(runs)) {
    const code = await cli.main(argv);
    if (code !== 0) throw new Error(`mqtt-sign ${argv.join(' ')} exited ${code}`);
  }
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.cjs'))) load(name);
  v8.setFlagsFromString('--flush-bytecode');
  if (v8.cachedDataVersionTag() !== flags) throw new Error('V8 flags not restored: the caches would be refused');
  for (const [name, { script }] of loaded) writeFileSync(cacheFile(dir, name, key), script.createCachedData());
})();
