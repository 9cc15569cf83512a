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
  return scanTopicFilter(filter) !== INVALID_FILTER;
}

/** scanTopicFilter's answer for a filter that breaks a rule. */
export const INVALID_FILTER = -1;
/** scanTopicFilter's answer for a valid filter with a character outside ASCII: its UTF-8 length is still to be measured. */
export const NON_ASCII_FILTER = -2;

/**
 * A valid all-ASCII filter's length (its UTF-8 length too), else INVALID_FILTER or NON_ASCII_FILTER. One scan of char
 * codes: it runs for every filter of every SUBSCRIBE, where the validity check and a UTF-8 measure were two scans.
 */
export function scanTopicFilter(filter: string): number {
  const n = filter.length;
  if (n === 0) return INVALID_FILTER;
  let ascii = true;
  for (let i = 0; i < n; i++) {
    const c = filter.charCodeAt(i);
    if (c === HASH) {
      // `#` must be the whole last level: at the end, and at the start or right after a `/`.
      if (i !== n - 1 || (i > 0 && filter.charCodeAt(i - 1) !== SLASH)) return INVALID_FILTER;
    } else if (c === PLUS) {
      if ((i > 0 && filter.charCodeAt(i - 1) !== SLASH) || (i < n - 1 && filter.charCodeAt(i + 1) !== SLASH)) return INVALID_FILTER;
    } else if (c === 0) {
      return INVALID_FILTER;
    } else if (c >= 0x80) {
      ascii = false;
    }
  }
  return ascii ? n : NON_ASCII_FILTER;
}

const SLASH = 0x2f;
const PLUS = 0x2b;
const HASH = 0x23;

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
