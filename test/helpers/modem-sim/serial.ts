/**
 * The serial side every simulated modem shares: bytes in, commands out. In command mode a command is the text up
 * to CR LF (a line longer than the modem's limit is ERROR, as the firmware cuts it); after a `>` prompt exactly the
 * announced number of bytes is data, taken raw. Output is a list of lines (a payload URC carries its raw bytes too)
 * that the script runner waits on.
 */
export interface OutLine {
  readonly text: string;
  /** Raw bytes carried by the line (a received payload), when the text alone cannot hold them. */
  readonly bytes?: Uint8Array;
}

export abstract class SerialModem {
  readonly out: OutLine[] = [];
  private listeners: (() => void)[] = [];
  private pending: number[] = [];
  private data: { length: number; bytes: number[]; done: (data: Uint8Array) => Promise<void> | void } | undefined;
  private queue: Promise<void> = Promise.resolve();
  /** Every command line the modem accepted, in order, for the tests to inspect. */
  readonly commands: string[] = [];

  /** Longest command line in bytes, CR LF included. */
  protected abstract readonly lineMax: number;
  /** Handle one command line (without CR LF); answer through emit(). */
  protected abstract command(line: string): Promise<void>;

  /** Bytes from the host, as a serial port delivers them. */
  write(bytes: Uint8Array | string): void {
    const input = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
    for (const b of input) {
      if (this.data) {
        this.data.bytes.push(b);
        if (this.data.bytes.length === this.data.length) {
          const { done, bytes: got } = this.data;
          this.data = undefined;
          this.serially(() => done(Uint8Array.from(got)));
        }
        continue;
      }
      this.pending.push(b);
      const n = this.pending.length;
      if (n >= 2 && this.pending[n - 2] === 0x0d && this.pending[n - 1] === 0x0a) {
        const line = Buffer.from(this.pending.slice(0, -2));
        this.pending = [];
        if (line.length + 2 > this.lineMax) {
          this.emit('ERROR');
          continue;
        }
        const text = line.toString('utf8');
        this.commands.push(text);
        this.serially(() => this.command(text));
      }
    }
  }

  /** Print a `>` prompt and hand the next `length` bytes to `done`. */
  protected prompt(length: number, done: (data: Uint8Array) => Promise<void> | void, before: readonly string[] = []): void {
    for (const l of before) this.emit(l);
    this.data = { length, bytes: [], done };
    this.emit('>');
  }

  emit(text: string, bytes?: Uint8Array): void {
    this.out.push(bytes ? { text, bytes } : { text });
    for (const l of this.listeners.splice(0)) l();
  }

  /** Resolves when a new line is emitted. */
  next(): Promise<void> {
    return new Promise((resolve) => this.listeners.push(resolve));
  }

  /** Commands run one after another, as a modem's AT parser does. */
  private serially(task: () => Promise<void> | void): void {
    this.queue = this.queue.then(task).catch((err: unknown) => {
      this.emit(`SIMULATOR FAILURE: ${String(err)}`);
    });
  }

  abstract close(): void;
}

/** Parameters after `AT+NAME=`; undefined when the line is not that command. */
export function paramsOf(line: string, name: string): string | undefined {
  return line.startsWith(`AT+${name}=`) ? line.slice(name.length + 4) : undefined;
}
