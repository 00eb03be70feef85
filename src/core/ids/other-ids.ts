/**
 * Identifiers without a check character: tax registration number
 * (税务登记号), public institution certificate number (事业单位证书号) and
 * social organization registration number (社会组织登记证号). Only their
 * shape can be checked: 6 to 30 letters and digits after normalization.
 */

import { ok, err, type Result } from '../result.ts';
import { charsetError, emptyError, lengthError, type IdError } from './errors.ts';
import { normalizeIdentifier } from './normalize.ts';
import { characterAt } from './shape.ts';

const MIN_LENGTH = 6;
const MAX_LENGTH = 30;

/** An accepted identifier in canonical form. */
export interface OtherIdValue {
  readonly normalized: string;
}

function validateUnchecked(raw: string, schemeName: string): Result<OtherIdValue, IdError> {
  const normalized = normalizeIdentifier(raw);
  if (normalized.length === 0) return err(emptyError());
  if (normalized.length < MIN_LENGTH || normalized.length > MAX_LENGTH) {
    return err(lengthError(`${MIN_LENGTH} to ${MAX_LENGTH}`, normalized.length));
  }
  const bad = normalized.search(/[^0-9A-Z]/);
  if (bad >= 0) return err(charsetError(characterAt(normalized, bad), bad, schemeName));
  return ok({ normalized });
}

/** Validates a tax registration number (税务登记号): shape only, no check character exists. */
export function validateTaxNo(raw: string): Result<OtherIdValue, IdError> {
  return validateUnchecked(raw, 'a tax registration number');
}

/** Validates a public institution certificate number (事业单位证书号): shape only. */
export function validateInstitutionNo(raw: string): Result<OtherIdValue, IdError> {
  return validateUnchecked(raw, 'a public institution certificate number');
}

/** Validates a social organization registration number (社会组织登记证号): shape only. */
export function validateSocialOrgNo(raw: string): Result<OtherIdValue, IdError> {
  return validateUnchecked(raw, 'a social organization registration number');
}
