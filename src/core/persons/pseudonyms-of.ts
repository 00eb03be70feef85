/**
 * Finding a person by their identity number (`credfed ids resolve ID`):
 * the store holds only pseudonyms, so a look-up computes the number's
 * pseudonyms under the configured keys and looks those up (any of them
 * matches: during a key rotation a subject may be linked under either key).
 */

import type { IdError } from '../ids/errors.ts';
import { validateIdentifier } from '../ids/scheme.ts';
import { err, ok, type Result } from '../result.ts';
import { pseudonymiseAll, type PseudonymKey } from './pseudonym.ts';

/**
 * The pseudonyms of a resident identity number as typed (normalized and
 * check-validated first) under `keys`, the current key first. An empty list
 * when no key is configured. Error: the rule the number failed.
 */
export function pseudonymsOf(ric: string, keys: readonly PseudonymKey[]): Result<string[], IdError> {
  const checked = validateIdentifier('ric', ric);
  if (checked.error) return err(checked.error);
  return ok(pseudonymiseAll(checked.value.normalized, keys));
}
