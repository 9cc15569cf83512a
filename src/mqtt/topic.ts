/**
 * Topic Name and Topic Filter validity as pure predicates (3.1.1 §4.7, 5.0 §4.7, §4.8.2). Length limits and UTF-8
 * well-formedness belong to the string encoding and are checked there.
 */

/** A topic to publish to: at least one character [MQTT-4.7.3-1], no U+0000 [MQTT-4.7.3-2], no wildcard [MQTT-4.7.1-1]. */
export function validTopicName(topic: string): boolean {
  return topic.length > 0 && !/[+#\u0000]/.test(topic);
}

/**
 * A topic to subscribe to: at least one character, no U+0000; `#` only as the whole last level [MQTT-4.7.1-2];
 * `+` only as a whole level [MQTT-4.7.1-3].
 */
export function validTopicFilter(filter: string): boolean {
  if (filter.length === 0 || filter.includes('\u0000')) return false;
  const levels = filter.split('/');
  return levels.every((level, i) => {
    if (level.includes('#')) return level === '#' && i === levels.length - 1;
    return !level.includes('+') || level === '+';
  });
}

/**
 * The parts of a 5.0 shared subscription `$share/{ShareName}/{filter}`, or undefined when `filter` is not one.
 * A ShareName is at least one character with no `/`, `+` or `#` [MQTT-4.8.2-1], and a filter follows it [MQTT-4.8.2-2].
 * Returns null for a `$share/` filter that breaks those rules.
 */
export function sharedSubscription(filter: string): { shareName: string; filter: string } | null | undefined {
  if (!filter.startsWith('$share/')) return undefined;
  const slash = filter.indexOf('/', 7);
  const shareName = slash < 0 ? filter.slice(7) : filter.slice(7, slash);
  const rest = slash < 0 ? '' : filter.slice(slash + 1);
  if (shareName.length === 0 || /[+#]/.test(shareName) || !validTopicFilter(rest)) return null;
  return { shareName, filter: rest };
}
