/**
 * Records as a partner may receive them under its agreement (QueryRecords,
 * Subscribe): the field rules applied, and a natural person's identity
 * number added in clear (with its masked form) only where the agreement
 * allows it and this node holds it; otherwise pseudonyms and masked forms only.
 */
import type { Agreement } from '../core/agreements/agreement.js';
import { applyFieldRules } from '../core/agreements/field-rules.js';
import { maskIdentifier } from '../core/ids/index.js';
import { CreditRecord } from '../gen/credfed/v1/record.js';
import { IdentifierScheme, type Identifier, type Subject } from '../gen/credfed/v1/subject.js';
import type { PersonsProtection } from '../persons/persons-protection.js';
import { revealNumbers } from '../persons/reveal-numbers.js';
import type { Queryable } from '../store/repos/queryable.js';

const PSEUDONYM = IdentifierScheme.IDENTIFIER_SCHEME_RESIDENT_ID_PSEUDONYM;

/** With agreements switched off (benchmarks, an administrator's own feed): every category and disclosure class, any origin. */
export const EVERYTHING_VISIBLE = { categories: [1, 2, 3, 4, 5, 6, 7, 8], disclosures: [1, 2, 3], thirdParty: true } as const;

type Mask = { keepFirst: number; keepLast: number };

/** Turns records (and subjects) into what the agreement lets its partner see. */
export interface Disclosure {
  record(r: CreditRecord): CreditRecord;
  subject(s: Subject | undefined): Subject | undefined;
}

/**
 * The disclosure for these records under `agreement` (undefined: everything,
 * as stored). Reads the clear numbers of the natural persons they name only
 * when the agreement asks for them in clear.
 */
export async function disclosureFor(
  q: Queryable,
  persons: PersonsProtection,
  mask: Mask,
  agreement: Agreement | undefined,
  records: readonly CreditRecord[],
  subjectPseudonyms: readonly string[] = [],
): Promise<Disclosure> {
  const clear = agreement?.personIds === 'clear' ? await revealNumbers(q, persons.sealKey, pseudonymsIn(records, subjectPseudonyms)) : new Map<string, string>();
  const subject = (s: Subject | undefined) => shown(s, agreement, clear, mask);
  return { subject, record: (r) => ({ ...applyFieldRules(r, agreement?.fields ?? []), subject: subject(r.subject) }) };
}

function pseudonymsIn(records: readonly CreditRecord[], more: readonly string[]): string[] {
  const all = new Set(more);
  for (const r of records) for (const id of r.subject?.identifiers ?? []) if (id.scheme === PSEUDONYM) all.add(id.value);
  return [...all];
}

/**
 * A subject as the caller may see it: field rules on its name and legal
 * representative, and a natural person's number added in clear (with its
 * masked form) when the agreement allows it and this node holds it.
 */
function shown(subject: Subject | undefined, agreement: Agreement | undefined, clear: ReadonlyMap<string, string>, mask: Mask): Subject | undefined {
  if (!subject) return undefined;
  const ruled = applyFieldRules(CreditRecord.fromPartial({ subject }), agreement?.fields ?? []).subject ?? subject;
  const numbers = new Set(ruled.identifiers.flatMap((id) => (id.scheme === PSEUDONYM && clear.has(id.value) ? [clear.get(id.value)!] : [])));
  if (numbers.size === 0) return ruled;
  const added: Identifier[] = [...numbers].map((n) => ({ scheme: IdentifierScheme.IDENTIFIER_SCHEME_RESIDENT_ID, value: n, masked: maskIdentifier(n, mask) }));
  return { ...ruled, identifiers: [...ruled.identifiers, ...added] };
}
