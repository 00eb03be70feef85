/**
 * Federation.QueryRecords: a subject by any identifier, with a stated purpose
 * (checked by the wrapper against the caller's agreement), and the records
 * of it the agreement lets the caller see — categories, disclosure classes
 * and third-party origin filtered in the store, field rules applied and
 * natural persons' numbers masked (or in clear only where the agreement says
 * so) before the answer is serialised.
 */
import { disclosureFor, EVERYTHING_VISIBLE } from '../../agreements/disclose-records.js';
import type { NodeConfig } from '../../config/node-config.js';
import { visibilityOf } from '../../core/agreements/evaluate.js';
import { CredfedError } from '../../core/errors.js';
import type { IdScheme } from '../../core/ids/index.js';
import { coreScheme } from '../../core/records/identifier-scheme.js';
import type { QueryRecordsRequest, QueryRecordsResponse } from '../../gen/credfed/v1/federation.js';
import { CreditRecord } from '../../gen/credfed/v1/record.js';
import { IdentifierScheme, type Subject } from '../../gen/credfed/v1/subject.js';
import { findIdentifier } from '../../graph/lookup-subject.js';
import type { PersonsProtection } from '../../persons/persons-protection.js';
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
      { ...(agreement ? visibilityOf(agreement) : EVERYTHING_VISIBLE), sides: [deps.config.nodeId, ctx.partner?.id ?? ''] },
      { pageSize: req.pageSize === 0 ? undefined : req.pageSize, pageToken: req.pageToken === '' ? undefined : req.pageToken },
    );
    const records = page.items.map((row) => CreditRecord.decode(row.payload));
    const pseudonyms = subject.identifiers.flatMap((id) => (id.scheme === PSEUDONYM ? [id.value] : []));
    const disclosure = await disclosureFor(deps.store, deps.persons, mask, agreement, records, pseudonyms);
    ctx.audit.recordsReturned = records.length;
    return {
      subject: disclosure.subject(subjectMessage(subject, records)),
      records: records.map((r) => disclosure.record(r)),
      nextPageToken: page.nextPageToken ?? '',
      agreementId: ctx.agreement?.agreement.id ?? '',
      agreementVersion: ctx.agreement?.version ?? 0,
    };
  };
}

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
