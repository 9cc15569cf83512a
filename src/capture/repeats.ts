/**
 * Runs of one mistake: a broken device sends the same malformed packet again and again (10 MB of `10 02 00 00` is
 * 2.6 million of them). The first is reported as any packet; the copies right after it are counted into a run that
 * is reported once, when it ends: "the same N more times, #a to #b, bytes x to y". Every copy is still counted.
 */
import type { Problem } from './diagnose.js';
import type { CapturedPacket } from './packet.js';
import { sameBytes } from '../wire.js';

/** Copies of a malformed packet that came right after it. */
export interface Repeat {
  /** The packet repeated: reported on its own just before the run. */
  readonly first: CapturedPacket;
  /** Its problems (each copy has the same). */
  readonly problems: readonly Problem[];
  /** How many copies followed it (≥ 1); their indexes are first.index + 1 … first.index + count. */
  readonly count: number;
  /** The first copy and the last: where and when the run starts and ends. */
  readonly copy: CapturedPacket;
  readonly last: CapturedPacket;
}

export class RepeatFolder {
  /** The packet a run would repeat, and the last copy of it so far. */
  private first: CapturedPacket | null = null;
  private problems: readonly Problem[] = [];
  private copy: CapturedPacket | null = null;
  private last: CapturedPacket | null = null;
  private count = 0;
  private ended: Repeat | null = null;

  /**
   * true: `p` is a copy of the packet before it (malformed, the same bytes and problems, next in the output and right
   * after it in the same byte stream) and was counted into the run; do not report it. false: report `p`, after the
   * run it ended (`takeEnded()`).
   */
  fold(p: CapturedPacket, problems: readonly Problem[]): boolean {
    const last = this.last;
    if (last && this.first && copyOf(p, problems, last, this.problems)) {
      if (this.count++ === 0) this.copy = p;
      this.last = p;
      return true;
    }
    this.ended = this.run();
    this.first = p.packet === null ? p : null;
    this.last = this.first;
    this.problems = problems;
    this.count = 0;
    return false;
  }

  /** The run the last packet not folded ended, once; null when there was none. */
  takeEnded(): Repeat | null {
    const ended = this.ended;
    this.ended = null;
    return ended;
  }

  /** The data ended: the run still going, if any. */
  finish(): Repeat | null {
    const run = this.run();
    this.first = null;
    this.last = null;
    this.count = 0;
    return run;
  }

  private run(): Repeat | null {
    const { first, copy, last, count } = this;
    return first && copy && last && count > 0 ? { first, problems: this.problems, count, copy, last } : null;
  }
}

function copyOf(p: CapturedPacket, problems: readonly Problem[], last: CapturedPacket, lastProblems: readonly Problem[]): boolean {
  return (
    p.packet === null &&
    p.index === last.index + 1 &&
    p.stream === last.stream &&
    p.direction === last.direction &&
    p.offset === last.offset + last.bytes.length &&
    p.protocolVersion === last.protocolVersion &&
    sameBytes(p.bytes, last.bytes) &&
    sameProblems(problems, lastProblems)
  );
}

function sameProblems(a: readonly Problem[], b: readonly Problem[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (x.code !== y.code) return false;
    const keys = Object.keys(x.params);
    if (keys.length !== Object.keys(y.params).length) return false;
    for (const k of keys) if (x.params[k] !== y.params[k]) return false;
  }
  return true;
}
