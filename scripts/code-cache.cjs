// Run by scripts/bundle.mjs: compiles the bundle exactly as bin/mqtt-sign.js does, runs the CLI for each argv given
// (output discarded by the caller), then writes V8's code cache for everything those runs compiled.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { bundle, cacheKey, loadBundle } = require('../bin/mqtt-sign.js');

// The cache is named by bin's own key (bundle, Node build, architecture, V8 flags) as this process computes it.
const [build, runs] = process.argv.slice(2);
const file = join(bundle, '..', `cli.${cacheKey(build)}.cache`);
const { exports: cli, script } = loadBundle(readFileSync(bundle, 'utf8'));

(async () => {
  for (const argv of JSON.parse(runs)) {
    const code = await cli.main(argv);
    if (code !== 0) throw new Error(`mqtt-sign ${argv.join(' ')} exited ${code}`);
  }
  writeFileSync(file, script.createCachedData());
})();
