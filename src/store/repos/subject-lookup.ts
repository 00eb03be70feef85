/** Reading the identifier graph: which canonical subject an identifier names. */
import type { Queryable } from './queryable.js';
import { idKey } from './subject-groups.js';

/**
 * The canonical subject of each given identifier that is linked, keyed by
 * `idKey`. A link to a merged subject is followed to the subject it was
 * merged into (links are repointed at a merge; a concurrent writer may still
 * have linked to the old id).
 */
export async function lookupIdentifiers(tx: Queryable, ids: readonly { scheme: number; value: string }[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const { rows } = await tx.query<{ scheme: number; value: string; subject_id: string }>(
    `SELECT i.scheme, i.value, coalesce(a.canonical_id, i.subject_id) AS subject_id
       FROM subject_identifiers i
       JOIN unnest($1::smallint[], $2::text[]) AS u(scheme, value) ON i.value = u.value AND i.scheme = u.scheme
       LEFT JOIN subject_aliases a ON a.subject_id = i.subject_id`,
    [ids.map((id) => id.scheme), ids.map((id) => id.value)],
  );
  return new Map(rows.map((r) => [idKey(r.scheme, r.value), r.subject_id]));
}

/** The canonical subject one (normalised) identifier names, or undefined when it is not linked. */
export async function resolveIdentifier(q: Queryable, scheme: number, value: string): Promise<string | undefined> {
  const { rows } = await q.query<{ subject_id: string }>(
    `SELECT coalesce(a.canonical_id, i.subject_id) AS subject_id
       FROM subject_identifiers i LEFT JOIN subject_aliases a ON a.subject_id = i.subject_id
      WHERE i.value = $2 AND i.scheme = $1`,
    [scheme, value],
  );
  return rows[0]?.subject_id;
}
