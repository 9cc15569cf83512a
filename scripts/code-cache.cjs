// Run by scripts/bundle.mjs: loads the bundle's chunks exactly as bin/mqtt-sign.js does, runs the CLI for each command
// line given (output discarded by the caller), then writes V8's code cache for each file the runs loaded that has none
// yet: what the runs compiled. With `rest`, every other file is loaded too (its top level is then what is cached).
// bundle.mjs runs one process per command line first, then one for all of them with cli.cjs and the rest: a chunk that
// two files carry is compiled in the file that defined it first in a process, so each lazy file gets its cache from a
// process where it was the one that ran its chunks.
'use strict';
const { existsSync, readdirSync, writeFileSync } = require('node:fs');
const { cacheFile, cacheKey, chunkLoader, dir } = require('../bin/mqtt-sign.js');

// `runs`: [{ argv, terminal? }], terminal: as on a colour terminal (both streams a TTY: chalk, the coloured table);
// this process's own output is not one. `withCli`: write cli.cjs's cache too (else only the lazy files').
const [build, json] = process.argv.slice(2);
const { runs, withCli = false, rest = false } = JSON.parse(json);
// Each cache is named by bin's own key (build, Node build, architecture, V8 flags) as this process computes it.
const key = cacheKey(build);
const { load, loaded } = chunkLoader();
// V8 may drop the bytecode of functions that have not run for a few collections (bytecode flushing), so what an early
// run compiled could be missing from the cache after the later runs. Not while the runs go; the flag is restored before
// the caches are written, since a cache carries a hash of V8's flags and is refused by a run with other flags.
const v8 = require('node:v8');
const flags = v8.cachedDataVersionTag();
v8.setFlagsFromString('--no-flush-bytecode');

const terminal = { write: (_chunk, done) => done?.(), isTTY: true, columns: 100, closed: false, ready: async () => {}, flush: async () => {} };
const terminalIo = { stdout: terminal, stderr: terminal, stdinIsTTY: false, env: {}, now: () => Date.now(), randomBytes: (n) => new Uint8Array(n) };

(async () => {
  const cli = load('cli.cjs');
  for (const { argv, terminal: onTerminal } of runs) {
    const code = await cli.main(argv, ...(onTerminal ? [terminalIo] : []));
    if (code !== 0) throw new Error(`mqtt-sign ${argv.join(' ')}${onTerminal ? ' on a terminal' : ''} exited ${code}`);
  }
  if (rest) for (const name of readdirSync(dir).filter((f) => f.endsWith('.cjs'))) load(name);
  v8.setFlagsFromString('--flush-bytecode');
  if (v8.cachedDataVersionTag() !== flags) throw new Error('V8 flags not restored: the caches would be refused');
  for (const [name, { script }] of loaded) {
    const file = cacheFile(dir, name, key);
    if ((name === 'cli.cjs' && !withCli) || (name !== 'cli.cjs' && existsSync(file))) continue;
    writeFileSync(file, script.createCachedData());
  }
})();
