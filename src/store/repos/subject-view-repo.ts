/** Reading a subject for people: its identifiers, the subjects merged into it, its records a page at a time. */
import type { Page } from '../../partners/page-token.js';
import { keyOf, pageOf, pageSizeOf } from './keyset-page.js';
import type { Queryable } from './queryable.js';

export interface LinkedIdentifierRow {
  readonly scheme: number;
  readonly value: string;
  /** Who linked it (partner id, 'local', 'mapping:<file>', 'derived', 'review:<actor>'); null for links older than the graph. */
  readonly source: string | null;
}

export interface SubjectViewRow {
  readonly subjectId: string;
  readonly kind: number;
  readonly name: string;
  readonly nameSource: string | null;
  readonly firstSeenAt: Date;
  readonly identifiers: readonly LinkedIdentifierRow[];
  /** Subjects merged into this one (their records are this subject's records). */
  readonly mergedSubjectIds: readonly string[];
  readonly openConflicts: number;
}

export interface RecordSummaryRow {
  readonly subjectId: string;
  readonly originId: string;
  readonly recordId: string;
  readonly version: number;
  readonly category: number;
  readonly status: number;
  readonly disclosure: number;
  readonly decisionDate: string;
  readonly receivedFrom: string;
}

/** A canonical subject as stored, or undefined when there is none with this id. */
export async function subjectView(q: Queryable, subjectId: string): Promise<SubjectViewRow | undefined> {
  const { rows } = await q.query<{ kind: number; name: string; name_source: string | null; first_seen_at: Date }>(
    `SELECT kind, name, name_source, first_seen_at FROM subjects WHERE subject_id = $1`,
    [subjectId],
  );
  const row = rows[0];
  if (!row) return undefined;
  const merged = await q.query<{ subject_id: string }>(
    `SELECT subject_id FROM subject_aliases WHERE canonical_id = $1 ORDER BY created_at, subject_id`,
    [subjectId],
  );
  const ids = await q.query<LinkedIdentifierRow>(
    `SELECT scheme, value, source FROM subject_identifiers WHERE subject_id = ANY($1::uuid[]) ORDER BY scheme, value`,
    [[subjectId, ...merged.rows.map((m) => m.subject_id)]],
  );
  const conflicts = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM identifier_conflicts WHERE status = 'open' AND subject_id = ANY($1::uuid[])`,
    [[subjectId, ...merged.rows.map((m) => m.subject_id)]],
  );
  return {
    subjectId,
    kind: row.kind,
    name: row.name,
    nameSource: row.name_source,
    firstSeenAt: row.first_seen_at,
    identifiers: ids.rows,
    mergedSubjectIds: merged.rows.map((m) => m.subject_id),
    openConflicts: conflicts.rows[0]?.n ?? 0,
  };
}

const RECORD_KEY = /^[^\u0000]+\u0000[^\u0000]+$/;

/**
 * The records of a canonical subject and of every subject merged into it, in
 * (origin, record id) order, a page at a time.
 */
export async function subjectRecords(
  q: Queryable,
  subjectIds: readonly string[],
  page: { pageSize?: number; pageToken?: string } = {},
): Promise<Page<RecordSummaryRow>> {
  const size = pageSizeOf(page.pageSize);
  const [afterOrigin, afterRecord] = page.pageToken ? keyOf(page.pageToken, (k) => RECORD_KEY.test(k)).split('\u0000') : [null, null];
  const { rows } = await q.query(
    `SELECT subject_id, origin_id, record_id, version, category, status, disclosure,
            to_char(decision_date, 'YYYY-MM-DD') AS decision_date, received_from
       FROM records
      WHERE subject_id = ANY($1::uuid[])
        AND ($2::text IS NULL OR (origin_id COLLATE "C", record_id COLLATE "C") > ($2::text COLLATE "C", $3::text COLLATE "C"))
      ORDER BY origin_id COLLATE "C", record_id COLLATE "C"
      LIMIT $4`,
    [subjectIds, afterOrigin, afterRecord, size + 1],
  );
  return pageOf(
    rows,
    size,
    (r): RecordSummaryRow => ({
      subjectId: r.subject_id,
      originId: r.origin_id,
      recordId: r.record_id,
      version: Number(r.version),
      category: r.category,
      status: r.status,
      disclosure: r.disclosure,
      decisionDate: r.decision_date,
      receivedFrom: r.received_from,
    }),
    (r) => `${r.originId}\u0000${r.recordId}`,
  );
}
