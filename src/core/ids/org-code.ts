/**
 * Organization code (组织机构代码, GB 11714-1997), DESIGN.md §2.1: 8 body
 * characters and a MOD 11 check character, often written `XXXXXXXX-C`.
 * It misses substitutions whose values differ by 11 or 22 (e.g. 1↔C).
 */

import { ok, err, type Result } from '../result.ts';
import { checkError, type IdError } from './errors.ts';
import { normalizeIdentifier } from './normalize.ts';
import { shapeError } from './shape.ts';

/** Body characters; a character's value is its index (A = 10 … Z = 35). */
export const ORG_BODY_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const CHECK_ALPHABET = '0123456789X';
const WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;
const LENGTH = 9;
const NAME = 'an organization code';

/** A valid code in canonical form, without the hyphen (e.g. 'D2143569X'). */
export interface OrgCodeValue {
  readonly normalized: string;
}

/**
 * Computes the check character over the 8 body characters.
 * @param body 8 characters, all in {@link ORG_BODY_ALPHABET}
 */
export function orgCheckChar(body: string): string {
  let sum = 0;
  for (let i = 0; i < WEIGHTS.length; i++) sum += ORG_BODY_ALPHABET.indexOf(body.charAt(i)) * (WEIGHTS[i] ?? 0);
  const check = 11 - (sum % 11);
  if (check === 10) return 'X';
  if (check === 11) return '0';
  return String(check);
}

/** Validates an organization code (normalizing it first, so `D2143569-X` is accepted). */
export function validateOrgCode(raw: string): Result<OrgCodeValue, IdError> {
  const normalized = normalizeIdentifier(raw);
  const shape = shapeError(normalized, LENGTH, (i) => (i < LENGTH - 1 ? ORG_BODY_ALPHABET : CHECK_ALPHABET), NAME);
  if (shape) return err(shape);
  const expected = orgCheckChar(normalized.slice(0, LENGTH - 1));
  const found = normalized.charAt(LENGTH - 1);
  if (expected !== found) return err(checkError(expected, found, LENGTH));
  return ok({ normalized });
}
