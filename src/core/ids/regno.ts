/**
 * Business registration number (工商注册号), DESIGN.md §2.1: 15 digits, the
 * last an ISO 7064 MOD 11,10 check digit. It catches every substitution but
 * misses some adjacent transpositions.
 */

import { ok, err, type Result } from '../result.ts';
import { checkError, type IdError } from './errors.ts';
import { normalizeIdentifier } from './normalize.ts';
import { shapeError } from './shape.ts';

const DIGITS = '0123456789';
const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LENGTH = 15;
const NAME = 'a business registration number';

/** An accepted number. `unverifiable` when it holds letters (real data does), so no check was possible. */
export interface RegNoValue {
  readonly normalized: string;
  readonly unverifiable: boolean;
}

/**
 * Computes the ISO 7064 MOD 11,10 check digit.
 * @param body 14 decimal digits
 */
export function regnoCheckDigit(body: string): string {
  let p = 10;
  for (const char of body) {
    const t = (p + Number(char)) % 10 || 10;
    p = (2 * t) % 11;
  }
  return String((11 - p) % 10);
}

/**
 * Validates a business registration number (normalizing it first). A
 * 15-character value with letters is accepted as `unverifiable`, not rejected.
 */
export function validateRegNo(raw: string): Result<RegNoValue, IdError> {
  const normalized = normalizeIdentifier(raw);
  const shape = shapeError(normalized, LENGTH, () => ALPHANUMERIC, NAME);
  if (shape) return err(shape);
  if (![...normalized].every((c) => DIGITS.includes(c))) return ok({ normalized, unverifiable: true });
  const expected = regnoCheckDigit(normalized.slice(0, LENGTH - 1));
  const found = normalized.charAt(LENGTH - 1);
  if (expected !== found) return err(checkError(expected, found, LENGTH));
  return ok({ normalized, unverifiable: false });
}
