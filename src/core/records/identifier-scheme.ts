import { IdentifierScheme } from '../../gen/credfed/v1/subject.js';
import type { IdScheme } from '../ids/index.js';

/** The contract's identifier schemes mapped to the core validators' scheme names. */
const SCHEMES: ReadonlyMap<IdentifierScheme, IdScheme> = new Map([
  [IdentifierScheme.IDENTIFIER_SCHEME_USCC, 'uscc'],
  [IdentifierScheme.IDENTIFIER_SCHEME_ORG_CODE, 'org'],
  [IdentifierScheme.IDENTIFIER_SCHEME_REGISTRATION_NUMBER, 'regno'],
  [IdentifierScheme.IDENTIFIER_SCHEME_RESIDENT_ID, 'ric'],
  [IdentifierScheme.IDENTIFIER_SCHEME_TAX_NUMBER, 'tax'],
  [IdentifierScheme.IDENTIFIER_SCHEME_INSTITUTION_CERTIFICATE, 'institution'],
  [IdentifierScheme.IDENTIFIER_SCHEME_SOCIAL_ORG_CERTIFICATE, 'social_org'],
  [IdentifierScheme.IDENTIFIER_SCHEME_RESIDENT_ID_PSEUDONYM, 'ric_pseudonym'],
]);

export function coreScheme(scheme: IdentifierScheme): IdScheme | undefined {
  return SCHEMES.get(scheme);
}

const CONTRACT: ReadonlyMap<IdScheme, IdentifierScheme> = new Map([...SCHEMES].map(([contract, core]) => [core, contract]));

/** The contract's scheme of a core scheme name. */
export function contractScheme(scheme: IdScheme): IdentifierScheme {
  return CONTRACT.get(scheme)!;
}
