/**
 * A real mosquitto broker for tests: a free loopback port, a generated config in a temp dir readable by the
 * `mosquitto` user (mosquitto started as root drops to it), started and stopped by the test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { whichTool } from './tools.js';

/** Suites that start a broker gate on `needsTools(['mosquitto'])` (./tools.ts); this is where it was found. */
export const mosquittoBin = whichTool('mosquitto') ?? 'mosquitto';

/** A port nothing listens on right now (the OS picks it; we release it before the broker binds). */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Broker {
  readonly host: string;
  readonly port: number;
  readonly dir: string;
  readonly process: ChildProcess;
  /** Everything the broker logged so far. */
  log(): string;
  stop(): Promise<void>;
}

export interface BrokerOptions {
  host?: string;
  port?: number;
  /** Lines appended to the config after `listener <port> <host>`; files go into `dir` via `files`. */
  config?: (dir: string) => string;
  /** Extra files written into the broker's dir before start: name → content. */
  files?: Record<string, string | Uint8Array>;
  /** Address mosquitto binds to; defaults to host. */
  bind?: string;
}

/** Start mosquitto with `listener <port> <bind>` plus the given config lines; resolves once it accepts TCP. */
export async function startMosquitto(options: BrokerOptions = {}): Promise<Broker> {
  const host = options.host ?? '127.0.0.1';
  const bind = options.bind ?? host;
  const port = options.port ?? (await freePort(bind));
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-sign-mosq-'));
  chmodSync(dir, 0o755);
  for (const [name, content] of Object.entries(options.files ?? {})) {
    writeFileSync(join(dir, name), content);
    chmodSync(join(dir, name), 0o644);
  }
  const extra = options.config?.(dir) ?? 'allow_anonymous true';
  const conf = [`listener ${port} ${bind}`, extra, 'log_dest stderr', 'log_type all', 'persistence false', ''].join('\n');
  writeFileSync(join(dir, 'mosquitto.conf'), conf);
  chmodSync(join(dir, 'mosquitto.conf'), 0o644);

  const child = spawn(mosquittoBin, ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));

  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`mosquitto exited ${child.exitCode}:\n${output}`);
    if (await accepts(bind, port)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`mosquitto did not listen on ${bind}:${port}:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  return {
    host,
    port,
    dir,
    process: child,
    log: () => output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
