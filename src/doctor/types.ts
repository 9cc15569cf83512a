/** The shapes doctor reads and returns. The edge gathers facts about files; the core judges. */

export type Severity = 'error' | 'warning' | 'info';

/** One thing doctor found: a catalogue code (`doctor.<code>` and `doctor.<code>.fix`) and the values it names. */
export interface Finding {
  readonly code: string;
  readonly severity: Severity;
  /** The config file and 1-based line the finding is about; null for the config as a whole. */
  readonly file: string | null;
  readonly line: number | null;
  readonly params: Readonly<Record<string, string | number>>;
}

/** What the edge found out about a file the config names (password_file, certfile, …). */
export interface FileFact {
  readonly exists: boolean;
  /**
   * Readable by the user mosquitto runs as (it drops to `mosquitto`, or the `user` option, when started as root);
   * null when that user does not exist on this machine and it cannot be told.
   */
  readonly readable: boolean | null;
  /** The content (bounded by the edge), when it could be read. */
  readonly text: string | null;
}

export type Reach = 'localhost-only' | 'all' | 'unix-socket' | 'none' | `interface:${string}` | `address:${string}`;

export interface ListenerReport {
  readonly port: number;
  /** The bind address or unix socket path; null = every address. */
  readonly bind: string | null;
  readonly protocol: 'mqtt' | 'websockets';
  readonly tls: boolean;
  readonly reachableFrom: Reach;
}

export interface DoctorReport {
  /** No finding of severity error. */
  readonly ok: boolean;
  readonly listeners: readonly ListenerReport[];
  readonly findings: readonly Finding[];
}
