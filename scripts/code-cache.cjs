// Run by scripts/bundle.mjs: loads the bundle's chunks exactly as bin/mqtt-sign.js does and runs the CLI for each
// command line given (output discarded by the caller). Then it either reports which files the runs loaded (as JSON on
// fd 3: no `write`) or writes V8's code cache for each file in `write`: what the runs compiled in it. The files in
// `rest` are loaded after the runs, in that order (for files no run loads, whose cache is then their top level).
'use strict';
const { writeFileSync, writeSync } = require('node:fs');
const { cacheFile, cacheKey, chunkLoader, dir, entryFile } = require('../bin/mqtt-sign.js');

// `runs`: [{ argv, terminal? }], terminal: as on a colour terminal (both streams a TTY: chalk, the coloured table);
// this process's own output is not one.
const [build, json] = process.argv.slice(2);
// `profile`: the cache profile the written entry file's cache is for (bin/mqtt-sign.js, cacheProfile).
const { runs = [], write, rest = [], profile } = JSON.parse(json);
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
  for (const { argv, terminal: onTerminal } of runs) {
    // The file bin would run first for this command line.
    const code = await load(entryFile(argv)).main(argv, ...(onTerminal ? [terminalIo] : []));
    if (code !== 0) throw new Error(`mqtt-sign ${argv.join(' ')}${onTerminal ? ' on a terminal' : ''} exited ${code}`);
  }
  // From its own file even when a root carries it (scripts/bundle.mjs, CARRIED): that file's cache is being made.
  for (const name of rest) load(name, true);
  v8.setFlagsFromString('--flush-bytecode');
  if (v8.cachedDataVersionTag() !== flags) throw new Error('V8 flags not restored: the caches would be refused');
  if (write === undefined) return writeSync(3, JSON.stringify([...loaded.keys()]));
  for (const name of write) {
    const file = loaded.get(name);
    if (file === undefined) throw new Error(`${name} was not loaded: no cache to write`);
    writeFileSync(cacheFile(dir, name, key, name === 'cli.cjs' ? profile : undefined), file.script.createCachedData());
  }
})();
