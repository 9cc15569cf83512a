/**
 * decode's and verify's [input] argument: a file only if that path can be opened; otherwise the argument itself is
 * the data (hex, a C array, a log line, base64 …). When it is neither, the one error line says both.
 */
import { MqttSignError, UsageError } from '../errors.js';
import type { Lang } from '../messages.js';
import type { Io } from './io.js';

/** Reasons an open fails that mean "no such file here", so the argument is read as data instead. */
const NOT_A_PATH = new Set(['ENOENT', 'ENAMETOOLONG', 'ENOTDIR', 'EINVAL', 'ERR_INVALID_ARG_VALUE', 'ERR_INVALID_ARG_TYPE']);

interface ArgumentInput {
  chunks: AsyncIterable<Uint8Array>;
  /** Why the argument is not a file (ENOENT …) once it is known to be data; undefined while it is a file. */
  notAFile(): string | undefined;
}

export function argumentInput(io: Io, arg: string, signal?: AbortSignal): ArgumentInput {
  let notAFile: string | undefined;
  async function* chunks(): AsyncIterable<Uint8Array> {
    const iterator = io.streamFile(arg, signal)[Symbol.asyncIterator]();
    let first: IteratorResult<Uint8Array>;
    try {
      first = await iterator.next();
    } catch (err) {
      if (err instanceof MqttSignError) throw err;
      const reason = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
      if (!NOT_A_PATH.has(reason)) throw new UsageError('decode.input.file', { option: '[input]', value: arg, reason });
      notAFile = reason;
      yield new TextEncoder().encode(arg);
      return;
    }
    try {
      for (let next = first; !next.done; next = await iterator.next()) yield next.value;
    } catch (err) {
      if (err instanceof MqttSignError) throw err;
      const reason = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
      throw new UsageError('decode.input.file', { option: '[input]', value: arg, reason });
    }
  }
  return { chunks: chunks(), notAFile: () => notAFile };
}

/** The argument was read as data because it is no file, and the data could not be read either: both, in one line. */
class NeitherFileNorBytesError extends UsageError {
  constructor(
    value: string,
    reason: string,
    readonly inner: MqttSignError,
  ) {
    super('decode.input.neither', { option: '[input]', value: value.length > 40 ? `${value.slice(0, 40)}…` : value, reason });
  }

  override localized(lang: Lang, terminal = false): { message: string; hint: string | undefined } {
    const own = super.localized(lang, terminal);
    const inner = this.inner.localized(lang, terminal);
    return { message: `${own.message}${lang === 'zh' ? '；' : '; '}${inner.message}`, hint: inner.hint ?? own.hint };
  }
}

/** Wraps a data-reading error of an argument that is no file; other errors pass unchanged. */
export function explainArgument(err: unknown, arg: string, input: ArgumentInput): unknown {
  const reason = input.notAFile();
  if (reason === undefined || !(err instanceof MqttSignError) || !err.code.startsWith('capture.input.')) return err;
  return new NeitherFileNorBytesError(arg, reason, err);
}

/** The batches of an argument read as data, with its reading errors explained as above. */
export async function* explainedBatches<T>(batches: AsyncIterable<T>, arg: string, input: ArgumentInput): AsyncIterable<T> {
  try {
    yield* batches;
  } catch (err) {
    throw explainArgument(err, arg, input);
  }
}
