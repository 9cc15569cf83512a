/**
 * `arduino`: the `c` header's arrays kept in flash with PROGMEM (an AVR has 2 KB of RAM; a signed CONNECT would take a
 * tenth of it), and a send helper that reads them back with pgm_read_byte(). AVR, ESP8266 and ESP32 cores all define
 * PROGMEM and pgm_read_byte() through <Arduino.h> (on ESP32 PROGMEM is empty and pgm_read_byte() a plain read).
 */
import type { FormatInput, FormatOptions, Formatted } from './formatter.js';
import { fromPieces } from './_pieces.js';
import { cHeaderPieces, UNUSED } from './_c-header.js';
import { checkName, identifiers } from './_bytes.js';
import { message } from '../messages.js';

export function formatArduino(input: FormatInput, options: FormatOptions = {}): Formatted {
  const prefix = checkName(options.name ?? 'mqtt');
  const send = `${prefix}_send_P`;
  const first = identifiers(prefix, input.packets.map((p) => p.name))[0] ?? `${prefix}_connect`;
  const pieces = cHeaderPieces(input, options, {
    guard: `${prefix.toUpperCase()}_PACKETS_H`,
    includes: ['<Arduino.h>'],
    declare: (id) => `${UNUSED} const uint8_t ${id}[] PROGMEM`,
    notes: [message('firmware.arduino.how', { send, first, FIRST: first.toUpperCase() }, options.lang)],
    after: sendHelper(send),
  });
  return fromPieces(pieces);
}

/**
 * Copies flash to a small stack buffer and writes it in chunks: Print::write(byte) would make one TCP segment per
 * byte on WiFiClient/EthernetClient. Print is the base of every Client and of Serial.
 */
function sendHelper(name: string): string {
  return `/* Writes n bytes of a PROGMEM array to a Client (or Serial); returns how many were written. */
static inline size_t ${name}(Print &out, const uint8_t *p, size_t n) {
  uint8_t chunk[64];
  size_t sent = 0;
  while (sent < n) {
    size_t k = n - sent < sizeof chunk ? n - sent : sizeof chunk;
    for (size_t i = 0; i < k; i++) chunk[i] = pgm_read_byte(p + sent + i);
    size_t written = out.write(chunk, k);
    sent += written;
    if (written != k) break;
  }
  return sent;
}`;
}
