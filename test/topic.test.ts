// validTopicFilter is a hand-written scan; this checks it against the spec's rule written the obvious way (levels split on '/').
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { validTopicFilter } from '../src/mqtt/topic.js';

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
});
