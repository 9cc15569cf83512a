// `npm run bench memory`: peak RSS of `mqtt-sign decode` on the inputs that used to grow it (issue 9, target < 200 MB
// for every one): the 120 MB bench capture and a generated 1 GB one in every format, 20,000 TCP streams each
// claiming a 16 MiB packet, 12 MB of hex text (2 million tiny packets), `/dev/zero` (decode stops with its "this is
// not MQTT" verdict after 16 MiB without a packet, or is stopped after 30 s), and a reader that starts reading 10 s
// late. Peak RSS is the process's maximum resident set as /usr/bin/time -f %M reports it (Debian package `time`);
// each row prints the command it ran. MQTT_SIGN_BENCH_GB=0 leaves out the 1 GB capture (it needs ~1.1 GB in the
// temporary directory and a few minutes).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate, pcapWriter, stream } from './capture.bench.js';
import { saveResults } from './paired.js';

const TIME = '/usr/bin/time';
const LIMIT_MB = 200;
const FORMATS = ['jsonl', 'json', 'tsv', 'table'];
const GB = Number(process.env.MQTT_SIGN_BENCH_GB ?? 1);
const bin = fileURLToPath(new URL('../bin/mqtt-sign.js', import.meta.url));
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const quote = (s) => (/^[\w./=-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);

/**
 * Runs `sh -c` on a command line whose mqtt-sign process is wrapped in time(1) (`{time}` marks the place), so a pipe
 * after it is part of the run. Returns the exit code of mqtt-sign, its peak RSS in MB and the wall time.
 */
function measure(line, rssFile) {
  const start = process.hrtime.bigint();
  const r = spawnSync('sh', ['-c', line.replace('{time}', `${TIME} -f '%x %M' -o ${rssFile}`)], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  // time(1) writes "Command exited with non-zero status N" before the format's line when the command fails.
  const [code, kb] = readFileSync(rssFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { code, mb: kb / 1024, seconds, stderr: String(r.stderr).trim().split('\n').pop() ?? '' };
}

/** 20,000 streams opened with a handshake, each then sending only the header of a PUBLISH that claims 16 MiB. */
function claimingStreams(path, n) {
  const w = pcapWriter(path);
  const header = Buffer.from([0x30, 0x80, 0x80, 0x80, 0x08, 0x00, 0x01, 0x61]);
  for (let i = 0; i < n; i++) {
    const s = stream(i);
    w.open(s);
    w.send(s, true, header);
  }
  w.close();
}

export default async function bench() {
  if (!existsSync(TIME)) {
    console.log(`peak RSS needs ${TIME}: install the Debian package \`time\``);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-sign-memory-'));
  const rssFile = join(dir, 'rss');
  const rows = [];
  const run = (name, line, expect) => {
    const r = measure(line, rssFile);
    const shown = line.replace('{time} ', '').replace(process.execPath, 'node').replace(bin, 'bin/mqtt-sign.js').replaceAll(dir, '$TMP');
    if (!expect.includes(r.code)) throw new Error(`${shown}: exit ${r.code}, expected ${expect.join(' or ')}: ${r.stderr}`);
    rows.push({ name, command: shown, exit: r.code, seconds: r.seconds, peakRssMb: r.mb, under: r.mb < LIMIT_MB, note: r.stderr });
    console.log(`| ${name} | \`${shown}\` | ${r.code} | ${r.seconds.toFixed(1)} | ${r.mb.toFixed(0)} |`);
  };
  const decode = (input, format, rest = '') => `{time} ${quote(process.execPath)} ${quote(bin)} decode ${quote(input)} --format ${format}${rest}`;
  try {
    console.log(`load average at start: ${load()}`);
    console.log('| input | command | exit | s | peak RSS MB |');
    console.log('|---|---|---:|---:|---:|');
    const bench = join(dir, 'bench.pcap');
    generate(bench, 110 * 1024 * 1024);
    for (const f of FORMATS) run(`bench capture ${(statSync(bench).size / 1e6).toFixed(0)} MB`, `${decode(bench, f)} > /dev/null`, [0]);
    run('a reader that starts 10 s late', `${decode(bench, 'jsonl')} | (sleep 10; cat > /dev/null)`, [0]);
    run('a reader that starts 10 s late', `${decode(bench, 'json')} | (sleep 10; cat > /dev/null)`, [0]);

    const claims = join(dir, 'claims.pcap');
    claimingStreams(claims, 20_000);
    // Each stream ends inside its claimed packet: a cut-off problem per stream, exit 1.
    for (const f of FORMATS) run(`20,000 streams claiming 16 MiB each (${(statSync(claims).size / 1e6).toFixed(1)} MB)`, `${decode(claims, f)} > /dev/null`, [1]);
    rmSync(claims);

    // Pasted-text input of tiny packets: 1,000,000 lines of `c0 00 d0 00` (2,000,000 PINGREQ/PINGRESP, 12 MB).
    const text = join(dir, 'pings.txt');
    writeFileSync(text, 'c0 00 d0 00\n'.repeat(1_000_000));
    for (const f of ['jsonl', 'tsv']) run('12 MB of hex text, 2,000,000 packets', `${decode(text, f)} > /dev/null`, [0]);
    rmSync(text);

    // Stops by itself with the verdict (exit 1); `timeout` would end it at 30 s (exit 124) if it did not.
    for (const f of FORMATS) run('/dev/zero (until its verdict, at most 30 s)', `timeout 30 ${decode('/dev/zero', f)} > /dev/null`, [1]);

    if (GB > 0) {
      rmSync(bench);
      const free = statfsSync(dir);
      const need = GB * 1.1 * 1024 ** 3;
      if (free.bavail * free.bsize < need) {
        console.log(`(1 GB capture skipped: ${((free.bavail * free.bsize) / 1e9).toFixed(1)} GB free in ${dir}, needs ${(need / 1e9).toFixed(1)})`);
      } else {
        const big = join(dir, 'big.pcap');
        generate(big, GB * 1024 ** 3);
        for (const f of FORMATS) run(`generated capture ${(statSync(big).size / 1e9).toFixed(2)} GB`, `${decode(big, f)} > /dev/null`, [0]);
        run('a reader that starts 10 s late, 1 GB', `${decode(big, 'jsonl')} | (sleep 10; cat > /dev/null)`, [0]);
      }
    }
    const worst = rows.reduce((a, r) => Math.max(a, r.peakRssMb), 0);
    console.log(`\npeak RSS < ${LIMIT_MB} MB on every row: ${rows.every((r) => r.under) ? 'met' : 'NOT met'} (max ${worst.toFixed(0)} MB)`);
    console.log(`load average at end: ${load()}`);
    console.log(`results: ${await saveResults('memory', { limitMb: LIMIT_MB, rows })}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bench();
