// `npm run bench`: runs every bench/*.bench.js in turn (each prints its own table) against the built dist/.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv[2];
for (const file of readdirSync(here).filter((f) => f.endsWith('.bench.js')).sort()) {
  if (only && !file.includes(only)) continue;
  console.log(`\n## ${file.replace('.bench.js', '')}`);
  const mod = await import(join(here, file));
  await mod.default?.();
}
