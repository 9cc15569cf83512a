// Read our own text formats back into bytes, independently of the formatters, so tests check content, not looks.

/** Every `{ 0x.., … }` array in C or Arduino source, with the identifier before it and its #define _LEN. */
export function cArrays(source: string): { name: string; bytes: number[]; len: number | undefined }[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
  return [...code.matchAll(/uint8_t\s+(\w+)\[\](?:\s+PROGMEM)?\s*=\s*\{([^}]*)\};/g)].map((m) => {
    const name = m[1]!;
    const bytes = m[2]!.split(',').map((t) => t.trim()).filter((t) => t !== '').map((t) => {
      if (!/^0x[0-9A-F]{2}$/.test(t)) throw new Error(`not an uppercase 0xNN byte: ${t}`);
      return parseInt(t.slice(2), 16);
    });
    const len = new RegExp(`#define ${name.toUpperCase()}_LEN (\\d+)`).exec(code)?.[1];
    return { name, bytes, len: len === undefined ? undefined : Number(len) };
  });
}

/** Space-separated or compact hex, one packet a line. */
export function hexLines(text: string): number[][] {
  return text.trimEnd().split('\n').map((line) => {
    const digits = line.replace(/ /g, '');
    if (!/^([0-9A-F]{2})+$/.test(digits)) throw new Error(`not uppercase hex: ${line}`);
    return digits.match(/../g)!.map((h) => parseInt(h, 16));
  });
}

export function hexOf(bytes: Uint8Array | number[]): string {
  return Buffer.from(bytes).toString('hex');
}

/**
 * The bytes an AT script sends, read back as lowercase hex: `AT+CIPSEND=<n>` / `AT+QSSLSEND=0,<n>` followed by a hex
 * line of exactly n bytes, or `AT+QISENDEX=0,"<hex>"` (at most 512 bytes each).
 */
export function atSent(script: string): string {
  const lines = script.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  let out = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const ex = /^AT\+QISENDEX=0,"([0-9A-F]*)"$/.exec(line);
    if (ex) {
      if (ex[1]!.length / 2 > 512) throw new Error(`QISENDEX over 512 bytes: ${ex[1]!.length / 2}`);
      out += ex[1]!.toLowerCase();
      continue;
    }
    const send = /^AT\+(?:CIPSEND=|QSSLSEND=0,)(\d+)$/.exec(line);
    if (send) {
      const bytes = hexLines(lines[++i] ?? '')[0]!;
      if (bytes.length !== Number(send[1])) throw new Error(`${line} followed by ${bytes.length} bytes`);
      out += hexOf(bytes);
    }
  }
  return out;
}
