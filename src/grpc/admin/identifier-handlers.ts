/** Admin RPCs of the identifier graph: resolve an identifier, list conflicts, decide one. */
import { CredfedError } from '../../core/errors.js';
import { describeUscc, provinceOf, type IdScheme } from '../../core/ids/index.js';
import { coreScheme, contractScheme } from '../../core/records/identifier-scheme.js';
import * as pb from '../../gen/credfed/v1/admin.js';
import { IdentifierScheme, type Identifier } from '../../gen/credfed/v1/subject.js';
import { lookupSubject } from '../../graph/lookup-subject.js';
import { pseudonymKeysOf } from '../../graph/pseudonym-keys.js';
import { CONFLICT_STATUSES, decideConflict, listConflicts, type ConflictRow, type ConflictStatus } from '../../store/repos/conflicts-repo.js';
import { dateToTimestamp } from '../../store/repos/record-rows.js';
import type { RecordSummaryRow, SubjectViewRow } from '../../store/repos/subject-view-repo.js';
import type { CallContext } from '../rpc-wrapper.js';
import { actorOf, given, text, type AdminDeps } from './admin-deps.js';

export function identifierHandlers(deps: AdminDeps) {
  return {
    async resolveIdentifier(req: pb.ResolveIdentifierRequest): Promise<pb.ResolveIdentifierResponse> {
      let scheme: IdScheme | undefined;
      if (req.scheme !== IdentifierScheme.IDENTIFIER_SCHEME_UNSPECIFIED) {
        scheme = coreScheme(req.scheme);
        if (!scheme) throw new CredfedError('ADMIN_REQUEST_INVALID', `scheme ${req.scheme} is unknown`);
      }
      const keys = scheme === undefined || scheme === 'ric' ? pseudonymKeysOf(deps.config) : [];
      const found = await lookupSubject(deps.store, keys, {
        value: req.value,
        ...(scheme ? { scheme } : {}),
        mask: deps.config.persons.mask,
        pageSize: given(req.pageSize),
        pageToken: text(req.pageToken),
      });
      return {
        identifier: { scheme: contractScheme(found.scheme === 'ric' ? 'ric_pseudonym' : found.scheme), value: found.normalized, masked: found.masked },
        subject: subjectMessage(found.subject),
        records: found.records.items.map(recordMessage),
        nextPageToken: found.records.nextPageToken ?? '',
      };
    },

    async listIdentifierConflicts(req: pb.ListIdentifierConflictsRequest): Promise<pb.ListIdentifierConflictsResponse> {
      const status = statusFilter(req.status);
      const page = await listConflicts(deps.store, { ...(status ? { status } : {}), pageSize: given(req.pageSize), pageToken: text(req.pageToken) });
      return { conflicts: page.items.map(conflictMessage), nextPageToken: page.nextPageToken ?? '' };
    },

    async decideIdentifierConflict(req: pb.DecideIdentifierConflictRequest, ctx: CallContext): Promise<pb.DecideIdentifierConflictResponse> {
      const decision = DECISIONS.get(req.decision);
      if (!decision) throw new CredfedError('ADMIN_REQUEST_INVALID', 'decision must be ACCEPT or REJECT');
      if (!req.reason.trim()) throw new CredfedError('ADMIN_REQUEST_INVALID', 'a reason is required');
      if (!Number.isSafeInteger(req.conflictId) || req.conflictId < 1) throw new CredfedError('ADMIN_REQUEST_INVALID', 'conflict_id must be a positive id');
      const decided = await deps.store.transaction((tx) => decideConflict(tx, req.conflictId, decision, { actor: actorOf(ctx), reason: req.reason.trim() }));
      return { conflict: conflictMessage(decided) };
    },
  };
}

const DECISIONS = new Map([
  [pb.ConflictDecision.CONFLICT_DECISION_ACCEPT, 'accept' as const],
  [pb.ConflictDecision.CONFLICT_DECISION_REJECT, 'reject' as const],
]);

/** "" → open; "all" → no filter. */
function statusFilter(status: string): ConflictStatus | undefined {
  if (status === '') return 'open';
  if (status === 'all') return undefined;
  if ((CONFLICT_STATUSES as readonly string[]).includes(status)) return status as ConflictStatus;
  throw new CredfedError('ADMIN_REQUEST_INVALID', `status must be open, accepted, rejected or all, found "${status}"`);
}

function subjectMessage(s: SubjectViewRow): pb.SubjectView {
  const uscc = s.identifiers.find((id) => id.scheme === IdentifierScheme.IDENTIFIER_SCHEME_USCC);
  const facts = uscc ? describeUscc(uscc.value) : undefined;
  return {
    subjectId: s.subjectId,
    kind: s.kind,
    name: s.name,
    nameSource: s.nameSource ?? '',
    firstSeenAt: dateToTimestamp(s.firstSeenAt),
    identifiers: s.identifiers.map((id) => ({ identifier: identifierOf(id.scheme, id.value), source: id.source ?? '' })),
    mergedSubjectIds: [...s.mergedSubjectIds],
    uscc: facts && {
      authority: facts.authority,
      authorityName: facts.authorityName ?? '',
      entityType: facts.entityType,
      entityTypeName: facts.entityTypeName ?? '',
      divisionCode: facts.divisionCode,
      provinceName: provinceOf(facts.divisionCode) ?? '',
      orgCode: facts.orgCode,
    },
    openConflicts: s.openConflicts,
  };
}

function recordMessage(r: RecordSummaryRow): pb.RecordSummary {
  return { ...r };
}

function conflictMessage(c: ConflictRow): pb.IdentifierConflict {
  return {
    conflictId: c.conflictId,
    kind: c.kind,
    subjectId: c.subjectId,
    identifier: identifierOf(c.scheme, c.value),
    proposed: c.proposedScheme ? identifierOf(c.proposedScheme, c.proposedValue) : undefined,
    proposedName: c.proposedName,
    existingName: c.existingName,
    source: c.source,
    evidence: c.evidence,
    status: c.status,
    occurrences: c.occurrences,
    detectedAt: dateToTimestamp(c.detectedAt),
    lastSeenAt: dateToTimestamp(c.lastSeenAt),
    decidedAt: c.decidedAt ? dateToTimestamp(c.decidedAt) : undefined,
    decidedBy: c.decidedBy ?? '',
    decisionReason: c.decisionReason ?? '',
  };
}

/** Identifiers in the graph are never clear personal numbers (a resident identity number is held as its pseudonym only). */
function identifierOf(scheme: number, value: string): Identifier {
  return { scheme, value, masked: '' };
}
