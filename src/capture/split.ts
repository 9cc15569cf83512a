/**
 * One byte stream (a TCP direction, or plain bytes) → MQTT packets. Complete packets go to decodeAll in
 * runs; a malformed packet is diagnosed and skipped by its (corrected) length; when the framing is lost
 * (a stream seen from its middle, a gap, a broken header) the splitter resynchronises on the next packet
 * that decodes.
 */
import { DecodeError } from '../errors.js';
import { decode, decodeAll } from '../mqtt/decode.js';
import type { Decoded, Packet, ProtocolVersion } from '../mqtt/types.js';
import { Captured } from './packet.js';
import { diagnose, diagnoseTail, diagnosisReach, problemOf, quietly, type Diagnosis, type Problem } from './diagnose.js';
import { frameLength, hex2, INCOMPLETE, INVALID } from './framing.js';
import { asUint8Array, sameBytes } from '../wire.js';

/** Protocol version shared by both directions of a connection: the client's CONNECT sets it. */
export interface VersionState {
  version: ProtocolVersion;
  /** false while the version is a guess (no CONNECT seen yet). */
  known: boolean;
}

/** Give up resynchronising a stream seen from its middle after this many bytes without a packet: it is not MQTT. */
const SYNC_BUDGET = 64 * 1024;
/**
 * A pending packet's buffer starts at twice the bytes that arrived (at least GROW_FROM) and doubles as more arrive,
 * up to the packet's size: memory follows what arrived, never what a header claims (20,000 streams claiming 16 MiB
 * each), and a large packet costs a few copies rather than one small buffer per segment. A malformed packet waiting
 * for the bytes its diagnosis reads collects them in parts instead when it claims more than MAX_PREALLOCATED.
 */
const MAX_PREALLOCATED = 64 * 1024;
const GROW_FROM = 256;
/** Malformed packets in a row that get the full diagnosis (the known hand-made mistakes tried); later ones get the decoder's error. */
const DIAGNOSED = 256;
/** Frames framed ahead in one go: bounds the rescan after a malformed packet moves the framing (linear time). */
const MAX_RUN = 4096;
/** Keep at most this many bytes of a skipped region to show; the count stays exact. */
const SKIP_KEEP = 4096;

type SkipReason = 'midstream' | 'gap' | 'malformed' | 'junk';

interface Skipped {
  readonly start: number;
  readonly reason: SkipReason;
  /** Bytes of the stream that were never captured (gap). */
  readonly missing: number;
  readonly kept: number[];
  count: number;
}

export class Splitter {
  private parts: Uint8Array[] = [];
  private partsLength = 0;
  /** Bytes the pending packet needs in total; 0 = not known yet. */
  private need = 0;
  /** The pending packet's buffer once its header is known (parts then holds it); grows up to wholeLength. */
  private whole: Uint8Array | null = null;
  /** The pending packet's full size, which `whole` grows to (it may start smaller: see MAX_PREALLOCATED). */
  private wholeLength = 0;
  /** `whole` is a packet whose header was read and whose declared length is arriving (not a malformed one's wait). */
  private framed = false;
  /** Stream offset of the first pending byte (= of buf[0] while processing). */
  private offset = 0;
  private syncing: boolean;
  private reason: SkipReason = 'midstream';
  private skipped: Skipped | null = null;
  /** Set when a stream seen from its middle never showed a packet: it is not MQTT and is ignored. */
  abandoned = false;
  /** At least one packet decoded. */
  sawPacket = false;
  /** Malformed packets since the last one that decoded. */
  private badInARow = 0;
  /**
   * The data being processed runs to the end of the input (end() or a gap): a malformed packet is judged with what
   * is here. Otherwise one too near the end of the data waits for more (see `tooNearTheEnd`).
   */
  private final = false;
  /** With `final`: the sender closed the stream (or the input is whole), so a fix may take all the bytes left. */
  private closed = false;
  /** Set when process() must stop and keep the rest for later: the bytes a malformed packet waits for (0: not waiting). */
  private waitFor = 0;
  private lastBad: { readonly bytes: Uint8Array; readonly version: ProtocolVersion; readonly error: DecodeError } | null = null;
  /** The last diagnosis and the bytes it judged (the corrected packet and the header after it): see `diagnosed`. */
  private lastDiagnosis: { readonly bytes: Uint8Array; readonly version: ProtocolVersion; readonly diagnosis: Diagnosis | null } | null = null;
  private lastProblems: { readonly error: DecodeError; readonly problems: readonly Problem[] } | null = null;
  /** The last candidate findSync refused, so a stream of the same junk packet is not decoded again at each copy. */
  private lastRefused: { readonly bytes: Uint8Array; readonly version: ProtocolVersion; readonly known: boolean } | null = null;

  /**
   * `pieceEnds`: each push ends where the sender's write did (a TCP segment, a line of a log), so a packet ending
   * there is a plausible place to resynchronise. Plain bytes come in chunks cut anywhere: there the splitter waits to
   * see the header after such a packet, so the verdicts do not depend on the chunk sizes.
   */
  constructor(
    private readonly state: VersionState,
    private readonly emit: (found: Captured) => void,
    midstream = false,
    private readonly pieceEnds = true,
  ) {
    this.syncing = midstream;
  }

  /**
   * Bytes held of a packet whose header has been read and whose declared length is still arriving (0 when none).
   * A reader's "no packet in N bytes" verdict leaves these out until the packet is judged: a 20 MiB PUBLISH is not
   * junk while it arrives. What is held is bounded by the largest length a header can declare (256 MiB).
   */
  get arriving(): number {
    return this.whole !== null && this.framed ? this.partsLength : 0;
  }

  /** Nothing is held: no partial packet, no run of skipped bytes still to report (end() would emit nothing). */
  get empty(): boolean {
    return this.partsLength === 0 && this.skipped === null;
  }

  /** `missing` bytes were never captured here: drop any partial packet and resynchronise after the hole. */
  gap(missing: number): void {
    if (this.abandoned) return;
    this.finish(false);
    if (this.abandoned) return;
    const pending = this.take();
    this.flushSkip();
    this.skipped = { start: this.offset, reason: 'gap', missing, kept: [], count: 0 };
    this.addSkipped(pending, 0, pending.length);
    this.offset += pending.length + missing;
    this.syncing = true;
    this.reason = 'gap';
  }

  push(input: Uint8Array): void {
    if (this.abandoned || input.length === 0) return;
    // A Buffer's slice() is a view: seen as a plain Uint8Array, every slice() below is the copy it means to be.
    const data = asUint8Array(input);
    if (this.partsLength === 0) {
      this.process(data);
      return;
    }
    let whole = this.whole;
    if (whole) {
      // The pending packet's size is known: copy straight into its buffer, grown (doubling, up to that size) only
      // as its bytes arrive.
      if (this.partsLength + data.length > whole.length && whole.length < this.wholeLength) {
        const grown = new Uint8Array(Math.min(this.wholeLength, Math.max(2 * whole.length, this.partsLength + data.length)));
        grown.set(whole.subarray(0, this.partsLength));
        this.whole = whole = grown;
        this.parts = [grown];
      }
      const take = Math.min(data.length, whole.length - this.partsLength);
      whole.set(data.subarray(0, take), this.partsLength);
      this.partsLength += take;
      if (this.partsLength < this.wholeLength) return;
      this.whole = null;
      this.parts = [];
      this.partsLength = 0;
      this.need = 0;
      this.process(whole);
      if (take < data.length) this.push(data.subarray(take));
      return;
    }
    // Header not complete yet (a few bytes), or a packet too large to allocate ahead: collect, then join once.
    this.parts.push(data.slice());
    this.partsLength += data.length;
    if (this.partsLength >= Math.max(this.need, 6)) this.process(this.take());
  }

  /**
   * The data ended: whatever is pending is a cut-off packet or trailing bytes. `closed`: the sender closed the
   * stream (FIN/RST) or the input is complete, so a short packet may be its own mistake; otherwise the capture
   * simply stopped.
   */
  end(where: 'stream' | 'input', closed: boolean): void {
    if (this.abandoned) return;
    this.finish(closed);
    if (this.abandoned) return;
    const rest = this.take();
    if (rest.length > 0) {
      if (this.syncing) {
        this.addSkipped(rest, 0, rest.length);
      } else {
        this.emitBad(this.offset, rest, diagnoseTail(rest, this.state.version, where, closed));
      }
      this.offset += rest.length;
    }
    this.flushSkip(true);
  }

  /**
   * The source paused (a device went quiet): a malformed packet held back for the bytes its diagnosis reads is judged
   * with what is here, so it shows when it arrives rather than when more bytes do. An incomplete packet still waits.
   */
  flush(): void {
    if (this.abandoned) return;
    this.finish(false);
  }

  /** Whatever waited for more data is processed with what there is (the data stops here). */
  private finish(closed: boolean): void {
    if (this.partsLength === 0) return;
    this.final = true;
    this.closed = closed;
    try {
      this.process(this.take());
    } finally {
      this.final = false;
      this.closed = false;
    }
  }

  /**
   * A malformed packet at `pos` whose diagnosis may read past the data here (diagnosisReach: up to 21 bytes past a
   * framed packet) waits for more, unless the data ends here. Judged on what a chunk happened to hold, the same
   * stream read in other chunk sizes would give other verdicts (and a run of one mistake lost its framing at every
   * chunk boundary). Sets how many bytes from `pos` to wait for.
   */
  private tooNearTheEnd(buf: Uint8Array, pos: number): boolean {
    if (this.final) return false;
    const want = diagnosisReach(buf.subarray(pos, pos + 10));
    if (buf.length - pos >= want) return false;
    this.waitFor = want;
    return true;
  }

  private take(): Uint8Array {
    const parts = this.parts;
    const length = this.partsLength;
    const whole = this.whole;
    this.parts = [];
    this.partsLength = 0;
    this.need = 0;
    this.whole = null;
    if (whole) return whole.subarray(0, length);
    if (parts.length === 1) return parts[0]!;
    const out = new Uint8Array(length);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  private process(buf: Uint8Array): void {
    let pos = 0;
    while (pos < buf.length) {
      if (this.syncing) {
        const sync = this.findSync(buf, pos);
        if (sync.at < 0) {
          // No start here: skip all but the last bytes, where a header may straddle into the next chunk.
          const keepFrom = Math.max(pos, buf.length - 5);
          this.addSkipped(buf, pos, keepFrom);
          pos = keepFrom;
          break;
        }
        this.addSkipped(buf, pos, sync.at);
        pos = sync.at;
        if (sync.wait) break;
        this.flushSkip();
        this.syncing = false;
      }
      // The run of whole packets from pos (at most MAX_RUN of them, so a rescan costs a bounded amount).
      let end = pos;
      let n = 0;
      let frames = 0;
      while (end < buf.length && frames < MAX_RUN) {
        n = frameLength(buf, end);
        if (n < 0 || end + n > buf.length) break;
        end += n;
        frames++;
      }
      if (end > pos) {
        pos = this.decodeRun(buf, pos, end);
        if (this.waitFor > 0) break;
        if (pos !== end || frames === MAX_RUN) continue; // a malformed packet moved us, or the run was cut: look again from there
      }
      if (n !== INVALID) break; // the rest is an incomplete packet (or nothing)
      if (this.tooNearTheEnd(buf, pos)) break;
      pos = this.malformed(buf, pos, null);
    }
    if (this.abandoned) return;
    // Keep the unread tail (copied, so a large capture chunk is not pinned by a few bytes).
    this.offset += pos;
    if (pos < buf.length) {
      const rest = buf.subarray(pos);
      const n = frameLength(rest, 0);
      if (n > rest.length && (n <= MAX_PREALLOCATED || this.waitFor === 0)) {
        this.whole = new Uint8Array(Math.min(n, Math.max(2 * rest.length, GROW_FROM)));
        this.wholeLength = n;
        this.framed = this.waitFor === 0;
        this.whole.set(rest);
        this.parts = [this.whole];
      } else {
        this.parts = [rest.slice()];
      }
      this.partsLength = rest.length;
      this.need = this.waitFor > 0 ? this.waitFor : n > 0 ? n : 0;
    }
    this.waitFor = 0;
  }

  /** Decode the whole packets in buf[pos, end); returns where decoding stopped (end, or after a malformed packet). */
  private decodeRun(buf: Uint8Array, pos: number, end: number): number {
    // In a run of malformed packets the next one is most likely bad too: straight to the one-by-one path.
    if (this.badInARow === 0) {
      try {
        // No stack for the DecodeError: it only says "go one by one" (text input makes one short run per line).
        const result = quietly(() => decodeAll(buf.subarray(pos, end), { protocolVersion: this.state.version }));
        for (let i = 0; i < result.frames.length; i++) {
          const frame = result.frames[i]!;
          this.found(buf, pos + frame.offset, frame.length, result.packets[i]!);
        }
        return end;
      } catch (err) {
        if (!(err instanceof DecodeError)) throw err;
      }
    }
    // Slow path: one packet at a time, so the good ones around the bad one still come out. It goes on past `end`
    // while packets stay malformed: a diagnosis that moves the framing (a Remaining Length one too long) would
    // otherwise send process() back to frame MAX_RUN packets ahead after every one of a long run of them.
    let at = pos;
    while (at < buf.length) {
      if (at >= end && this.badInARow === 0) return at; // back on track: process() frames a fast run again
      const n = frameLength(buf, at);
      if (n < 0 || at + n > buf.length) return at; // process() handles a broken header or an incomplete packet
      const decoded = this.decodeBad(buf.subarray(at, at + n));
      if (decoded instanceof DecodeError) {
        if (this.tooNearTheEnd(buf, at)) return at;
        at = this.malformed(buf, at, decoded);
        if (this.syncing || this.abandoned) return at;
        continue;
      }
      this.found(buf, at, n, decoded.packet);
      at += n;
    }
    return at;
  }

  /**
   * tryDecode without a stack for its error, for the one-by-one path: the same bad bytes give the same error, so a
   * packet equal to the last bad one (a broken device repeats itself) reuses its error instead of throwing again.
   */
  private decodeBad(bytes: Uint8Array): Decoded | DecodeError {
    const last = this.lastBad;
    if (last && last.version === this.state.version && sameBytes(last.bytes, bytes)) return last.error;
    const result = quietly(() => this.tryDecode(bytes));
    if (result instanceof DecodeError && bytes.length <= 256) this.lastBad = { bytes: bytes.slice(), version: this.state.version, error: result };
    return result;
  }

  /** decode() in the stream's version; while the version is a guess, also try 5 and adopt it if that works. */
  private tryDecode(bytes: Uint8Array): Decoded | DecodeError {
    try {
      return decode(bytes, { protocolVersion: this.state.version });
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      if (this.state.known || this.state.version === 5) return err;
      try {
        const result = decode(bytes, { protocolVersion: 5 });
        this.state.version = 5;
        return result;
      } catch {
        return err;
      }
    }
  }

  /** A packet decoded: its fields are recorded only if a reader asks for them (CapturedPacket.fields). */
  private found(buf: Uint8Array, at: number, length: number, packet: Packet): void {
    if (packet.cmd === 'connect') {
      this.state.version = packet.protocolVersion as ProtocolVersion;
      this.state.known = true;
    }
    this.sawPacket = true;
    this.badInARow = 0;
    this.emit(new Captured(this.offset + at, buf.subarray(at, at + length), this.state.version, packet, []));
  }

  /** A malformed packet at pos: diagnose, report, and continue after it (or resynchronise when its length is lost). */
  private malformed(buf: Uint8Array, pos: number, error: DecodeError | null): number {
    // Past DIAGNOSED malformed packets in a row, a packet's own decoding error is the report: trying the known
    // mistakes on each of millions of packets of a broken stream would cost far more than decoding it.
    // The last packets of the data, whose diagnosis reads to the end, are always searched: the end may be their fix.
    const last = this.final && buf.length - pos < diagnosisReach(buf.subarray(pos, pos + 10));
    const known = this.diagnosed(buf, pos, last);
    const d = known !== undefined ? known : error && this.badInARow >= DIAGNOSED && !last ? null : this.diagnoseAt(buf, pos);
    this.badInARow++;
    if (!d && !error) {
      // Not a packet start and no known mistake: skip to the next packet (trailing bytes if there is none).
      this.flushSkip();
      this.reason = 'junk';
      this.syncing = true;
      return pos;
    }
    const length = Math.max(1, Math.min(d ? d.length : frameLength(buf, pos), buf.length - pos));
    this.emitBad(this.offset + pos, buf.subarray(pos, pos + length), d ? d.problems : this.problemsOf(error!));
    if (d && !d.framed) {
      this.syncing = true;
      this.reason = 'malformed';
    }
    return pos + length;
  }

  /**
   * The last diagnosis again, for a packet equal to the one it judged in all the bytes a diagnosis reads
   * (diagnosisReach): the same verdict the full search would give, at the cost of a comparison. This keeps a broken
   * device's millions of copies of one mistake named (and framed) right, where trying every fix on each costs 10-50 µs
   * (also when the search found nothing: a bad packet between good ones is searched again each time otherwise).
   * undefined: not known. `atTheEnd`: the data ends within the bytes a diagnosis reads, where the end itself may be the
   * fix, so "no mistake found" is not taken over; a fix found is (it is proven on these bytes all the same).
   */
  private diagnosed(buf: Uint8Array, pos: number, atTheEnd: boolean): Diagnosis | null | undefined {
    const last = this.lastDiagnosis;
    if (!last || last.version !== this.state.version || pos + last.bytes.length > buf.length) return undefined;
    if (last.diagnosis === null && atTheEnd) return undefined;
    for (let i = 0; i < last.bytes.length; i++) if (buf[pos + i] !== last.bytes[i]) return undefined;
    return last.diagnosis;
  }

  private diagnoseAt(buf: Uint8Array, pos: number): Diagnosis | null {
    const atEnd = this.final && this.closed;
    const d = diagnose(buf.subarray(pos), this.state.version, atEnd);
    // Remembered when it read a few bytes, all of them here, and took no "all the rest" fix.
    const reach = diagnosisReach(buf.subarray(pos, pos + 10));
    if (!atEnd && reach <= 512 && pos + reach <= buf.length) {
      this.lastDiagnosis = { bytes: buf.slice(pos, pos + reach), version: this.state.version, diagnosis: d };
    }
    return d;
  }

  /** The problem a decoding error makes; the same list again for the same error (decodeBad hands out one per run). */
  private problemsOf(error: DecodeError): readonly Problem[] {
    if (this.lastProblems?.error !== error) this.lastProblems = { error, problems: [problemOf(error)] };
    return this.lastProblems.problems;
  }

  private emitBad(offset: number, bytes: Uint8Array, problems: readonly Problem[]): void {
    this.emit(new Captured(offset, bytes, this.state.version, null, problems));
  }

  /**
   * The first position from `from` where a packet starts that decodes and is followed by the end of the data
   * or another plausible header. wait: a plausible start whose packet is not all here yet.
   */
  private findSync(buf: Uint8Array, from: number): { at: number; wait: boolean } {
    for (let i = from; i < buf.length; i++) {
      const n = frameLength(buf, i);
      if (n === INVALID) continue;
      if (n === INCOMPLETE) return { at: i, wait: true };
      if (i + n > buf.length) {
        // Wait for the rest only where a real stream could be: not for a huge length out of nowhere.
        if (n <= SYNC_BUDGET) return { at: i, wait: true };
        continue;
      }
      if (this.refused(buf.subarray(i, i + n))) continue;
      const next = frameLength(buf, i + n);
      if (next > 0) return { at: i, wait: false };
      // What follows is not here yet: wait to see it, unless the data ends here or ends a piece (see pieceEnds).
      if (i + n === buf.length || next === INCOMPLETE) return { at: i, wait: !this.final && !this.pieceEnds };
    }
    return { at: -1, wait: false };
  }

  /** A resynchronisation candidate that does not decode; the same bytes as the last refused one are refused without decoding. */
  private refused(bytes: Uint8Array): boolean {
    const { version, known } = this.state;
    const last = this.lastRefused;
    if (last && last.version === version && last.known === known && sameBytes(last.bytes, bytes)) return true;
    if (!(quietly(() => this.tryDecode(bytes)) instanceof DecodeError)) return false;
    if (bytes.length <= 256) this.lastRefused = { bytes: bytes.slice(), version, known };
    return true;
  }

  private addSkipped(buf: Uint8Array, from: number, to: number): void {
    if (to <= from) return;
    if (!this.skipped) this.skipped = { start: this.offset + from, reason: this.reason, missing: 0, kept: [], count: 0 };
    const s = this.skipped;
    for (let i = from; i < to && s.kept.length < SKIP_KEEP; i++) s.kept.push(buf[i]!);
    s.count += to - from;
    if (s.reason === 'midstream' && !this.sawPacket && s.count > SYNC_BUDGET) {
      this.abandoned = true;
      this.skipped = null;
      this.parts = [];
      this.partsLength = 0;
    }
  }

  private flushSkip(atEnd = false): void {
    const s = this.skipped;
    this.skipped = null;
    if (!s || (s.count === 0 && s.missing === 0)) return;
    const code = {
      gap: 'capture.problem.gap',
      midstream: 'capture.problem.midstream',
      malformed: 'capture.problem.skipped',
      junk: atEnd ? 'capture.problem.trailing' : 'capture.problem.junk',
    }[s.reason];
    const problem: Problem = { code, params: { count: s.count, missing: s.missing, byte: hex2(s.kept[0] ?? 0) } };
    this.emitBad(s.start, Uint8Array.from(s.kept), [problem]);
  }
}
