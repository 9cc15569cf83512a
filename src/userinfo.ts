/**
 * A URL's password kept out of what is echoed back. Users paste broker URLs the way other clients take them
 * (mqtt://user:password@host); every message that quotes such a value (probe's target, --host) shows it through
 * maskUserinfo.
 */

/**
 * `input` with the password of its userinfo replaced by ***, for echoing a target back: everything between the
 * first ":" and the last "@". Not cut at the path as a URL parser would: a password typed with a "/", "?" or "#" in it
 * makes the parser read less of it, but it is still the user's secret (an "@" in a path is masked too: safe side).
 */
export function maskUserinfo(input: string): string {
  const start = /^\s*[a-z][a-z0-9+.-]*:\/\//i.exec(input)?.[0].length ?? 0;
  const rest = input.slice(start);
  const at = rest.lastIndexOf('@');
  const colon = rest.indexOf(':');
  if (at < 0 || colon < 0 || colon > at) return input;
  return `${input.slice(0, start)}${rest.slice(0, colon + 1)}***${rest.slice(at)}`;
}
