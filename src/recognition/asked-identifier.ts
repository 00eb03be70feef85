/**
 * The identifier a recognition asks by, checked before any look-up: a
 * malformed one is IDENTIFIER_INVALID naming the rule it broke (the check
 * `credfed ids check` makes), so only well-formed identifiers reach the
 * store. One valid under two schemes goes on to the look-up, which decides.
 */
import { CredfedError } from '../core/errors.js';
import { checkIdentifier, isCheckScheme, validateIdentifier, type IdScheme, type MaskOptions } from '../core/ids/index.js';
import { contractScheme, coreScheme } from '../core/records/identifier-scheme.js';
import { IdentifierScheme, type Identifier } from '../gen/credfed/v1/subject.js';
import type { SubjectQuery } from '../gen/credfed/v1/verdict.js';

const MAX_LENGTH = 200;

/** The scheme named in the query (undefined: detect); throws for a scheme the contract does not know. */
export function schemeOf(query: SubjectQuery): IdScheme | undefined {
  if (query.scheme === IdentifierScheme.IDENTIFIER_SCHEME_UNSPECIFIED) return undefined;
  const scheme = coreScheme(query.scheme);
  if (!scheme) throw new CredfedError('IDENTIFIER_INVALID', `scheme ${query.scheme} is unknown`, { rule: 'scheme' });
  return scheme;
}

/** Throws IDENTIFIER_INVALID (details.rule: empty, length, charset, check, date) unless the identifier is well formed. */
export function checkAsked(query: SubjectQuery, mask: MaskOptions): void {
  if (query.identifier.length > MAX_LENGTH) throw new CredfedError('IDENTIFIER_INVALID', `identifier: at most ${MAX_LENGTH} characters`, { rule: 'length' });
  const scheme = schemeOf(query);
  if (scheme === undefined || isCheckScheme(scheme)) {
    const check = checkIdentifier(query.identifier, { ...(scheme ? { scheme } : {}), mask });
    if (!check.valid && check.rule !== 'ambiguous') throw new CredfedError('IDENTIFIER_INVALID', check.message, { rule: check.rule ?? 'check' });
    return;
  }
  const checked = validateIdentifier(scheme, query.identifier);
  if (checked.error) throw new CredfedError('IDENTIFIER_INVALID', checked.error.message, { rule: checked.error.rule });
}

/** How a verdict names the identifier it was asked by: normalised, or for a resident identity number only masked. */
export function askedForm(scheme: IdScheme, normalized: string, masked: string): Identifier {
  if (scheme === 'ric' || scheme === 'ric_pseudonym') return { scheme: IdentifierScheme.IDENTIFIER_SCHEME_RESIDENT_ID, value: '', masked };
  return { scheme: contractScheme(scheme), value: normalized, masked: '' };
}
