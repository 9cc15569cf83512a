// The UsageError a call throws; anything else thrown (a TypeError from a bug) or nothing thrown fails the test.
import { UsageError } from '../../src/errors.js';

export function catchError(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw new Error(`expected a UsageError, got ${String(err)}`, { cause: err });
  }
  throw new Error('expected an error');
}
