/**
 * IP reassembly for TCP carried in IPv4 fragments (RFC 791) or IPv6 fragments (RFC 8200 4.5): a device with a small
 * MTU, or a VPN, fragments a big CONNECT. Memory is bounded: a datagram whose fragments do not all arrive within
 * FRAGMENT_KEEP_SEC of capture time is dropped, and so is the oldest one once FRAGMENT_SETS_MAX datagrams or
 * FRAGMENT_BYTES_MAX bytes are waiting. Overlapping fragments discard the whole datagram, including the fragments of
 * it still to come (RFC 5722 for IPv6; Linux does the same for IPv4 since 4.19), so what is decoded is what the
 * receiving host would have read; an exact duplicate (same offset and length: a capture on two interfaces, a
 * retransmission by a middlebox) is ignored (RFC 8200 4.5). Frames holding fragments that were dropped are counted
 * (`unread`), for the summary to say that data is missing.
 */

/** Capture seconds a datagram may take to complete (RFC 8200 4.5 gives 60 s; Linux waits 30 s). */
const FRAGMENT_KEEP_SEC = 60;
/** Datagrams waiting for their fragments at once; past this the oldest is dropped. */
const FRAGMENT_SETS_MAX = 1024;
/** Fragment bytes held over all datagrams (Linux's ipfrag_high_thresh is 4 MB); past this the oldest is dropped. */
const FRAGMENT_BYTES_MAX = 4 << 20;
/** Fragments of one datagram (a 64 KiB datagram in 1280-byte IPv6 packets, 1,232 data bytes each, is 54). */
const FRAGMENTS_MAX = 512;
/** An IP datagram is at most this long (IPv4 total length; IPv6 payload length without jumbograms). */
const DATAGRAM_MAX = 65535;

interface Piece {
  readonly offset: number;
  readonly data: Uint8Array;
}

interface FragmentSet {
  /** Capture time (seconds) of its first fragment. */
  readonly first: number;
  pieces: Piece[];
  /** Bytes of the fragmentable part received (no two pieces overlap, so this is what is covered). */
  received: number;
  /** The datagram's length past the fragment header, once its last fragment (more fragments = 0) came; else -1. */
  total: number;
  /** IPv6: the Next Header of the fragment at offset 0 (what the reassembled part starts with); -1 before it. */
  next: number;
  /** Frames that gave it a fragment. */
  frames: number;
  /** Overlapping fragments came: the datagram is discarded, and its fragments still to come with it. */
  discarded: boolean;
}

/** The reassembled part of a datagram: for IPv4 the TCP segment, for IPv6 what followed the fragment header. */
interface Reassembled {
  readonly data: Uint8Array;
  /** IPv6: the Next Header the data starts with; IPv4: 6. */
  readonly next: number;
}

export class Defragmenter {
  /** Datagrams waiting, in the order their first fragment came (a Map keeps insertion order): the oldest first. */
  private readonly sets = new Map<string, FragmentSet>();
  private held = 0;
  /** Frames holding fragments that were dropped: the datagram never completed, overlapped, or went past a limit. */
  unread = 0;

  /** Whether any datagram is waiting (so the caller need not call expire on every frame). */
  get waiting(): boolean {
    return this.sets.size > 0;
  }

  /** Drop the datagrams that began more than FRAGMENT_KEEP_SEC before `now`. */
  expire(now: number): void {
    for (const [key, set] of this.sets) {
      if (set.first + FRAGMENT_KEEP_SEC >= now) break;
      this.drop(key, set);
    }
  }

  /**
   * One fragment: `offset` in bytes, `more` its more-fragments flag, `data` what follows the IP header (IPv4) or
   * the fragment header (IPv6), a view that is copied if kept; `next` is the IPv6 fragment header's Next Header (6
   * for IPv4). Returns the whole datagram's part once its last hole is filled, else null.
   */
  add(key: string, offset: number, more: boolean, data: Uint8Array, next: number, now: number): Reassembled | null {
    let set = this.sets.get(key);
    if (!set) {
      // The first fragment waits; a fragment that alone is the whole datagram (an IPv6 atomic fragment) does not.
      if (offset === 0 && !more) return { data, next };
      set = { first: now, pieces: [], received: 0, total: -1, next: -1, frames: 0, discarded: false };
      this.sets.set(key, set);
    }
    set.frames++;
    if (set.discarded) {
      this.unread++;
      set.frames = 0;
      return null;
    }
    const end = offset + data.length;
    // A fragment past the largest datagram, one that is not the last yet is not a multiple of 8 bytes long (RFC 8200
    // 4.5: discarded), an empty one: unusable, the datagram cannot complete as sent.
    if (end > DATAGRAM_MAX || (more && data.length % 8 !== 0) || data.length === 0) return this.discard(key, set);
    for (const p of set.pieces) {
      const pEnd = p.offset + p.data.length;
      if (offset < pEnd && p.offset < end) {
        if (p.offset === offset && pEnd === end) {
          // An exact duplicate: ignored, the datagram goes on (its frame carries nothing new, so it is not missing).
          set.frames--;
          return null;
        }
        return this.discard(key, set);
      }
    }
    // A last fragment that disagrees with an earlier one about the length, or data past the known end.
    if ((!more && set.total !== -1 && set.total !== end) || (set.total !== -1 && end > set.total)) return this.discard(key, set);
    if (!more) {
      set.total = end;
      for (const p of set.pieces) if (p.offset + p.data.length > end) return this.discard(key, set);
    }
    if (offset === 0) set.next = next;
    set.pieces.push({ offset, data: Uint8Array.prototype.slice.call(data) });
    set.received += data.length;
    this.held += data.length;
    if (set.received === set.total) {
      this.sets.delete(key);
      this.held -= set.received;
      const whole = new Uint8Array(set.total);
      for (const p of set.pieces) whole.set(p.data, p.offset);
      return { data: whole, next: set.next };
    }
    if (set.pieces.length > FRAGMENTS_MAX) return this.discard(key, set);
    // Over a limit: the oldest datagrams go first (this one too, should it be the only one).
    while (this.sets.size > FRAGMENT_SETS_MAX || this.held > FRAGMENT_BYTES_MAX) {
      const [oldKey, oldSet] = this.sets.entries().next().value as [string, FragmentSet];
      this.drop(oldKey, oldSet);
    }
    return null;
  }

  /** The capture ended: what still waits never completed. */
  end(): void {
    for (const [key, set] of this.sets) this.drop(key, set);
  }

  /** Overlapping or unusable fragments: the datagram is discarded, and a marker stays to discard the rest of it. */
  private discard(key: string, set: FragmentSet): null {
    this.unread += set.frames;
    set.frames = 0;
    this.held -= set.received;
    set.pieces = [];
    set.received = 0;
    set.discarded = true;
    return null;
  }

  private drop(key: string, set: FragmentSet): void {
    this.unread += set.frames;
    this.held -= set.received;
    this.sets.delete(key);
  }
}
