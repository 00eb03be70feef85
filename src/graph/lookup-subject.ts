/**
 * `credfed ids resolve ID` and Admin.ResolveIdentifier: any identifier, as
 * typed, to its canonical subject, the subject's identifiers and a page of
 * its records (and of the subjects merged into it). A resident identity
 * number is found through its keyed pseudonyms: the clear number is never
 * stored, so it is never looked up.
 */
import { CredfedError } from '../core/errors.js';
import { detectSchemes, maskIdentifier, normalizeIdentifier, validateIdentifier, type IdScheme, type MaskOptions } from '../core/ids/index.js';
import { pseudonymsOf, type PseudonymKey } from '../core/persons/index.js';
import { contractScheme } from '../core/records/identifier-scheme.js';
import type { Page } from '../partners/page-token.js';
import type { Queryable } from '../store/repos/queryable.js';
import { resolveIdentifier } from '../store/repos/subject-lookup.js';
import { subjectRecords, subjectView, type RecordSummaryRow, type SubjectViewRow } from '../store/repos/subject-view-repo.js';

export interface LookupRequest {
  readonly value: string;
  /** Validate under this scheme; detected among uscc, org, regno and ric when absent. */
  readonly scheme?: IdScheme;
  readonly pageSize?: number;
  readonly pageToken?: string;
  /** How a resident identity number is shown (default: first 6 and last 4). */
  readonly mask?: MaskOptions;
}

export interface SubjectLookup {
  /** The scheme the identifier was read under and its normalised form (a pseudonym for a resident identity number). */
  readonly scheme: IdScheme;
  readonly normalized: string;
  /** A resident identity number's masked form; '' for other schemes. */
  readonly masked: string;
  readonly subject: SubjectViewRow;
  readonly records: Page<RecordSummaryRow>;
}

/** An identifier, as typed, found in the graph: how it was read and the subject it names. */
export interface FoundIdentifier {
  readonly scheme: IdScheme;
  readonly normalized: string;
  readonly masked: string;
  readonly subjectId: string;
}

/**
 * Throws IDENTIFIER_INVALID (naming the rule), IDENTIFIER_AMBIGUOUS (valid
 * under two schemes, and both linked), PSEUDONYM_KEY_MISSING (a resident
 * identity number with no federation key configured) or SUBJECT_NOT_FOUND.
 */
export async function lookupSubject(q: Queryable, keys: readonly PseudonymKey[], req: LookupRequest): Promise<SubjectLookup> {
  const hit = await findIdentifier(q, keys, req);
  const subject = await subjectView(q, hit.subjectId);
  if (!subject) throw new CredfedError('SUBJECT_NOT_FOUND', 'the identifier is linked to a subject that is not stored');
  const records = await subjectRecords(q, [subject.subjectId, ...subject.mergedSubjectIds], { pageSize: req.pageSize, pageToken: req.pageToken });
  return { scheme: hit.scheme, normalized: hit.normalized, masked: hit.masked, subject, records };
}

/** The subject an identifier, as typed, names (same refusals as lookupSubject). */
export function findIdentifier(q: Queryable, keys: readonly PseudonymKey[], req: Pick<LookupRequest, 'value' | 'scheme' | 'mask'>): Promise<FoundIdentifier> {
  return findIdentifierWith((scheme, value) => resolveIdentifier(q, scheme, value), keys, req);
}

/** The canonical subject a stored (contract scheme, normalised value) form names; undefined when it is not linked. */
export type ResolveStored = (scheme: number, value: string) => Promise<string | undefined>;

/** As `findIdentifier`, with the stored forms resolved by `resolve` (e.g. coalesced reads). */
export async function findIdentifierWith(resolve: ResolveStored, keys: readonly PseudonymKey[], req: Pick<LookupRequest, 'value' | 'scheme' | 'mask'>): Promise<FoundIdentifier> {
  const schemes = req.scheme ? [req.scheme] : detectSchemes(req.value);
  if (schemes.length === 0) {
    throw new CredfedError('IDENTIFIER_INVALID', 'not a valid USCC, organisation code, registration number or resident identity number; name the scheme for other identifiers');
  }
  const hits: { scheme: IdScheme; normalized: string; masked: string; subjectId: string }[] = [];
  for (const scheme of schemes) {
    // Valid as a USCC too: without keys, look it up as that rather than refuse.
    if (scheme === 'ric' && keys.length === 0 && schemes.length > 1) continue;
    for (const candidate of storedForms(scheme, req.value, keys)) {
      const subjectId = await resolve(contractScheme(candidate.scheme), candidate.value);
      if (subjectId === undefined) continue;
      const masked = scheme === 'ric' ? maskIdentifier(normalizeIdentifier(req.value), req.mask) : '';
      hits.push({ scheme, normalized: candidate.value, masked, subjectId });
      break;
    }
  }
  if (hits.length > 1 && new Set(hits.map((h) => h.subjectId)).size > 1) {
    throw new CredfedError('IDENTIFIER_AMBIGUOUS', `valid and linked as ${hits.map((h) => h.scheme).join(' and ')}: name the scheme`);
  }
  const hit = hits[0];
  if (!hit) throw new CredfedError('SUBJECT_NOT_FOUND', 'no subject is linked to this identifier');
  return hit;
}

/** The forms an identifier is stored under: its normalised value, or a resident identity number's pseudonyms. */
function storedForms(scheme: IdScheme, value: string, keys: readonly PseudonymKey[]): { scheme: IdScheme; value: string }[] {
  if (scheme === 'ric') {
    const pseudonyms = pseudonymsOf(value, keys);
    if (pseudonyms.error) throw new CredfedError('IDENTIFIER_INVALID', pseudonyms.error.message);
    if (pseudonyms.value.length === 0) {
      throw new CredfedError('PSEUDONYM_KEY_MISSING', 'resident identity numbers are found through their pseudonyms: configure persons.pseudonymKeys');
    }
    return pseudonyms.value.map((p) => ({ scheme: 'ric_pseudonym', value: p }));
  }
  const checked = validateIdentifier(scheme, value);
  if (checked.error) throw new CredfedError('IDENTIFIER_INVALID', checked.error.message);
  return [{ scheme, value: checked.value.normalized }];
}
