import { randomUUID } from 'node:crypto';
import type { Subject } from '../../gen/credfed/v1/subject.js';
import type { Queryable } from './queryable.js';
import { groupBySharedIdentifiers, idKey, type SubjectGroup } from './subject-groups.js';

/**
 * Finds or creates the subject of each given subject description, through its
 * identifiers. A subject first seen gets a new immutable subject id; identifiers
 * not yet linked are linked to the subject found. Conflicting links (one
 * identifier already naming another subject) are left as they are for review.
 *
 * Insert first, look up only what was there: descriptions of this call that
 * share an identifier form one group with one candidate id; every identifier
 * is linked to its group's candidate unless already linked (one statement).
 * Only the identifiers that were linked before (or by a concurrent
 * transaction: the insert waits for it and then skips) are read back. A group
 * with such a link takes that subject, and the links it inserted are pointed
 * at it; a group without one keeps its candidate, which becomes a new subject.
 * Safe under concurrent transactions: the identifier insert decides the winner.
 */
export async function resolveSubjects(tx: Queryable, subjects: readonly Subject[]): Promise<string[]> {
  const { groups, groupOf } = groupBySharedIdentifiers(subjects, randomUUID);
  const inserted = await linkToCandidates(tx, groups);
  const linkedBefore = await lookupIdentifiers(
    tx,
    groups.flatMap((g) => g.identifiers.filter((id) => !inserted.has(idKey(id.scheme, id.value)))),
  );
  const repoint: { scheme: number; value: string; subjectId: string }[] = [];
  const fresh: SubjectGroup[] = [];
  const finalIds = new Map<SubjectGroup, string>();
  for (const group of groups) {
    const existing = group.identifiers.map((id) => linkedBefore.get(idKey(id.scheme, id.value))).find((s) => s !== undefined);
    if (existing === undefined) {
      fresh.push(group);
      finalIds.set(group, group.candidate);
      continue;
    }
    finalIds.set(group, existing);
    for (const id of group.identifiers) {
      if (inserted.has(idKey(id.scheme, id.value))) repoint.push({ scheme: id.scheme, value: id.value, subjectId: existing });
    }
  }
  await repointLinks(tx, repoint);
  await insertSubjects(tx, fresh);
  return groupOf.map((g) => finalIds.get(g)!);
}

/** Links every identifier to its group's candidate where it is not linked yet; returns the keys linked now. */
async function linkToCandidates(tx: Queryable, groups: readonly SubjectGroup[]): Promise<Set<string>> {
  const schemes: number[] = [];
  const values: string[] = [];
  const owners: string[] = [];
  for (const g of groups) {
    for (const id of g.identifiers) (schemes.push(id.scheme), values.push(id.value), owners.push(g.candidate));
  }
  if (schemes.length === 0) return new Set();
  // A fixed order, so concurrent transactions take the key locks in the same order (no deadlock).
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

async function lookupIdentifiers(tx: Queryable, ids: readonly { scheme: number; value: string }[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const { rows } = await tx.query<{ scheme: number; value: string; subject_id: string }>(
    `SELECT i.scheme, i.value, i.subject_id
       FROM subject_identifiers i
       JOIN unnest($1::smallint[], $2::text[]) AS u(scheme, value) ON i.value = u.value AND i.scheme = u.scheme`,
    [ids.map((id) => id.scheme), ids.map((id) => id.value)],
  );
  return new Map(rows.map((r) => [idKey(r.scheme, r.value), r.subject_id]));
}

/** Points links this transaction inserted for a candidate at the existing subject its group turned out to be. */
async function repointLinks(tx: Queryable, links: readonly { scheme: number; value: string; subjectId: string }[]): Promise<void> {
  if (links.length === 0) return;
  await tx.query(
    `UPDATE subject_identifiers i SET subject_id = u.subject_id
       FROM unnest($1::smallint[], $2::text[], $3::uuid[]) AS u(scheme, value, subject_id)
      WHERE i.value = u.value AND i.scheme = u.scheme`,
    [links.map((l) => l.scheme), links.map((l) => l.value), links.map((l) => l.subjectId)],
  );
}

async function insertSubjects(tx: Queryable, groups: readonly SubjectGroup[]): Promise<void> {
  if (groups.length === 0) return;
  await tx.query(
    `INSERT INTO subjects (subject_id, kind, name)
     SELECT * FROM unnest($1::uuid[], $2::smallint[], $3::text[])
     ON CONFLICT DO NOTHING`,
    [groups.map((g) => g.candidate), groups.map((g) => g.first.kind), groups.map((g) => g.first.name)],
  );
}
