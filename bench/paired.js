// Paired ratios for a noisy machine: in each round A and B run back to back (the order alternating), the round's
// ratio is taken from that pair, and the report is the median of the rounds' ratios with their min–max. A pause or
// a busy neighbour then spoils one round's pair, not the result. Results can be kept as JSON under bench/results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/** Calls per second of `fn` over about `ms` milliseconds. */
export function rate(fn, ms) {
  let calls = 0;
  const start = process.hrtime.bigint();
  const limit = BigInt(Math.round(ms * 1e6));
  let elapsed = 0n;
  while (elapsed < limit) {
    for (let i = 0; i < 20; i++) fn();
    calls += 20;
    elapsed = process.hrtime.bigint() - start;
  }
  return (calls * 1e9) / Number(elapsed);
}

/**
 * Paired rates of `ours` and `theirs` (functions): per round both rates and ours/theirs, then
 * { ours, theirs } as median calls/s and { median, min, max, rounds } of the per-round ratios.
 */
export function pairedRates(ours, theirs, { rounds = 21, ms = 25, warmup = 2000 } = {}) {
  for (let i = 0; i < warmup; i++) {
    ours();
    theirs();
  }
  const a = [];
  const b = [];
  const ratios = [];
  for (let round = 0; round < rounds; round++) {
    let ra;
    let rb;
    if (round % 2 === 0) {
      ra = rate(ours, ms);
      rb = rate(theirs, ms);
    } else {
      rb = rate(theirs, ms);
      ra = rate(ours, ms);
    }
    a.push(ra);
    b.push(rb);
    ratios.push(ra / rb);
  }
  return { ours: median(a), theirs: median(b), ...ratioSummary(ratios) };
}

export function ratioSummary(ratios) {
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios), rounds: ratios.length };
}

export const showRatio = (r) => `${r.median.toFixed(2)}× (${r.min.toFixed(2)}–${r.max.toFixed(2)}, ${r.rounds} rounds)`;

/** Writes bench/results/<name>.json with the machine it ran on, so the next run can be compared with this one. */
export async function saveResults(name, results) {
  const os = await import('node:os');
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const machine = { node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', load: os.loadavg()[0] };
  const file = `${dir}${name}.json`;
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine, results }, null, 2)}\n`);
  return file;
}
