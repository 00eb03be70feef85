/** Identifiers (DESIGN.md §2.1): normalization, per-scheme validation and scheme detection. Pure, no I/O. */

export { showChar, type IdError, type IdRule } from './errors.ts';
export {
  checkIdentifier,
  excerpt,
  isCheckScheme,
  EXCERPT_LENGTH,
  type CheckOptions,
  type CheckRule,
  type CheckScheme,
  type IdentifierCheck,
  type SchemeBasis,
  type UsccDerivation,
} from './check-identifier.ts';
export { provinceOf } from './divisions.ts';
export { maskIdentifier, MASK_KEEP_FIRST, MASK_KEEP_LAST, type MaskOptions } from './mask.ts';
export { normalizeIdentifier } from './normalize.ts';
export {
  describeUscc,
  orgCodeFromUscc,
  usccCheckChar,
  validateUscc,
  USCC_ALPHABET,
  type UsccDescription,
  type UsccValue,
} from './uscc.ts';
export { orgCheckChar, validateOrgCode, ORG_BODY_ALPHABET, type OrgCodeValue } from './org-code.ts';
export { regnoCheckDigit, validateRegNo, type RegNoValue } from './regno.ts';
export { maskRic, ricCheckChar, validateRic, type RicValue } from './ric.ts';
export { validateInstitutionNo, validateSocialOrgNo, validateTaxNo, type OtherIdValue } from './other-ids.ts';
export {
  bestGuessScheme,
  CHECKED_SCHEMES,
  detectSchemes,
  validateIdentifier,
  type IdentifierValue,
  type IdScheme,
} from './scheme.ts';
