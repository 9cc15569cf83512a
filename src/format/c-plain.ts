/**
 * `c` without --runtime: a header with one `static const uint8_t` array and one `#define <NAME>_LEN` per packet, 16
 * bytes a line, ready to paste into firmware. One comment on top names the broker, clientId and username (never the
 * secret) and gives the size report; an include guard makes it safe to include twice, and each array is marked
 * unused so a firmware that sends only some of them still builds with -Wall -Wextra -Werror (C89, C99 and C++).
 */
import type { FormatInput, FormatOptions, Formatted } from './formatter.js';
import { checkName } from './_bytes.js';
import { fromPieces } from './_pieces.js';
import { cHeaderPieces, UNUSED } from './_c-header.js';

export function formatPlainC(input: FormatInput, options: FormatOptions = {}): Formatted {
  const prefix = checkName(options.name ?? 'mqtt');
  const pieces = cHeaderPieces(input, options, {
    guard: `${prefix.toUpperCase()}_PACKETS_H`,
    includes: ['<stdint.h>'],
    declare: (id) => `${UNUSED} static const uint8_t ${id}[]`,
  });
  return fromPieces(pieces);
}
