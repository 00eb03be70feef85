/**
 * Federation.QueryRecords: a subject by any identifier, with a stated purpose
 * (checked by the wrapper against the caller's agreement), and the records
 * of it the agreement lets the caller see — categories, disclosure classes
 * and third-party origin filtered in the store, field rules applied and
 * natural persons' numbers masked (or in clear only where the agreement says
 * so) before the answer is serialised.
 */
import type { NodeConfig } from '../../config/node-config.js';
import type { Agreement } from '../../core/agreements/agreement.js';
import { visibilityOf } from '../../core/agreements/evaluate.js';
import { applyFieldRules } from '../../core/agreements/field-rules.js';
import { CredfedError } from '../../core/errors.js';
import { maskIdentifier, type IdScheme } from '../../core/ids/index.js';
import { coreScheme } from '../../core/records/identifier-scheme.js';
import type { QueryRecordsRequest, QueryRecordsResponse } from '../../gen/credfed/v1/federation.js';
import { CreditRecord } from '../../gen/credfed/v1/record.js';
import { IdentifierScheme, type Identifier, type Subject } from '../../gen/credfed/v1/subject.js';
import { findIdentifier } from '../../graph/lookup-subject.js';
import type { PersonsProtection } from '../../persons/persons-protection.js';
import { revealNumbers } from '../../persons/reveal-numbers.js';
import { subjectView, type SubjectViewRow } from '../../store/repos/subject-view-repo.js';
import { visibleRecords } from '../../store/repos/visible-records-repo.js';
import type { Store } from '../../store/store.js';
import type { CallContext } from '../rpc-wrapper.js';

const MAX_REFERENCE = 200;
const PSEUDONYM = IdentifierScheme.IDENTIFIER_SCHEME_RESIDENT_ID_PSEUDONYM;

export interface QueryDeps {
  readonly config: NodeConfig;
  readonly store: Store;
  readonly persons: PersonsProtection;
}

export function queryRecordsHandler(deps: QueryDeps) {
  const keys = deps.persons.policy.keys;
  const mask = deps.config.persons.mask;
  return async (req: QueryRecordsRequest, ctx: CallContext): Promise<QueryRecordsResponse> => {
    if (req.reference.length > MAX_REFERENCE) throw new CredfedError('QUERY_INVALID', `reference: at most ${MAX_REFERENCE} characters`);
    let scheme: IdScheme | undefined;
    if (req.scheme !== IdentifierScheme.IDENTIFIER_SCHEME_UNSPECIFIED) {
      scheme = coreScheme(req.scheme);
      if (!scheme) throw new CredfedError('QUERY_INVALID', `scheme ${req.scheme} is unknown`);
    }
    const found = await findIdentifier(deps.store, keys, { value: req.identifier, ...(scheme ? { scheme } : {}), mask });
    ctx.audit.subject = found.masked || found.normalized;
    const subject = await subjectView(deps.store, found.subjectId);
    if (!subject) throw new CredfedError('SUBJECT_NOT_FOUND', 'the identifier is linked to a subject that is not stored');
    const agreement = ctx.agreement?.agreement;
    const page = await visibleRecords(
      deps.store,
      [subject.subjectId, ...subject.mergedSubjectIds],
      { ...(agreement ? visibilityOf(agreement) : EVERYTHING), sides: [deps.config.nodeId, ctx.partner?.id ?? ''] },
      { pageSize: req.pageSize === 0 ? undefined : req.pageSize, pageToken: req.pageToken === '' ? undefined : req.pageToken },
    );
    const records = page.items.map((row) => CreditRecord.decode(row.payload));
    const clear = agreement?.personIds === 'clear' ? await revealNumbers(deps.store, deps.persons.sealKey, pseudonymsIn(subject, records)) : new Map<string, string>();
    ctx.audit.recordsReturned = records.length;
    return {
      subject: shown(subjectMessage(subject, records), agreement, clear, mask),
      records: records.map((r) => ({ ...applyFieldRules(r, agreement?.fields ?? []), subject: shown(r.subject, agreement, clear, mask) })),
      nextPageToken: page.nextPageToken ?? '',
      agreementId: ctx.agreement?.agreement.id ?? '',
      agreementVersion: ctx.agreement?.version ?? 0,
    };
  };
}

/** With agreements switched off (benchmarks only): everything shareable. */
const EVERYTHING = { categories: [1, 2, 3, 4, 5, 6, 7, 8], disclosures: [1, 2, 3], thirdParty: true };

/** The stored subject; a pseudonym gets the masked form its records carry. */
function subjectMessage(s: SubjectViewRow, records: readonly CreditRecord[]): Subject {
  const masked = new Map<string, string>();
  for (const r of records) for (const id of r.subject?.identifiers ?? []) if (id.masked) masked.set(id.value, id.masked);
  return {
    kind: s.kind,
    name: s.name,
    identifiers: s.identifiers.map((id) => ({ scheme: id.scheme, value: id.value, masked: masked.get(id.value) ?? '' })),
    legalRepresentative: '',
  };
}

function pseudonymsIn(subject: SubjectViewRow, records: readonly CreditRecord[]): string[] {
  const all = new Set<string>();
  for (const id of subject.identifiers) if (id.scheme === PSEUDONYM) all.add(id.value);
  for (const r of records) for (const id of r.subject?.identifiers ?? []) if (id.scheme === PSEUDONYM) all.add(id.value);
  return [...all];
}

/**
 * A subject as the caller may see it: field rules on its name and legal
 * representative, and a natural person's number added in clear (with its
 * masked form) when the agreement allows it and this node holds it.
 */
function shown(subject: Subject | undefined, agreement: Agreement | undefined, clear: ReadonlyMap<string, string>, mask: { keepFirst: number; keepLast: number }): Subject | undefined {
  if (!subject) return undefined;
  const ruled = applyFieldRules(CreditRecord.fromPartial({ subject }), agreement?.fields ?? []).subject ?? subject;
  const numbers = new Set(ruled.identifiers.flatMap((id) => (id.scheme === PSEUDONYM && clear.has(id.value) ? [clear.get(id.value)!] : [])));
  if (numbers.size === 0) return ruled;
  const added: Identifier[] = [...numbers].map((n) => ({ scheme: IdentifierScheme.IDENTIFIER_SCHEME_RESIDENT_ID, value: n, masked: maskIdentifier(n, mask) }));
  return { ...ruled, identifiers: [...ruled.identifiers, ...added] };
}
