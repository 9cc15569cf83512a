// Captures made by real tools: a real mosquitto on a free 127.0.0.1 port, its clients (3.1, 3.1.1, 5.0, QoS 0/1/2,
// a payload larger than one segment), recorded on `lo` by tcpdump (pcap) and dumpcap (pcapng) at the same time.
// Without the tools the suite is skipped with one line (CI fails instead: test/helpers/tools.ts); without root or
// CAP_NET_RAW on lo the capture fails with a clear message.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { readCapture } from '../src/capture/read.js';
import type { CapturedPacket } from '../src/capture/packet.js';
import { startMosquitto, type Broker } from './helpers/mosquitto.js';
import { needsTools, whichTool, type Tool } from './helpers/tools.js';

const tools = needsTools(['mosquitto', 'mosquitto_pub', 'mosquitto_sub', 'tcpdump', 'dumpcap']);
const need = (tool: Tool): string => whichTool(tool) ?? tool;

/** Start a capture tool and wait until it says it is listening; fail clearly when it cannot capture. */
async function startCapture(cmd: string, args: string[], ready: RegExp): Promise<ChildProcess> {
  const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${cmd} did not start capturing within 10 s:\n${err}`)), 10_000);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      if (ready.test(err)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${cmd} exited (${code}) before capturing; it needs root or CAP_NET_RAW on lo:\n${err}`));
    });
  });
  return child;
}

/** SIGINT makes tcpdump and dumpcap flush and close the file; wait until they have exited. */
async function stopCapture(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  await exited;
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
}

/** Wait (up to 15 s) until the file holds all five DISCONNECTs and no cut-off packet, then a little longer for the FINs. */
async function settled(path: string): Promise<void> {
  for (let i = 0; i < 150; i++) {
    try {
      const packets = await decodeFile(path);
      const done = packets.filter((p) => p.packet?.cmd === 'disconnect').length === sent.length + 1;
      if (done && packets.every((p) => p.problems.length === 0)) break;
    } catch {
      // The file may still be empty or end inside a record while the tool writes it.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 200));
}

async function decodeFile(path: string): Promise<CapturedPacket[]> {
  const bytes = readFileSync(path);
  async function* chunks() {
    for (let at = 0; at < bytes.length; at += 64 * 1024) yield bytes.subarray(at, at + 64 * 1024);
  }
  const out: CapturedPacket[] = [];
  for await (const p of readCapture(chunks())) out.push(p);
  return out;
}

const big = Buffer.alloc(200_000, 0).map((_, i) => (i * 7 + 3) & 0xff);
/** What the publishers send: [clientId, version flag, qos, topic, payload]. */
const sent = [
  ['pub311-q0', 'mqttv311', 0, 'live/a', Buffer.from('hello')],
  ['pub311-q1', 'mqttv311', 1, 'live/b', Buffer.from('qos one')],
  ['pub5-q2', 'mqttv5', 2, 'live/c', Buffer.from('qos two')],
  ['pub31-big', 'mqttv31', 1, 'live/big', big],
] as const;

tools.describe('captures recorded with tcpdump and dumpcap', () => {
  let broker: Broker;
  let dir: string;
  const files = { pcap: '', pcapng: '' };

  beforeAll(async () => {
    const tcpdump = need('tcpdump');
    const dumpcap = need('dumpcap');
    broker = await startMosquitto();
    dir = mkdtempSync(join(tmpdir(), 'mqtt-sign-live-'));
    files.pcap = join(dir, 'live.pcap');
    files.pcapng = join(dir, 'live.pcapng');
    const filter = `tcp port ${broker.port}`;
    const captures = [
      // --immediate-mode: without it tcpdump holds packets for up to a second and drops them on SIGINT.
      await startCapture(tcpdump, ['-i', 'lo', '--immediate-mode', '-U', '-B', '16384', '-s', '0', '-w', files.pcap, filter], /listening on/),
      await startCapture(dumpcap, ['-i', 'lo', '-B', '16', '-f', filter, '-w', files.pcapng], /Capturing on/),
    ];
    // The tools say they capture slightly before the filter is attached.
    await new Promise((r) => setTimeout(r, 500));
    try {
      const sub = spawn(need('mosquitto_sub'), ['-h', '127.0.0.1', '-p', String(broker.port), '-V', 'mqttv31', '-i', 'sub31', '-q', '2', '-t', 'live/#', '-C', String(sent.length)], { stdio: 'ignore' });
      const subDone = new Promise((r) => sub.once('exit', r));
      for (let i = 0; i < 100 && !/Sending SUBACK to sub31/.test(broker.log()); i++) await new Promise((r) => setTimeout(r, 50));
      const payloadFile = join(dir, 'big.bin');
      writeFileSync(payloadFile, big);
      for (const [id, version, qos, topic, payload] of sent) {
        const message = payload === big ? ['-f', payloadFile] : ['-m', payload.toString()];
        run(need('mosquitto_pub'), ['-h', '127.0.0.1', '-p', String(broker.port), '-V', version, '-i', id, '-q', String(qos), '-t', topic, ...message]);
      }
      await subDone;
      // Stop only once each tool has written every client's DISCONNECT (a loaded machine can lag behind).
      await Promise.all([settled(files.pcap), settled(files.pcapng)]);
    } finally {
      for (const c of captures) await stopCapture(c);
    }
  }, 60_000);

  afterAll(async () => {
    await broker?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test.each(['pcap', 'pcapng'] as const)('%s: what the clients sent, decoded', async (kind) => {
    const packets = await decodeFile(files[kind]);
    expect(packets.flatMap((p) => p.problems)).toEqual([]);
    const connects = packets.filter((p) => p.packet?.cmd === 'connect');
    expect(connects.map((p) => [(p.packet as { clientId: string }).clientId, p.protocolVersion, p.direction])).toEqual([
      ['sub31', 3, 'client->broker'],
      ['pub311-q0', 4, 'client->broker'],
      ['pub311-q1', 4, 'client->broker'],
      ['pub5-q2', 5, 'client->broker'],
      ['pub31-big', 3, 'client->broker'],
    ]);
    // Each publisher's PUBLISH as it left the client, and as the broker delivered it to the subscriber.
    const publishes = packets.filter((p) => p.packet?.cmd === 'publish');
    const fromClients = publishes.filter((p) => p.direction === 'client->broker');
    const toSubscriber = publishes.filter((p) => p.direction === 'broker->client' && p.stream === connects[0]!.stream);
    for (const list of [fromClients, toSubscriber]) {
      expect(list.map((p) => (p.packet as { topic: string }).topic)).toEqual(sent.map((s) => s[3]));
      list.forEach((p, i) => expect(Buffer.from((p.packet as { payload: Uint8Array }).payload).equals(sent[i]![4])).toBe(true));
    }
    expect(fromClients.map((p) => (p.packet as { qos: number }).qos)).toEqual(sent.map((s) => s[2]));
    // Every stream but the subscriber's is one publisher; QoS 2 brings its handshake.
    const cmds = packets.map((p) => p.packet?.cmd);
    for (const cmd of ['connack', 'subscribe', 'suback', 'puback', 'pubrec', 'pubrel', 'pubcomp', 'disconnect']) expect(cmds).toContain(cmd);
    // The big payload crossed more than one TCP segment (loopback MTU 65536).
    expect(fromClients.at(-1)!.bytes.length).toBeGreaterThan(65536);
  });

  test('pcap and pcapng of the same traffic decode the same', async () => {
    const [a, b] = await Promise.all([decodeFile(files.pcap), decodeFile(files.pcapng)]);
    // Frame numbers are left out: two tools capturing side by side can each catch a frame the other missed (a
    // retransmission, a segment before its filter was attached), which shifts every later number in one file only.
    // Each connection's packets are compared in order, the connections as a set: two clients sending at the same
    // moment on two CPUs reach each capture socket in either order (a full-suite run saw one stream's PUBREC and
    // another's DISCONNECT swapped between the files), and connections opened together may be numbered either way.
    const view = (ps: CapturedPacket[]) => {
      const streams = new Map<number | null, string[]>();
      for (const p of ps) {
        const list = streams.get(p.stream) ?? [];
        list.push(`${p.direction} ${Buffer.from(p.bytes).toString('hex')}`);
        streams.set(p.stream, list);
      }
      return [...streams.values()].map((list) => list.join('\n')).sort();
    };
    expect(view(b)).toEqual(view(a));
    expect(b).toHaveLength(a.length);
    for (const ps of [a, b]) expect(ps.every((p, i) => i === 0 || p.frame! >= ps[i - 1]!.frame!)).toBe(true);
  });
});
