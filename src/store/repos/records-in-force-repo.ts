/**
 * The records in force about a subject (and the subjects merged into it):
 * the latest version of each, active or disputed, with their stored bytes —
 * what a verdict is computed from. `stateOf` digests their keys, versions
 * and statuses, so a cached verdict is reused only while nothing changed.
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

/** By the canonical subject id; the records of the subjects merged into it are its records. */
export async function recordsInForce(q: Queryable, subjectId: string): Promise<RecordInForceRow[]> {
  const { rows } = await q.query<{ origin_id: string; record_id: string; version: string | number; status: number; payload: Uint8Array }>(
    `SELECT origin_id, record_id, version, status, payload
       FROM records
      WHERE (subject_id = $1::uuid OR subject_id IN (SELECT subject_id FROM subject_aliases WHERE canonical_id = $1::uuid))
        AND status = ANY($2::smallint[])
      ORDER BY origin_id COLLATE "C", record_id COLLATE "C"`,
    [subjectId, IN_FORCE],
  );
  return rows.map((r) => ({ originId: r.origin_id, recordId: r.record_id, version: Number(r.version), status: r.status, payload: r.payload }));
}

/** A digest of which records, at which versions and statuses, are in force. */
export function stateOf(rows: readonly RecordInForceRow[]): string {
  const h = createHash('sha256');
  for (const r of rows) h.update(`${r.originId}\u0000${r.recordId}\u0000${r.version}\u0000${r.status}\u0001`);
  return h.digest('base64url');
}
