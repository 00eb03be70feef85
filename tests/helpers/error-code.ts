/** The catalogue code a piece of work fails with (tests assert codes, never message text). */
import { CredfedError, type ErrorCode } from '../../src/core/errors.js';

/**
 * undefined when the work succeeds; its CredfedError's code when it fails; any
 * other error is rethrown. Give a function to catch synchronous throws too.
 */
export async function codeOf(work: Promise<unknown> | (() => unknown)): Promise<ErrorCode | undefined> {
  try {
    await (typeof work === 'function' ? work() : work);
    return undefined;
  } catch (e) {
    if (e instanceof CredfedError) return e.code;
    throw e;
  }
}
