/**
 * Resident identity number (居民身份证号, GB 11643-1999), DESIGN.md §2.1:
 * 6 area digits, birth date YYYYMMDD, 3 sequence digits (the last odd for
 * men), and a MOD 11 check character (0–9 or X). Personal data: display it
 * only through {@link maskRic} (DESIGN.md §2.5).
 */

import { ok, err, type Result } from '../result.ts';
import { checkError, dateError, type IdError } from './errors.ts';
import { maskIdentifier } from './mask.ts';
import { normalizeIdentifier } from './normalize.ts';
import { shapeError } from './shape.ts';

const DIGITS = '0123456789';
const CHECK_ALPHABET = '0123456789X';
const CHECK_CHARS = '10X98765432'; // indexed by Σ mod 11
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const LENGTH = 18;
const MIN_YEAR = 1850;
const NAME = 'a resident identity number';

/** A valid number with what it says about its holder. */
export interface RicValue {
  readonly normalized: string;
  /** Positions 1–6. */
  readonly areaCode: string;
  /** YYYY-MM-DD. */
  readonly birthDate: string;
  readonly sex: 'male' | 'female';
}

/**
 * Computes the check character over the first 17 digits.
 * @param body 17 decimal digits
 */
export function ricCheckChar(body: string): string {
  let sum = 0;
  for (let i = 0; i < WEIGHTS.length; i++) sum += Number(body.charAt(i)) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARS.charAt(sum % 11);
}

/** Returns why `yyyymmdd` (8 digits) is not an acceptable birth date, or undefined. */
function birthDateProblem(yyyymmdd: string): string | undefined {
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  if (year < MIN_YEAR) return `is before ${MIN_YEAR}`;
  const date = new Date(Date.UTC(year, month - 1, day));
  const real = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return real ? undefined : 'is not a real calendar date';
}

/**
 * Validates a resident identity number (normalizing it first) and returns
 * its area code, birth date and sex. The birth date must be a real calendar
 * date in or after 1850; it is checked before the check character.
 */
export function validateRic(raw: string): Result<RicValue, IdError> {
  const normalized = normalizeIdentifier(raw);
  const shape = shapeError(normalized, LENGTH, (i) => (i < LENGTH - 1 ? DIGITS : CHECK_ALPHABET), NAME);
  if (shape) return err(shape);
  const yyyymmdd = normalized.slice(6, 14);
  const problem = birthDateProblem(yyyymmdd);
  if (problem) return err(dateError(yyyymmdd, problem));
  const expected = ricCheckChar(normalized.slice(0, LENGTH - 1));
  const found = normalized.charAt(LENGTH - 1);
  if (expected !== found) return err(checkError(expected, found, LENGTH));
  return ok({
    normalized,
    areaCode: normalized.slice(0, 6),
    birthDate: `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`,
    sex: Number(normalized.charAt(16)) % 2 === 1 ? 'male' : 'female',
  });
}

/**
 * Masks an identity number for display: normalizes it, keeps the first 3
 * and last 4 characters and replaces the rest with '*'
 * (`11010519491231002X` → `110***********002X`). A value of 7 characters
 * or fewer is masked completely, so that nothing of a fragment leaks.
 * New code displays through {@link maskIdentifier} (first 6 and last 4 by default).
 */
export function maskRic(value: string): string {
  return maskIdentifier(normalizeIdentifier(value), { keepFirst: 3, keepLast: 4 });
}
