/**
 * SQL of record lifecycle (migration 0012): the columns a record's end of
 * force is computed from, and the expiry of records past it.
 */
import type { PublicityLimit } from '../../core/lifecycle/publicity.js';
import type { Queryable } from './queryable.js';

/** A stored row whose lifecycle columns are not filled in yet (stored before migration 0012). */
export interface UnreadRow {
  readonly subjectId: string;
  readonly originId: string;
  readonly recordId: string;
  readonly version: number;
  readonly payload: Uint8Array;
}

export async function unreadLifecycleRows(q: Queryable, limit: number): Promise<UnreadRow[]> {
  const { rows } = await q.query<{ subject_id: string; origin_id: string; record_id: string; version: string; payload: Uint8Array }>(
    `SELECT subject_id, origin_id, record_id, version, payload FROM records WHERE severity IS NULL LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({ subjectId: r.subject_id, originId: r.origin_id, recordId: r.record_id, version: Number(r.version), payload: r.payload }));
}

/** Fills the lifecycle columns of rows still at the version read (a newer version brought its own); returns how many it filled. */
export async function fillLifecycle(q: Queryable, rows: readonly (UnreadRow & { severity: number; endsOn: string | undefined })[]): Promise<number> {
  if (rows.length === 0) return 0;
  const { rowCount } = await q.query(
    `UPDATE records r SET severity = u.sv, ends_on = u.eo
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[], $5::smallint[], $6::date[]) AS u(s, o, id, v, sv, eo)
      WHERE r.subject_id = u.s AND r.origin_id = u.o AND r.record_id = u.id AND r.version = u.v AND r.severity IS NULL`,
    [rows.map((r) => r.subjectId), rows.map((r) => r.originId), rows.map((r) => r.recordId), rows.map((r) => r.version), rows.map((r) => r.severity), rows.map((r) => r.endsOn ?? null)],
  );
  return rowCount ?? 0;
}

/**
 * Marks expired (status 5) every record in force (active or disputed) that
 * is out of force on `today` ("YYYY-MM-DD"): its own end has come, or its
 * decision date plus the maximum publicity of its category and severity
 * is today or earlier. Returns how many records it expired.
 */
export async function expirePastPublicity(q: Queryable, today: string, limits: readonly PublicityLimit[]): Promise<number> {
  // The decision-date bound is widened by 3 days so it stays sargable: "decision + n months <= today"
  // cannot be moved across month ends exactly (Jan 31 + 1 month = Feb 28); the exact test follows it.
  const { rowCount } = await q.query(
    `UPDATE records r SET status = 5
       FROM (SELECT subject_id, origin_id, record_id FROM records
              WHERE status IN (1, 2) AND ends_on IS NOT NULL AND ends_on <= $1::date
             UNION
             SELECT x.subject_id, x.origin_id, x.record_id
               FROM unnest($2::smallint[], $3::smallint[], $4::int[]) AS p(category, severity, months)
               CROSS JOIN LATERAL (
                     SELECT subject_id, origin_id, record_id FROM records
                      WHERE status IN (1, 2) AND category = p.category AND severity = p.severity
                        AND decision_date <= ($1::date - make_interval(months => p.months))::date + 3
                        AND decision_date + make_interval(months => p.months) <= $1::date) x) due
      WHERE r.subject_id = due.subject_id AND r.origin_id = due.origin_id AND r.record_id = due.record_id
        AND r.status IN (1, 2)`,
    [today, limits.map((l) => l.category), limits.map((l) => l.severity), limits.map((l) => l.months)],
  );
  return rowCount ?? 0;
}
