/** The identifier review queue: list conflicts, and record an admin's decision (applying it when accepted). */
import { CredfedError } from '../../core/errors.js';
import type { Page } from '../../partners/page-token.js';
import type { ConflictKind } from './conflict-writer.js';
import { keyOf, pageOf, pageSizeOf } from './keyset-page.js';
import type { Queryable } from './queryable.js';
import { lockCanonical, mergeSubject, uniqueValuesOf } from './subject-merge.js';
import { resolveIdentifier } from './subject-lookup.js';

export const CONFLICT_STATUSES = ['open', 'accepted', 'rejected'] as const;
export type ConflictStatus = (typeof CONFLICT_STATUSES)[number];

export interface ConflictRow {
  readonly conflictId: number;
  readonly kind: ConflictKind;
  readonly subjectId: string;
  readonly scheme: number;
  readonly value: string;
  readonly proposedScheme: number;
  readonly proposedValue: string;
  readonly proposedName: string;
  readonly existingName: string;
  readonly source: string;
  readonly evidence: string;
  readonly status: ConflictStatus;
  readonly occurrences: number;
  readonly detectedAt: Date;
  readonly lastSeenAt: Date;
  readonly decidedAt: Date | null;
  readonly decidedBy: string | null;
  readonly decisionReason: string | null;
}

const COLUMNS = `conflict_id, kind, subject_id, scheme, value, proposed_scheme, proposed_value, proposed_name, existing_name,
  source, evidence, status, occurrences, detected_at, last_seen_at, decided_at, decided_by, decision_reason`;

function conflictFromRow(r: any): ConflictRow {
  return {
    conflictId: Number(r.conflict_id),
    kind: r.kind,
    subjectId: r.subject_id,
    scheme: r.scheme,
    value: r.value,
    proposedScheme: r.proposed_scheme,
    proposedValue: r.proposed_value,
    proposedName: r.proposed_name,
    existingName: r.existing_name,
    source: r.source,
    evidence: r.evidence,
    status: r.status,
    occurrences: Number(r.occurrences),
    detectedAt: r.detected_at,
    lastSeenAt: r.last_seen_at,
    decidedAt: r.decided_at,
    decidedBy: r.decided_by,
    decisionReason: r.decision_reason,
  };
}

/** Conflicts with the given status (all when undefined), oldest first, a page at a time. */
export async function listConflicts(
  q: Queryable,
  opts: { status?: ConflictStatus; pageSize?: number; pageToken?: string } = {},
): Promise<Page<ConflictRow>> {
  const size = pageSizeOf(opts.pageSize);
  const after = opts.pageToken ? Number(keyOf(opts.pageToken, (k) => /^[1-9]\d{0,17}$/.test(k))) : 0;
  const { rows } = await q.query(
    `SELECT ${COLUMNS} FROM identifier_conflicts
      WHERE ($1::text IS NULL OR status = $1) AND conflict_id > $2
      ORDER BY conflict_id LIMIT $3`,
    [opts.status ?? null, after, size + 1],
  );
  return pageOf(rows, size, conflictFromRow, (c) => String(c.conflictId));
}

/** One conflict; CONFLICT_NOT_FOUND when there is none with this id. */
export async function getConflict(q: Queryable, conflictId: number, lock = false): Promise<ConflictRow> {
  const { rows } = await q.query(`SELECT ${COLUMNS} FROM identifier_conflicts WHERE conflict_id = $1${lock ? ' FOR UPDATE' : ''}`, [conflictId]);
  if (!rows[0]) throw new CredfedError('CONFLICT_NOT_FOUND', `no identifier conflict ${conflictId}`);
  return conflictFromRow(rows[0]);
}

export type ConflictDecision = 'accept' | 'reject';

/**
 * Decides an open conflict (call inside a transaction). Accepting applies the
 * link the evidence proposed: a legacy code moves to the subject of the
 * identifier it was named with; an organisation code joins the USCC's subject
 * (merging the subject it named, unless that one holds a USCC of its own); a
 * name becomes the subject's name. Rejecting changes nothing in the graph,
 * and the same evidence arriving again stays rejected.
 */
export async function decideConflict(
  tx: Queryable,
  conflictId: number,
  decision: ConflictDecision,
  by: { actor: string; reason: string },
): Promise<ConflictRow> {
  const conflict = await getConflict(tx, conflictId, true);
  if (conflict.status !== 'open') {
    throw new CredfedError('CONFLICT_DECIDED', `conflict ${conflictId} was ${conflict.status} by ${conflict.decidedBy ?? 'someone'}`);
  }
  if (decision === 'accept') await applyConflict(tx, conflict, `review:${by.actor}`);
  const { rows } = await tx.query(
    `UPDATE identifier_conflicts SET status = $2, decided_at = now(), decided_by = $3, decision_reason = $4
      WHERE conflict_id = $1 RETURNING ${COLUMNS}`,
    [conflictId, decision === 'accept' ? 'accepted' : 'rejected', by.actor, by.reason],
  );
  return conflictFromRow(rows[0]);
}

async function applyConflict(tx: Queryable, c: ConflictRow, source: string): Promise<void> {
  switch (c.kind) {
    case 'legacy_two_usccs':
    case 'legacy_two_org_codes': {
      const target = await linkedSubject(tx, c.proposedScheme, c.proposedValue);
      await tx.query(`UPDATE subject_identifiers SET subject_id = $3, source = $4 WHERE scheme = $1 AND value = $2`, [c.scheme, c.value, target, source]);
      return;
    }
    case 'uscc_two_org_codes': {
      const subject = await linkedSubject(tx, c.scheme, c.value);
      const current = await resolveIdentifier(tx, c.proposedScheme, c.proposedValue);
      if (current === subject) return;
      if (current === undefined) {
        await tx.query(`INSERT INTO subject_identifiers (scheme, value, subject_id, source) VALUES ($1, $2, $3, $4)`, [c.proposedScheme, c.proposedValue, subject, source]);
        return;
      }
      const canonical = await lockCanonical(tx, [subject, current]);
      const [into, from] = [canonical.get(subject)!, canonical.get(current)!];
      if ((await uniqueValuesOf(tx, [from])).get(from)!.uscc.size === 0) await mergeSubject(tx, from, into, source);
      else await tx.query(`UPDATE subject_identifiers SET subject_id = $3, source = $4 WHERE scheme = $1 AND value = $2`, [c.proposedScheme, c.proposedValue, into, source]);
      return;
    }
    case 'uscc_two_names': {
      const subject = await linkedSubject(tx, c.scheme, c.value);
      await tx.query(`UPDATE subjects SET name = $2, name_source = $3 WHERE subject_id = $1`, [subject, c.proposedName, c.source]);
      return;
    }
  }
}

async function linkedSubject(tx: Queryable, scheme: number, value: string): Promise<string> {
  const subject = await resolveIdentifier(tx, scheme, value);
  if (subject === undefined) throw new CredfedError('CONFLICT_STALE', `${value} is no longer linked to any subject; reject the conflict instead`);
  return subject;
}
