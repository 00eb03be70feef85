/** Natural persons (issue 5, point 5; DESIGN.md §2.5): pseudonyms, masking, sealing. Pure: node:crypto only. */

export {
  keyIdOf,
  pseudonymise,
  pseudonymiseAll,
  validatePseudonym,
  KEY_ID_PATTERN,
  MIN_KEY_BYTES,
  PSEUDONYM_CONTEXT,
  type PseudonymKey,
} from './pseudonym.ts';
export { pseudonymsOf } from './pseudonyms-of.ts';
export { protectPersons, type PersonIdentity, type PersonsPolicy, type ProtectedRecord } from './protect-persons.ts';
export { openNumber, sealKeyFrom, sealNumber, type SealedNumber, type SealKey } from './seal.ts';
