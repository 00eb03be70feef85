/**
 * The records in force about a subject (and the subjects merged into it):
 * the latest version of each, active or disputed, with their stored bytes —
 * what a verdict is computed from. `recordsState` digests their keys,
 * versions and statuses without reading their bytes, so a cached verdict is
 * reused only while nothing changed, at the cost of an index scan.
 */
import { createHash } from 'node:crypto';
import type { Queryable } from './queryable.js';

/** Active (counted) and disputed (counted or not, per the rules). */
const IN_FORCE = [1, 2];

export interface RecordInForceRow {
  readonly originId: string;
  readonly recordId: string;
  readonly version: number;
  readonly status: number;
  readonly payload: Uint8Array;
}

// An array of ids, not "= $1 OR IN (…)": the OR form defeats the primary key and scans the whole table.
const WHERE = `subject_id = ANY(ARRAY(SELECT $1::uuid UNION ALL SELECT subject_id FROM subject_aliases WHERE canonical_id = $1::uuid))
        AND status = ANY($2::smallint[])
      ORDER BY origin_id COLLATE "C", record_id COLLATE "C"`;

/** By the canonical subject id; the records of the subjects merged into it are its records. */
export async function recordsInForce(q: Queryable, subjectId: string): Promise<RecordInForceRow[]> {
  const { rows } = await q.query<{ origin_id: string; record_id: string; version: string | number; status: number; payload: Uint8Array }>(
    `SELECT origin_id, record_id, version, status, payload FROM records WHERE ${WHERE}`,
    [subjectId, IN_FORCE],
  );
  return rows.map((r) => ({ originId: r.origin_id, recordId: r.record_id, version: Number(r.version), status: r.status, payload: r.payload }));
}

/** A digest of which records, at which versions and statuses, are in force about the subject. */
export async function recordsState(q: Queryable, subjectId: string): Promise<string> {
  const { rows } = await q.query<{ origin_id: string; record_id: string; version: string | number; status: number }>(
    `SELECT origin_id, record_id, version, status FROM records WHERE ${WHERE}`,
    [subjectId, IN_FORCE],
  );
  return stateOf(rows.map((r) => ({ originId: r.origin_id, recordId: r.record_id, version: Number(r.version), status: r.status })));
}

/** The digest of rows read: the same as `recordsState` for the same records. */
export function stateOf(rows: readonly Pick<RecordInForceRow, 'originId' | 'recordId' | 'version' | 'status'>[]): string {
  const h = createHash('sha256');
  for (const r of rows) h.update(`${r.originId}\u0000${r.recordId}\u0000${r.version}\u0000${r.status}\u0001`);
  return h.digest('base64url');
}
