// validTopicFilter is a hand-written scan; this checks it against the spec's rule written the obvious way (levels split on '/').
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { INVALID_FILTER, NON_ASCII_FILTER, scanTopicFilter, validTopicFilter } from '../src/mqtt/topic.js';
import { utf8Length } from '../src/wire.js';

/** [MQTT-4.7.1-2] `#` only as the whole last level, [MQTT-4.7.1-3] `+` only as a whole level, no U+0000, not empty. */
function byLevels(filter: string): boolean {
  if (filter.length === 0 || filter.includes('\u0000')) return false;
  const levels = filter.split('/');
  return levels.every((level, i) => (level.includes('#') ? level === '#' && i === levels.length - 1 : !level.includes('+') || level === '+'));
}

describe('validTopicFilter', () => {
  it('agrees with the level-by-level rule on strings made of / + # a and U+0000', () => {
    const text = fc.string({ unit: fc.constantFrom('/', '+', '#', 'a', '\u0000', 'é'), maxLength: 12 });
    fc.assert(fc.property(text, (filter) => validTopicFilter(filter) === byLevels(filter)), { numRuns: 20000 });
  });

  // SUBSCRIBE encode takes the length from this scan when it is not negative, so it must be the UTF-8 length exactly.
  it('scanTopicFilter: the UTF-8 length of a valid all-ASCII filter, NON_ASCII_FILTER for another valid one, INVALID_FILTER otherwise', () => {
    const text = fc.string({ unit: fc.constantFrom('/', '+', '#', 'a', '\u0000', '\u007f', '\u0080', 'é', '中', '\u{1F600}'), maxLength: 12 });
    fc.assert(
      fc.property(text, (filter) => {
        const scanned = scanTopicFilter(filter);
        const ascii = [...filter].every((c) => c.charCodeAt(0) < 0x80);
        const want = !byLevels(filter) ? INVALID_FILTER : ascii ? utf8Length(filter) : NON_ASCII_FILTER;
        return scanned === want;
      }),
      { numRuns: 20000 },
    );
  });
});
