/**
 * Node streams for the codec: decoderStream() is a Transform that takes bytes and gives out decoded packets
 * (objects: { packet, length, fields }). It is a thin adapter around the pure Decoder in src/mqtt/decoder.ts,
 * kept outside src/mqtt/ because the core knows nothing of node:stream.
 */
import { Transform } from 'node:stream';
import { Decoder, type DecoderOptions } from './mqtt/decoder.js';
import type { Decoded } from './mqtt/types.js';

/**
 * A Transform: bytes in (Buffer or Uint8Array chunks), one Decoded per packet out (object mode). A malformed packet,
 * one over maxPacketSize or a stream ending inside a packet destroys the stream with the DecodeError.
 */
export function decoderStream(opts?: DecoderOptions): Transform {
  const decoder = new Decoder(opts);
  return new Transform({
    readableObjectMode: true,
    transform(chunk: Uint8Array, _encoding, callback) {
      let packets: Decoded[];
      try {
        packets = decoder.push(chunk);
      } catch (error) {
        callback(error as Error);
        return;
      }
      for (const p of packets) this.push(p);
      callback();
    },
    flush(callback) {
      try {
        decoder.end();
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}
