/**
 * --publish / --subscribe / --unsubscribe values: a platform's standard topic name, a topic, or `topic:<literal>`.
 * A value that is neither a known name nor of the platform's topic shape (rules.topicShape) is a typo of a name:
 * it must not fall through to a literal topic, because a cloud disconnects a device that uses an unauthorised one.
 */
import { UsageError } from '../errors.js';
import { message } from '../messages.js';
import type { PlatformRules, PlatformTopic, Warning } from '../platforms/types.js';

/** The documented way to send to a topic exactly as written, whatever the platform's names and shape. */
const LITERAL_PREFIX = 'topic:';

export interface TopicUse {
  /** The flag the value came from, for messages. */
  readonly option: '--publish' | '--subscribe' | '--unsubscribe';
  readonly value: string;
}

/** The topic a value means; throws for a mistyped name, and pushes a note when a name is used against its direction. */
export function resolveTopic(use: TopicUse, topics: readonly PlatformTopic[], rules: PlatformRules, notes: Warning[]): string {
  const { option, value } = use;
  if (value.startsWith(LITERAL_PREFIX)) return value.slice(LITERAL_PREFIX.length);
  const standard = topics.find((t) => t.name === value);
  if (standard) {
    const wrong = (option === '--publish' && standard.direction === 'subscribe') || (option === '--subscribe' && standard.direction === 'publish');
    if (wrong) notes.push(note('cli.topic.direction', { option, name: value, direction: standard.direction }));
    return standard.topic;
  }
  // A system topic without its "$" (Tencent answers SUBACK 0x80; the others disconnect): say which one was meant.
  const dollar = topics.find((t) => t.topic === `$${value}`);
  if (dollar) throw new UsageError('cli.topic.dollar', { option, value, topic: dollar.topic, name: dollar.name });
  const shape = rules.topicShape;
  // An empty value is left to the encoder, which names the empty filter.
  if (shape && value !== '' && (!value.includes('/') || (shape.prefix !== undefined && !value.startsWith(shape.prefix)))) {
    throw new UsageError('cli.topic.unknown', {
      option,
      value,
      closest: closest(value, topics.map((t) => t.name)).join(', '),
      literal: `${option} ${LITERAL_PREFIX}${value}`,
    });
  }
  return value;
}

function note(code: string, params: Readonly<Record<string, string>>): Warning {
  return { code, message: message(code, params), params };
}

/** Up to three names nearest to `value` by edit distance (ties in table order). */
function closest(value: string, names: readonly string[]): string[] {
  return names
    .map((name, i) => ({ name, i, d: distance(value.toLowerCase(), name) }))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .slice(0, 3)
    .map((x) => x.name);
}

/** Levenshtein distance; inputs are flag values (bounded by the shell), rows kept to one at a time. */
function distance(a: string, b: string): number {
  // Long values are not names: cap the work at what a mistyped name can be.
  const s = a.slice(0, 64);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (s[i - 1] === b[j - 1] ? 0 : 1)));
    }
    prev = row;
  }
  return prev[b.length]!;
}
