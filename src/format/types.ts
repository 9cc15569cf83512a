/** Shared shapes of the formatters. Colour comes in from the edge through Paint; the default paints nothing. */

/** The palette keys; src/cli/palette.ts implements them with chalk, only on a TTY. */
export interface Paint {
  error(text: string): string;
  warn(text: string): string;
  ok(text: string): string;
  dim(text: string): string;
  field(text: string): string;
}

export const plain: Paint = {
  error: (t) => t,
  warn: (t) => t,
  ok: (t) => t,
  dim: (t) => t,
  field: (t) => t,
};

/** One packet to print: its bytes and a name (connect, publish, subscribe, …). */
export interface NamedPacket {
  readonly name: string;
  readonly bytes: Uint8Array;
}
