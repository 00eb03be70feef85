/**
 * The rewrite every record goes through where it enters a gateway (local
 * import, a partner's push): clear resident identity numbers are replaced by
 * their keyed pseudonyms (one per configured federation key, the current key
 * first) carrying the masked display form, so the clear number never reaches
 * a stored payload, the outbox, the identifier graph, a log or the wire
 * (issue 5, point 5; DESIGN.md §2.5). The clear numbers are handed back for
 * the caller to seal (or drop). Pure: no I/O.
 */

import type { CreditRecord } from '../../gen/credfed/v1/record.js';
import { IdentifierScheme, type Identifier } from '../../gen/credfed/v1/subject.js';
import { maskIdentifier, type MaskOptions } from '../ids/mask.ts';
import { validateIdentifier } from '../ids/scheme.ts';
import type { RecordProblem } from '../records/validate-record.js';
import { err, ok, type Result } from '../result.ts';
import { pseudonymiseAll, type PseudonymKey } from './pseudonym.ts';

/** How a gateway protects natural persons' numbers. */
export interface PersonsPolicy {
  /** Federation pseudonym keys, the current key first. Empty: a clear number is refused (PSEUDONYM_KEY_MISSING). */
  readonly keys: readonly PseudonymKey[];
  /** Display masking (default: first 6 and last 4 kept). */
  readonly mask?: MaskOptions;
}

/** A clear number taken out of a record, with its pseudonyms (the current key's first). */
export interface PersonIdentity {
  readonly clear: string;
  readonly pseudonyms: readonly string[];
}

export interface ProtectedRecord {
  /** The record to store and send: the same object when nothing had to change. */
  readonly record: CreditRecord;
  /** The clear numbers removed from it, one per distinct number. */
  readonly identities: readonly PersonIdentity[];
}

/** Longest display form kept (a resident identity number has 18 characters). */
const MAX_MASKED_LENGTH = 64;
const RIC = IdentifierScheme.IDENTIFIER_SCHEME_RESIDENT_ID;
const PSEUDONYM = IdentifierScheme.IDENTIFIER_SCHEME_RESIDENT_ID_PSEUDONYM;

/**
 * Replaces every RESIDENT_ID identifier of the record's subject by its
 * pseudonym identifiers (scheme RESIDENT_ID_PSEUDONYM, `masked` set), in
 * place, dropping duplicates. Pseudonyms that arrive as such pass unchanged.
 * A `masked` value is kept only on a pseudonym and only if it hides
 * something (contains '*') and has at most 64 characters; otherwise it is cleared, so that field
 * cannot carry a number in clear either. Errors: PSEUDONYM_KEY_MISSING when
 * a clear number arrives and no key is configured, IDENTIFIER_INVALID when
 * it is not a valid resident identity number.
 */
export function protectPersons(record: CreditRecord, policy: PersonsPolicy): Result<ProtectedRecord, RecordProblem> {
  const identifiers = record.subject?.identifiers ?? [];
  if (!identifiers.some(needsRewrite)) return ok({ record, identities: [] });
  const out: Identifier[] = [];
  const seen = new Set<string>();
  const identities = new Map<string, PersonIdentity>();
  const push = (id: Identifier) => {
    const key = `${id.scheme}\u0000${id.value}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(id);
  };
  for (const [i, id] of identifiers.entries()) {
    if (id.scheme !== RIC) {
      push(keepsMasked(id) ? id : { ...id, masked: '' });
      continue;
    }
    const field = `subject.identifiers[${i}]`;
    if (policy.keys.length === 0) {
      return err({ reason: 'PSEUDONYM_KEY_MISSING', field, message: `${field}: a resident identity number cannot be stored: no pseudonym key is configured (persons.pseudonymKeys)` });
    }
    const checked = validateIdentifier('ric', id.value);
    if (checked.error) return err({ reason: 'IDENTIFIER_INVALID', field: `${field}.value`, message: checked.error.message });
    const clear = checked.value.normalized;
    const pseudonyms = identities.get(clear)?.pseudonyms ?? pseudonymiseAll(clear, policy.keys);
    identities.set(clear, { clear, pseudonyms });
    const masked = maskIdentifier(clear, policy.mask);
    for (const value of pseudonyms) push({ scheme: PSEUDONYM, value, masked });
  }
  return ok({ record: { ...record, subject: { ...record.subject!, identifiers: out } }, identities: [...identities.values()] });
}

/** A clear number, or a `masked` value that must be cleared. */
function needsRewrite(id: Identifier): boolean {
  return id.scheme === RIC || !keepsMasked(id);
}

/** No display form, or one on a pseudonym that hides something and is not oversized. */
function keepsMasked(id: Identifier): boolean {
  return id.masked === '' || (id.scheme === PSEUDONYM && id.masked.includes('*') && id.masked.length <= MAX_MASKED_LENGTH);
}
