/**
 * Feeds a script's steps to a simulated modem the way a test rig would from `--format json`'s `at` array: send the
 * command with CR LF; when the step has data, wait for `>` and send the bytes; then wait for the expected line, or
 * stop at the first line that is a failure (ERROR, or the expected line's prefix with another value).
 */
import type { AtStep } from '../../../src/format/at-steps.js';
import type { OutLine, SerialModem } from './serial.js';

export interface RunResult {
  readonly ok: boolean;
  /** Index of the step that failed. */
  readonly failedAt?: number;
  /** The line that ended the failing step. */
  readonly failure?: string;
}

const prefix = (line: string): string => line.replace(/[:,].*$/, '');

export async function runScript(modem: SerialModem, steps: readonly AtStep[], timeoutMs = 10_000): Promise<RunResult> {
  for (const [i, step] of steps.entries()) {
    const from = modem.out.length;
    modem.write(`${step.command}\r\n`);
    if (step.data) {
      const prompt = await waitFor(modem, from, (l) => l.text === '>' || l.text === 'ERROR', timeoutMs);
      if (prompt.text !== '>') return { ok: false, failedAt: i, failure: prompt.text };
      modem.write(step.data);
    }
    const end = await waitFor(modem, from, (l) => l.text === step.expect || l.text === 'ERROR' || l.text.startsWith('SIMULATOR') || (l.text !== 'OK' && prefix(l.text) === prefix(step.expect) && l.text.startsWith('+')), timeoutMs);
    if (end.text !== step.expect) return { ok: false, failedAt: i, failure: end.text };
  }
  return { ok: true };
}

/** The first output line from index `from` on that matches; rejects after the timeout with what was seen. */
export async function waitFor(modem: SerialModem, from: number, match: (l: OutLine) => boolean, timeoutMs = 10_000): Promise<OutLine> {
  const deadline = Date.now() + timeoutMs;
  for (let seen = from; ; ) {
    for (; seen < modem.out.length; seen++) if (match(modem.out[seen]!)) return modem.out[seen]!;
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`timed out; modem said: ${modem.out.slice(from).map((l) => l.text).join(' | ')}`);
    await Promise.race([modem.next(), new Promise((r) => setTimeout(r, left))]);
  }
}
