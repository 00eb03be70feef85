/**
 * One entry point over all identifier schemes: validate under a named
 * scheme, detect which checked schemes an input is valid under, and guess
 * the intended scheme from the input's shape to explain a failure.
 */

import { ok, err, type Result } from '../result.ts';
import type { IdError } from './errors.ts';
import { normalizeIdentifier } from './normalize.ts';
import { validateOrgCode } from './org-code.ts';
import { validateInstitutionNo, validateSocialOrgNo, validateTaxNo } from './other-ids.ts';
import { validateRegNo } from './regno.ts';
import { validateRic } from './ric.ts';
import { validateUscc } from './uscc.ts';
import { validatePseudonym } from '../persons/pseudonym.ts';

/** The identifier schemes credfed knows. */
export type IdScheme = 'uscc' | 'org' | 'regno' | 'ric' | 'tax' | 'institution' | 'social_org' | 'ric_pseudonym';

/** The schemes with a check character, which {@link detectSchemes} considers. */
export const CHECKED_SCHEMES = ['uscc', 'org', 'regno', 'ric'] as const satisfies readonly IdScheme[];

/** An accepted identifier. `unverifiable` is set (true) only when no check was possible on a checked scheme. */
export interface IdentifierValue {
  readonly scheme: IdScheme;
  readonly normalized: string;
  readonly unverifiable?: boolean;
}

type Validator = (raw: string) => Result<{ readonly normalized: string; readonly unverifiable?: boolean }, IdError>;

const VALIDATORS: Readonly<Record<IdScheme, Validator>> = {
  uscc: validateUscc,
  org: validateOrgCode,
  regno: validateRegNo,
  ric: validateRic,
  tax: validateTaxNo,
  institution: validateInstitutionNo,
  social_org: validateSocialOrgNo,
  ric_pseudonym: validatePseudonym,
};

/** Validates `raw` under `scheme` (normalizing it first). */
export function validateIdentifier(scheme: IdScheme, raw: string): Result<IdentifierValue, IdError> {
  const result = VALIDATORS[scheme](raw);
  if (result.error) return err(result.error);
  const { normalized, unverifiable } = result.value;
  return ok(unverifiable ? { scheme, normalized, unverifiable: true } : { scheme, normalized });
}

/**
 * Returns every checked scheme (uscc, org, regno, ric) `raw` is valid under,
 * in that order. More than one means ambiguous: an 18-digit string can pass
 * both the USCC and the resident-ID check. A regno with letters counts, as
 * it is accepted (unverifiable).
 */
export function detectSchemes(raw: string): IdScheme[] {
  return CHECKED_SCHEMES.filter((scheme) => !VALIDATORS[scheme](raw).error);
}

/**
 * Returns the checked scheme `raw` was most likely meant as, so a caller can
 * report the rule that failed under it: the only scheme it is valid under if
 * there is exactly one; otherwise by shape: 18 characters that are 17 digits
 * and a digit or X with a real date at positions 7–14 → ric, other 18
 * characters → uscc, 9 → org, 15 → regno. Undefined for any other length.
 */
export function bestGuessScheme(raw: string): IdScheme | undefined {
  const valid = detectSchemes(raw);
  if (valid.length === 1) return valid[0];
  const normalized = normalizeIdentifier(raw);
  switch (normalized.length) {
    case 18:
      return looksLikeRic(normalized) ? 'ric' : 'uscc';
    case 9:
      return 'org';
    case 15:
      return 'regno';
    default:
      return undefined;
  }
}

/** 17 digits and a digit or X, with a birth date the RIC validator accepts. */
function looksLikeRic(normalized: string): boolean {
  if (!/^\d{17}[\dX]$/.test(normalized)) return false;
  return validateRic(normalized).error?.rule !== 'date';
}

