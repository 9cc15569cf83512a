/** Which capture format a file is, from its first four bytes (the magic number). */
import { PCAP_MAGIC } from './pcap.js';
import { PCAPNG_MAGIC } from './pcapng.js';

/** 'pcap' or 'pcapng', or null for anything else (pasted text, packet bytes). */
export function captureFormat(head: Uint8Array): 'pcap' | 'pcapng' | null {
  if (head.length < 4) return null;
  const magic = ((head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!) >>> 0;
  if ((PCAP_MAGIC as readonly number[]).includes(magic)) return 'pcap';
  if (magic === PCAPNG_MAGIC) return 'pcapng';
  return null;
}
