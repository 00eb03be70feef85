/** Locking subjects for a reconciliation, and merging one subject into another (an alias, never a re-key). */
import type { Queryable } from './queryable.js';

const MAX_ROUNDS = 5;

/**
 * Locks the given subjects (in id order, so concurrent reconciliations do not
 * deadlock) and returns the canonical id of each: a subject merged meanwhile
 * is followed to the subject it was merged into, which is locked in turn.
 */
export async function lockCanonical(tx: Queryable, subjectIds: readonly string[]): Promise<Map<string, string>> {
  const canonical = new Map(subjectIds.map((id) => [id, id]));
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const current = [...new Set(canonical.values())].sort();
    await tx.query(`SELECT 1 FROM subjects WHERE subject_id = ANY($1::uuid[]) ORDER BY subject_id FOR UPDATE`, [current]);
    const { rows } = await tx.query<{ subject_id: string; canonical_id: string }>(
      `SELECT subject_id, canonical_id FROM subject_aliases WHERE subject_id = ANY($1::uuid[])`,
      [current],
    );
    if (rows.length === 0) return canonical;
    const moved = new Map(rows.map((r) => [r.subject_id, r.canonical_id]));
    for (const [id, c] of canonical) canonical.set(id, moved.get(c) ?? c);
  }
  return canonical;
}

/** The USCCs and organisation codes linked to each subject. */
export async function uniqueValuesOf(
  tx: Queryable,
  subjectIds: readonly string[],
): Promise<Map<string, { uscc: Set<string>; org: Set<string> }>> {
  const values = new Map(subjectIds.map((id) => [id, { uscc: new Set<string>(), org: new Set<string>() }]));
  if (subjectIds.length === 0) return values;
  const { rows } = await tx.query<{ subject_id: string; scheme: number; value: string }>(
    `SELECT subject_id, scheme, value FROM subject_identifiers WHERE subject_id = ANY($1::uuid[]) AND scheme IN (1, 2)`,
    [subjectIds],
  );
  for (const r of rows) {
    const v = values.get(r.subject_id);
    if (v) (r.scheme === 1 ? v.uscc : v.org).add(r.value);
  }
  return values;
}

/**
 * Records that `from` is the subject `into` (both canonical, locked): its
 * identifiers are linked to `into`, subjects merged into it before now point
 * at `into`, and it becomes an alias. Its records keep their subject id.
 */
export async function mergeSubject(tx: Queryable, from: string, into: string, source: string): Promise<void> {
  if (from === into) return;
  await tx.query(`UPDATE subject_identifiers SET subject_id = $2 WHERE subject_id = $1`, [from, into]);
  await tx.query(`UPDATE subject_aliases SET canonical_id = $2 WHERE canonical_id = $1`, [from, into]);
  await tx.query(
    `INSERT INTO subject_aliases (subject_id, canonical_id, source) VALUES ($1, $2, $3)
     ON CONFLICT (subject_id) DO UPDATE SET canonical_id = EXCLUDED.canonical_id`,
    [from, into, source],
  );
}
