// Hostile servers against probe's MQTT session: a CONNACK header claiming 256 MiB followed by endless bytes, a
// packet after the CONNACK over the session's limit, and a server dripping one byte per segment. What is held must
// stay bounded by the packet in flight (never by a length the server claims) and the work linear.
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { realClock, realTransport } from '../src/cli/transport.js';
import { Decoder } from '../src/mqtt/index.js';
import { parseTarget, probe, type Link } from '../src/probe/index.js';
import { Session } from '../src/probe/session.js';

/** A Link whose server side the test drives by hand. */
function fakeLink() {
  let data: (bytes: Uint8Array) => void = () => {};
  let close: (error: null) => void = () => {};
  const link: Link = { write: () => {}, onData: (l) => void (data = l), onClose: (l) => void (close = l as typeof close), close: () => {} };
  return { link, send: (bytes: Uint8Array) => data(bytes), hangUp: () => close(null) };
}

const next = (session: Session) => session.next(AbortSignal.timeout(5000));

describe('probe session against hostile input', () => {
  afterEach(() => void vi.restoreAllMocks());

  test('a CONNACK header claiming 256 MiB is refused at the header, in every version', async () => {
    for (const version of [3, 4, 5] as const) {
      const { link, send } = fakeLink();
      const session = new Session(link, version);
      const push = vi.spyOn(Decoder.prototype, 'push');
      send(Uint8Array.from([0x20, 0xff, 0xff, 0xff, 0x7f]));
      for (let i = 0; i < 100; i++) send(new Uint8Array(64 * 1024).fill(0x41));
      expect(await next(session)).toEqual({ kind: 'foreign', bytes: Uint8Array.from([0x20, 0xff, 0xff, 0xff, 0x7f]), size: 268_435_460, limit: version === 5 ? 65_536 : 4 });
      // Nothing of it reached the decoder, and nothing after it was looked at.
      expect(push).not.toHaveBeenCalled();
      push.mockRestore();
    }
  });

  test('a 3.1.1 CONNACK must be 4 bytes: a Remaining Length of 5 is refused before its body arrives', async () => {
    const { link, send } = fakeLink();
    const session = new Session(link, 4);
    send(Uint8Array.from([0x20, 0x05]));
    expect(await next(session)).toMatchObject({ kind: 'foreign', size: 7, limit: 4 });
  });

  test('a CONNACK header cut between segments is still judged from the header', async () => {
    const { link, send } = fakeLink();
    const session = new Session(link, 5);
    for (const byte of [0x20, 0xff, 0xff, 0x7f]) send(Uint8Array.of(byte));
    expect(await next(session)).toMatchObject({ kind: 'foreign', size: 2_097_155, limit: 65_536 });
  });

  test('a packet after the CONNACK over the limit is refused at its header', async () => {
    const { link, send } = fakeLink();
    const session = new Session(link, 4);
    send(Uint8Array.from([0x20, 0x02, 0x00, 0x00, 0x30, 0xff, 0xff, 0xff, 0x7f]));
    expect(await next(session)).toMatchObject({ kind: 'packet', packet: { cmd: 'connack' } });
    expect(await next(session)).toMatchObject({ kind: 'foreign', size: 268_435_460, limit: 1024 * 1024 });
  });

  test('one byte per segment: the decoder is handed few, large arrays, and the packet still arrives', async () => {
    const { link, send } = fakeLink();
    const session = new Session(link, 4);
    send(Uint8Array.from([0x20, 0x02, 0x00, 0x00]));
    expect(await next(session)).toMatchObject({ kind: 'packet', packet: { cmd: 'connack' } });
    const push = vi.spyOn(Decoder.prototype, 'push');
    // PUBLISH QoS 0, topic "t", 500,000 bytes of payload, one byte at a time.
    const body = 2 + 1 + 500_000;
    const header = [0x30, (body & 0x7f) | 0x80, ((body >> 7) & 0x7f) | 0x80, body >> 14];
    for (const byte of [...header, 0x00, 0x01, 0x74]) send(Uint8Array.of(byte));
    for (let i = 0; i < 500_000; i++) send(Uint8Array.of(0x41));
    const arrival = await next(session);
    expect(arrival).toMatchObject({ kind: 'packet', packet: { cmd: 'publish', topic: 't' } });
    expect(arrival.kind === 'packet' && arrival.packet.cmd === 'publish' && arrival.packet.payload.length).toBe(500_000);
    // Each array the decoder keeps costs far more than a byte: 500,000 of them would hold ~100 MB.
    expect(push.mock.calls.length).toBeLessThan(100);
  });

  test('a close in the middle of a packet shows the packet start', async () => {
    const { link, send, hangUp } = fakeLink();
    const session = new Session(link, 4);
    send(Uint8Array.from([0x20, 0x02, 0x00, 0x00, 0x30, 0x0a, 0x00]));
    await next(session);
    hangUp();
    expect(await next(session)).toEqual({ kind: 'foreign', bytes: Uint8Array.from([0x30, 0x0a, 0x00]) });
  });
});

describe('probe against a server that claims a huge CONNACK and never stops sending', () => {
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  afterEach(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server?.close(resolve));
  });

  test('refused at once, named as not MQTT, not a silent server', async () => {
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.once('data', () => {
        socket.write(Uint8Array.from([0x20, 0xff, 0xff, 0xff, 0x7f]));
        const chunk = new Uint8Array(64 * 1024).fill(0x41);
        const pump = () => {
          while (socket.writable && socket.write(chunk));
        };
        socket.on('drain', pump);
        pump();
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const started = Date.now();
    const result = await probe(parseTarget(`mqtt://127.0.0.1:${port}`), { timeoutMs: 5000, random: 'c0ffee0123456789', clock: realClock() }, realTransport());
    expect(Date.now() - started).toBeLessThan(2500);
    const failed = result.steps.at(-1)!;
    expect([failed.step, failed.ok, failed.cause?.code]).toEqual(['mqtt', false, 'probe.cause.connack-oversize']);
    expect(failed.cause?.params).toMatchObject({ size: 268_435_460, limit: 4 });
  });
});
