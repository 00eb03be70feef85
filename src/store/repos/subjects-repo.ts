import { randomUUID } from 'node:crypto';
import type { Subject } from '../../gen/credfed/v1/subject.js';
import type { Queryable } from './queryable.js';

const idKey = (scheme: number, value: string): string => `${scheme}:${value}`;

/**
 * Finds or creates the subject of each given subject description, through its
 * identifiers. A subject first seen gets a new immutable subject id; identifiers
 * not yet linked are linked to the subject found. Conflicting links (one
 * identifier already naming another subject) are left as they are for review.
 * Safe under concurrent transactions: the identifier insert decides the winner.
 */
export async function resolveSubjects(tx: Queryable, subjects: readonly Subject[]): Promise<string[]> {
  const known = await lookupIdentifiers(tx, subjects);
  const knownBefore = new Set(known.keys());
  const chosen = subjects.map((s) => {
    for (const id of s.identifiers) {
      const found = known.get(idKey(id.scheme, id.value));
      if (found) return found;
    }
    const fresh = randomUUID();
    for (const id of s.identifiers) known.set(idKey(id.scheme, id.value), fresh);
    return fresh;
  });
  const linked = await linkIdentifiers(tx, subjects, chosen, knownBefore);
  // A first identifier neither known before nor linked by us now was linked by
  // a concurrent transaction: its subject wins, so re-read those only.
  const firstKey = (s: Subject) => idKey(s.identifiers[0]!.scheme, s.identifiers[0]!.value);
  const lost = subjects.filter((s) => !knownBefore.has(firstKey(s)) && !linked.has(firstKey(s)));
  const settled = lost.length > 0 ? await lookupIdentifiers(tx, lost) : new Map<string, string>();
  const finalIds = subjects.map((s, i) => settled.get(firstKey(s)) ?? chosen[i]!);
  await insertSubjects(tx, subjects, finalIds);
  return finalIds;
}

async function lookupIdentifiers(tx: Queryable, subjects: readonly Subject[]): Promise<Map<string, string>> {
  const schemes: number[] = [];
  const values: string[] = [];
  for (const s of subjects) for (const id of s.identifiers) (schemes.push(id.scheme), values.push(id.value));
  const { rows } = await tx.query<{ scheme: number; value: string; subject_id: string }>(
    `SELECT i.scheme, i.value, i.subject_id
       FROM subject_identifiers i
       JOIN unnest($1::smallint[], $2::text[]) AS u(scheme, value) ON i.value = u.value AND i.scheme = u.scheme`,
    [schemes, values],
  );
  return new Map(rows.map((r) => [idKey(r.scheme, r.value), r.subject_id]));
}

/** Links identifiers not yet linked; returns the keys this call linked. */
async function linkIdentifiers(
  tx: Queryable,
  subjects: readonly Subject[],
  subjectIds: readonly string[],
  alreadyLinked: ReadonlySet<string>,
): Promise<Set<string>> {
  const schemes: number[] = [];
  const values: string[] = [];
  const owners: string[] = [];
  const seen = new Set<string>();
  subjects.forEach((s, i) => {
    for (const id of s.identifiers) {
      const key = idKey(id.scheme, id.value);
      if (seen.has(key) || alreadyLinked.has(key)) continue;
      seen.add(key);
      schemes.push(id.scheme);
      values.push(id.value);
      owners.push(subjectIds[i]!);
    }
  });
  if (schemes.length === 0) return new Set();
  const { rows } = await tx.query<{ scheme: number; value: string }>(
    `INSERT INTO subject_identifiers (scheme, value, subject_id)
     SELECT * FROM unnest($1::smallint[], $2::text[], $3::uuid[])
     ORDER BY 2, 1
     ON CONFLICT DO NOTHING
     RETURNING scheme, value`,
    [schemes, values, owners],
  );
  return new Set(rows.map((r) => idKey(r.scheme, r.value)));
}

async function insertSubjects(tx: Queryable, subjects: readonly Subject[], subjectIds: readonly string[]): Promise<void> {
  const unique = new Map<string, Subject>();
  subjectIds.forEach((id, i) => unique.has(id) || unique.set(id, subjects[i]!));
  await tx.query(
    `INSERT INTO subjects (subject_id, kind, name)
     SELECT * FROM unnest($1::uuid[], $2::smallint[], $3::text[])
     ON CONFLICT DO NOTHING`,
    [[...unique.keys()], [...unique.values()].map((s) => s.kind), [...unique.values()].map((s) => s.name)],
  );
}
