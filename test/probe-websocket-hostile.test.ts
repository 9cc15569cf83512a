// probe over ws:// against hand-made WebSocket servers (node:net and the RFC 6455 handshake, no library on the
// server side), so each can misbehave exactly: speak in the same segment as its 101, or send one message far
// larger than any MQTT packet a probe accepts.
import { createHash } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { realClock, realTransport } from '../src/cli/transport.js';
import { parseTarget, probe, type ProbeResult } from '../src/probe/index.js';

/** RFC 6455 §1.3: the accept value for a client's key. */
const accept = (key: string) => createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');

/** An unmasked server frame (RFC 6455 §5.2) with the given first byte (FIN, opcode) and payload. */
function frame(first: number, payload: Uint8Array): Buffer {
  const n = payload.length;
  const header = n < 126 ? Buffer.from([first, n]) : n < 65536 ? Buffer.from([first, 126, n >> 8, n & 0xff]) : Buffer.concat([Buffer.from([first, 127]), bigLength(n)]);
  return Buffer.concat([header, payload]);
}

function bigLength(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

let server: Server | undefined;
const sockets = new Set<Socket>();

/** Serve the upgrade with subprotocol mqtt; `after(socket, response)` decides what follows the 101 and how. */
async function wsServer(after: (socket: Socket, response: string) => void): Promise<number> {
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    let head = '';
    const onData = (d: Buffer) => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      const key = /sec-websocket-key: *(\S+)/i.exec(head)?.[1] ?? '';
      after(socket, `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept(key)}\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n`);
    };
    socket.on('data', onData);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.clear();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

const run = (port: number, timeoutMs = 3000): Promise<ProbeResult> =>
  probe(parseTarget(`ws://127.0.0.1:${port}/mqtt`), { timeoutMs, random: 'c0ffee0123456789', clock: realClock() }, realTransport());

const last = (result: ProbeResult) => {
  const s = result.steps.at(-1)!;
  return [s.step, s.ok, s.cause?.code];
};

describe('probe over ws:// against hostile WebSocket servers', () => {
  test('a server that speaks first, in the segment that carries its 101: its words are read, not lost', async () => {
    // A chat or echo server greets on open; the greeting rides in the same TCP segment as the handshake.
    const port = await wsServer((socket, response) => socket.write(Buffer.concat([Buffer.from(response, 'latin1'), frame(0x81, Buffer.from('Welcome to the chat'))])));
    for (let i = 0; i < 5; i++) {
      const result = await run(port, 1500);
      // In a text message: named as that [MQTT-6.0.0-1], with its first bytes to recognise it by.
      expect(last(result)).toEqual(['mqtt', false, 'probe.cause.ws-text']);
      expect(result.steps.at(-1)!.cause?.params).toMatchObject({ bytes: '57 65 6c 63 6f 6d 65 20 74 6f 20 74 68 65 20 63 …' });
    }
  });

  test('a CONNACK in a text message is no answer: a client must close on it [MQTT-6.0.0-1], and the probe does', async () => {
    // Answers the CONNECT (a binary message from the probe) with the right bytes in the wrong kind of message.
    const port = await wsServer((socket, response) => {
      socket.write(response, 'latin1');
      socket.once('data', () => socket.write(frame(0x81, Uint8Array.of(0x20, 0x02, 0x00, 0x00))));
    });
    const result = await run(port, 1500);
    expect(last(result)).toEqual(['mqtt', false, 'probe.cause.ws-text']);
    expect(result.steps.at(-1)!.cause?.params).toEqual({ bytes: '20 02 00 00' });
    expect(result.connack).toBeNull();
  });

  test('a text message after a CONNACK in binary fails the round trip for the same reason', async () => {
    const port = await wsServer((socket, response) => {
      socket.write(response, 'latin1');
      let n = 0;
      socket.on('data', () => {
        // The CONNECT gets a binary CONNACK; what follows (the SUBSCRIBE) gets text.
        socket.write(n++ === 0 ? frame(0x82, Uint8Array.of(0x20, 0x02, 0x00, 0x00)) : frame(0x81, Buffer.from('hello')));
      });
    });
    const result = await probe(parseTarget(`ws://127.0.0.1:${port}/mqtt`), { timeoutMs: 1500, random: 'c0ffee0123456789', clock: realClock(), roundtrip: true }, realTransport());
    expect(result.steps.find((s) => s.step === 'mqtt')?.ok).toBe(true);
    expect(last(result)).toEqual(['roundtrip', false, 'probe.cause.ws-text']);
  });

  test('a redirect (ws:// to https://, as a web server in front does) is named with where it points', async () => {
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.once('data', () => socket.end('HTTP/1.1 301 Moved Permanently\r\nServer: nginx\r\nLocation: https://broker.example.com/mqtt\r\nContent-Length: 0\r\n\r\n'));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const result = await run((server.address() as { port: number }).port, 1500);
    expect(last(result)).toEqual(['websocket', false, 'probe.cause.ws-redirect']);
    expect(result.steps.at(-1)!.cause?.params).toEqual({ status: 301, path: '/mqtt', server: 'nginx', location: 'https://broker.example.com/mqtt' });
  });

  test('a CONNACK in the segment of the 101 (a broker that answers early) is read', async () => {
    const port = await wsServer((socket, response) => socket.write(Buffer.concat([Buffer.from(response, 'latin1'), frame(0x82, Uint8Array.of(0x20, 0x02, 0x00, 0x00))])));
    const result = await run(port, 1500);
    expect(result.ok, JSON.stringify(result.steps)).toBe(true);
    expect(result.connack?.code).toBe(0);
  });

  /** After the CONNECT arrives, send `header` and then endless 1 MiB chunks; resolves with what the server wrote. */
  async function flood(header: Uint8Array, chunk: Uint8Array): Promise<{ port: number; written: Promise<number> }> {
    let done: (n: number) => void = () => {};
    const written = new Promise<number>((resolve) => (done = resolve));
    const port = await wsServer((socket, response) => {
      socket.write(response);
      socket.once('data', () => {
        socket.write(header);
        const pump = () => {
          while (socket.writable && socket.write(chunk));
        };
        socket.on('drain', pump);
        socket.once('close', () => done(socket.bytesWritten));
        pump();
      });
    });
    return { port, written };
  }

  test('one frame announcing 90 MiB: refused at its header, named, and the server cannot push it into memory', async () => {
    const { port, written } = await flood(Buffer.from([0x82, 127, 0, 0, 0, 0, 0x05, 0xa0, 0, 0]), new Uint8Array(1 << 20).fill(0x41));
    const result = await run(port);
    expect(last(result)).toEqual(['mqtt', false, 'probe.cause.ws-oversize']);
    expect(result.steps.at(-1)!.cause?.params).toMatchObject({ limit: 2 * 1024 * 1024 });
    // The server did answer, with something no CONNACK fits: not "closed without a CONNACK".
    expect(result.steps.at(-1)!.detail.code).toBe('probe.mqtt.foreign');
    // What loopback socket buffers hold is all it got out, far from the 90 MiB ws held before (default maxPayload 100 MiB).
    expect(await written).toBeLessThan(24 * 1024 * 1024);
  });

  test('a message fragmented without end: refused once its fragments pass the limit, not read as a close', async () => {
    // A binary frame without FIN, then continuation frames of 64 KiB that never finish the message.
    const { port, written } = await flood(frame(0x02, Uint8Array.of(0x20)), frame(0x00, new Uint8Array(65535).fill(0x41)));
    const result = await run(port);
    expect(last(result)).toEqual(['mqtt', false, 'probe.cause.ws-oversize']);
    expect(await written).toBeLessThan(24 * 1024 * 1024);
  });

  test('the same after the CONNACK, during --roundtrip: named as the oversize message, not as a close', async () => {
    const port = await wsServer((socket, response) => {
      socket.write(response);
      socket.once('data', () => {
        socket.write(frame(0x82, Uint8Array.of(0x20, 0x02, 0x00, 0x00)));
        // The SUBSCRIBE: answer with a frame announcing 90 MiB, and send what the socket takes.
        socket.once('data', () => {
          socket.write(Buffer.from([0x82, 127, 0, 0, 0, 0, 0x05, 0xa0, 0, 0]));
          socket.write(new Uint8Array(1 << 20).fill(0x41));
        });
      });
    });
    const result = await probe(parseTarget(`ws://127.0.0.1:${port}/mqtt`), { timeoutMs: 3000, random: 'c0ffee0123456789', clock: realClock(), roundtrip: true }, realTransport());
    expect(last(result)).toEqual(['roundtrip', false, 'probe.cause.ws-oversize']);
  });
});
