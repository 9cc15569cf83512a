/**
 * `arduino`: the `c` arrays kept in flash with PROGMEM (AVR has 2 KB of RAM; a signed CONNECT would take a tenth of it).
 * The sketch reads them back with pgm_read_byte() or memcpy_P() before client.write().
 */
import type { FormatInput, FormatOptions, Formatted } from './formatter.js';
import { cArrays } from './c-array.js';
import { message } from '../messages.js';

export function formatArduino(input: FormatInput, options: FormatOptions = {}): Formatted {
  const body = cArrays(input, options, (id) => `const uint8_t ${id}[] PROGMEM`);
  return { output: `// ${message('format.arduino.hint', {}, options.lang)}\n\n${body}`, report: [], warnings: [] };
}
