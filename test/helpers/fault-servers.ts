/**
 * Small misbehaving servers for probe tests, each on a free loopback port: the faults a probe must name.
 * With `tls`, the same behaviour runs behind a TLS handshake (a TLS server that speaks no MQTT).
 */
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';

export type Fault =
  /** Accept the connection, then say nothing. */
  | 'silence'
  /** Accept the connection, then close it at once. */
  | 'close'
  /** Answer the first bytes with bytes that are no MQTT packet. */
  | 'garbage'
  /** Answer with CONNACK 0, but only after `delayMs`. */
  | 'late-connack'
  /** A real node:http server: 404 to every request, 400 to bytes that are not HTTP. */
  | 'http';

export interface FaultServer {
  readonly host: string;
  readonly port: number;
  /** Connections accepted so far. */
  connections(): number;
  stop(): Promise<void>;
}

export interface FaultOptions {
  host?: string;
  /** Serve behind TLS with this certificate and key (PEM). */
  tls?: { cert: string; key: string };
  /** For late-connack. */
  delayMs?: number;
}

/** Not a valid first byte of any MQTT packet a server sends (type 15, AUTH with flags set), then noise. */
export const GARBAGE = Uint8Array.from([0xff, 0x00, 0x13, 0x37, 0xde, 0xad, 0xbe, 0xef]);
const CONNACK_ACCEPTED = Uint8Array.from([0x20, 0x02, 0x00, 0x00]);

export async function startFaultServer(fault: Fault, options: FaultOptions = {}): Promise<FaultServer> {
  const host = options.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let accepted = 0;

  const behave = (socket: Socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    switch (fault) {
      case 'silence':
        socket.resume();
        break;
      case 'close':
        socket.destroy();
        break;
      case 'garbage':
        socket.once('data', () => socket.write(GARBAGE));
        break;
      case 'late-connack':
        socket.once('data', () => {
          const timer = setTimeout(() => socket.writable && socket.write(CONNACK_ACCEPTED), options.delayMs ?? 2000);
          timers.add(timer);
        });
        break;
      case 'http':
        break;
    }
  };

  let server: Server | HttpServer;
  if (fault === 'http') {
    const handler = (_req: unknown, res: import('node:http').ServerResponse) => {
      res.writeHead(404, { 'content-type': 'text/plain', server: 'fault-http' });
      res.end('not found\n');
    };
    server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler) : createHttpServer(handler);
    server.on('connection', (socket: Socket) => behave(socket));
  } else if (options.tls) {
    server = createTlsServer({ cert: options.tls.cert, key: options.tls.key }, behave);
    // Count the raw sockets too, so stop() also ends handshakes in progress.
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
  } else {
    server = createNetServer(behave);
  }

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });

  return {
    host,
    port,
    connections: () => accepted,
    async stop() {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
