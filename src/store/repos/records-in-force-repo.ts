/**
 * The records in force about a subject (and the subjects merged into it):
 * the latest version of each, active or disputed, with their stored bytes —
 * what a verdict is computed from. `subjectStates` digests their keys,
 * versions and statuses without reading their bytes, so a cached verdict is
 * reused only while nothing changed, at the cost of an index scan.
 */
import type { Queryable } from './queryable.js';
import { idKey } from './subject-groups.js';

/** Active (counted) and disputed (counted or not, per the rules): the records a state digest covers. */
export const IN_FORCE: readonly number[] = [1, 2];

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
 * SQL of the rows (n, subject_id, state) for the identifiers `u(scheme,
 * value, n)` of `from` (a FROM item, e.g. an unnest): the canonical subject
 * each linked one names (as `resolveIdentifier`) and the digest of its
 * records in force (keys, versions, statuses, digested by the database so
 * only one short row per identifier comes back); unlinked identifiers give
 * no row. `inForce` is the parameter holding IN_FORCE. Each identifier is a
 * primary-key probe (LATERAL … LIMIT 1): as a plain join the planner hashes
 * the whole identifier table instead, four times slower already at 4,000 rows.
 */
export function subjectStatesSql(from: string, inForce: string): string {
  return `SELECT h.n, h.subject_id, r.state
       FROM (SELECT u.n, coalesce(a.canonical_id, i.subject_id) AS subject_id
               FROM ${from}
               CROSS JOIN LATERAL (SELECT subject_id FROM subject_identifiers WHERE value = u.value AND scheme = u.scheme LIMIT 1) i
               LEFT JOIN subject_aliases a ON a.subject_id = i.subject_id) h
       CROSS JOIN LATERAL (
             SELECT md5(coalesce(array_agg(ROW(origin_id, record_id, version, status) ORDER BY origin_id COLLATE "C", record_id COLLATE "C")::text, '')) AS state
               FROM records
              WHERE subject_id = ANY(ARRAY(SELECT h.subject_id UNION ALL SELECT subject_id FROM subject_aliases WHERE canonical_id = h.subject_id))
                AND status = ANY(${inForce}::smallint[])) r`;
}

/** For many (normalised) identifiers in one statement (`subjectStatesSql`), keyed by `idKey`; unlinked identifiers are absent. */
export async function subjectStates(q: Queryable, asked: readonly { scheme: number; value: string }[]): Promise<Map<string, SubjectState>> {
  const ids = [...new Map(asked.map((id) => [idKey(id.scheme, id.value), id])).values()];
  if (ids.length === 0) return new Map();
  const { rows } = await q.query<{ n: string; subject_id: string; state: string }>(
    subjectStatesSql('unnest($1::smallint[], $2::text[]) WITH ORDINALITY AS u(scheme, value, n)', '$3'),
    [ids.map((id) => id.scheme), ids.map((id) => id.value), IN_FORCE],
    'subject_states_digest',
  );
  const states = new Map<string, SubjectState>();
  for (const r of rows) {
    const id = ids[Number(r.n) - 1]!;
    states.set(idKey(id.scheme, id.value), { subjectId: r.subject_id, state: r.state });
  }
  return states;
}
