/**
 * The records in force about a subject (and the subjects merged into it):
 * the latest version of each, active or disputed, with their stored bytes —
 * what a verdict is computed from. `subjectStates` digests their keys,
 * versions and statuses without reading their bytes, so a cached verdict is
 * reused only while nothing changed, at the cost of an index scan.
 */
import { createHash } from 'node:crypto';
import type { Queryable } from './queryable.js';
import { idKey } from './subject-groups.js';

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

/** A linked identifier's canonical subject and that subject's records state. */
export interface SubjectState {
  readonly subjectId: string;
  readonly state: string;
}

/**
 * For many (normalised) identifiers in one statement: the canonical subject
 * each linked one names (as `resolveIdentifier`) and the digest of its
 * records in force (`stateOf`: keys, versions, statuses),
 * keyed by `idKey`; unlinked identifiers are absent. Each identifier is a
 * primary-key probe (LATERAL … LIMIT 1): as a plain join the planner hashes
 * the whole identifier table instead, four times slower already at 4,000 rows.
 */
export async function subjectStates(q: Queryable, asked: readonly { scheme: number; value: string }[]): Promise<Map<string, SubjectState>> {
  const ids = [...new Map(asked.map((id) => [idKey(id.scheme, id.value), id])).values()];
  if (ids.length === 0) return new Map();
  const { rows } = await q.query<{ n: string; subject_id: string; origin_id: string | null; record_id: string | null; version: string | null; status: number | null }>(
    `SELECT h.n, h.subject_id, r.origin_id, r.record_id, r.version, r.status
       FROM (SELECT u.n, coalesce(a.canonical_id, i.subject_id) AS subject_id
               FROM unnest($1::smallint[], $2::text[]) WITH ORDINALITY AS u(scheme, value, n)
               CROSS JOIN LATERAL (SELECT subject_id FROM subject_identifiers WHERE value = u.value AND scheme = u.scheme LIMIT 1) i
               LEFT JOIN subject_aliases a ON a.subject_id = i.subject_id) h
       LEFT JOIN LATERAL (
             SELECT origin_id, record_id, version, status FROM records
              WHERE subject_id = ANY(ARRAY(SELECT h.subject_id UNION ALL SELECT subject_id FROM subject_aliases WHERE canonical_id = h.subject_id))
                AND status = ANY($3::smallint[])) r ON true
      ORDER BY h.n, r.origin_id COLLATE "C", r.record_id COLLATE "C"`,
    [ids.map((id) => id.scheme), ids.map((id) => id.value), IN_FORCE],
    'subject_states',
  );
  const grouped = new Map<string, { subjectId: string; rows: { originId: string; recordId: string; version: number; status: number }[] }>();
  for (const r of rows) {
    const id = ids[Number(r.n) - 1]!;
    const key = idKey(id.scheme, id.value);
    let g = grouped.get(key);
    if (!g) grouped.set(key, (g = { subjectId: r.subject_id, rows: [] }));
    if (r.origin_id !== null) g.rows.push({ originId: r.origin_id, recordId: r.record_id!, version: Number(r.version), status: r.status! });
  }
  return new Map([...grouped].map(([key, g]) => [key, { subjectId: g.subjectId, state: stateOf(g.rows) }]));
}

/** The digest of records' keys, versions and statuses (in `ORDER BY origin_id, record_id` order): the same for the same records however read. */
export function stateOf(rows: readonly Pick<RecordInForceRow, 'originId' | 'recordId' | 'version' | 'status'>[]): string {
  const h = createHash('sha256');
  for (const r of rows) h.update(`${r.originId}\u0000${r.recordId}\u0000${r.version}\u0000${r.status}\u0001`);
  return h.digest('base64url');
}
