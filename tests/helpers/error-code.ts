/** The catalogue code a promise is rejected with (tests assert codes, never message text). */
import { CredfedError, type ErrorCode } from '../../src/core/errors.js';

/** undefined when `p` resolves; its CredfedError's code when rejected; any other error is rethrown. */
export async function codeOf(p: Promise<unknown>): Promise<ErrorCode | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    if (e instanceof CredfedError) return e.code;
    throw e;
  }
}
