/**
 * Run a real mosquitto with a configuration written exactly as given (doctor's predictions are about whole configs,
 * so nothing is prepended). Resolves once the broker logs "running" or exits; files land in a world-readable temp dir.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mosquittoBin } from './mosquitto.js';

export interface ConfRun {
  /** The broker is up (false: it exited, see log). */
  readonly running: boolean;
  readonly log: string;
  stop(): Promise<void>;
}

export function confDir(): { dir: string; write(name: string, content: string | Uint8Array, mode?: number): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'mqtt-sign-doctor-'));
  chmodSync(dir, 0o755);
  return {
    dir,
    write(name, content, mode = 0o644) {
      const path = join(dir, name);
      writeFileSync(path, content);
      chmodSync(path, mode);
      return path;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export async function runConf(confPath: string): Promise<ConfRun> {
  const child = spawn(mosquittoBin, ['-c', confPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const up = new Promise<boolean>((resolve) => {
    const onData = (d: Buffer) => {
      log += d.toString();
      // The whole line: local-only mode's warning ("clients running on this machine") comes before the sockets open.
      if (/mosquitto version \S+ running/.test(log)) resolve(true);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then(() => resolve(false));
    setTimeout(() => resolve(child.exitCode === null), 15_000);
  });
  const running = await up;
  return {
    running,
    get log() {
      return log;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** Send a CONNECT and return the CONNACK return code, or the socket error code (ECONNREFUSED) when it cannot connect. */
export function connackFrom(host: string, port: number, connect311: Uint8Array): Promise<number | string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let got = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('timeout');
    }, 10_000);
    socket.once('connect', () => socket.write(connect311));
    socket.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.length >= 4) {
        clearTimeout(timer);
        socket.destroy();
        resolve(got[0] === 0x20 ? got[3]! : `unexpected ${got.toString('hex')}`);
      }
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(err.code ?? err.message);
    });
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(got.length >= 4 ? got[3]! : 'closed');
    });
  });
}
