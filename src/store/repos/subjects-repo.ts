import { randomUUID } from 'node:crypto';
import { evidenceOf, type Evidence } from '../../core/graph/evidence.js';
import type { Subject } from '../../gen/credfed/v1/subject.js';
import { recordDisputes } from './org-disputes.js';
import type { Queryable } from './queryable.js';
import { checkNames } from './subject-name-check.js';
import { groupBySharedIdentifiers, idKey, type SubjectGroup } from './subject-groups.js';
import { lookupIdentifiers } from './subject-lookup.js';
import { reconcileGroup, type GroupContext } from './subject-reconcile.js';

/** One description of a subject and where it came from. */
export interface SubjectEvidence {
  /** Kind, name and identifiers (validated and normalised). */
  readonly subject: Subject;
  /** Who says so: a partner id, 'local' (an import) or 'mapping:<file>'. */
  readonly source: string;
  /** What says so, shown with a conflict: e.g. 'county-a/P-001' or 'map.csv:12'. */
  readonly ref: string;
}

/**
 * Finds or creates the subject of each description through the identifier
 * graph and links the identifiers it gives. Returns the canonical subject id
 * of each description. Evidence that contradicts the graph (a legacy code of
 * one USCC named with another, a USCC with a foreign organisation code, a
 * USCC named materially differently by another source) is never applied: it
 * goes to the review queue (identifier_conflicts).
 *
 * The common cases take three statements for the whole batch (insert first,
 * look up only what was there): a group of descriptions sharing identifiers
 * whose identifiers are all new becomes a new subject; one whose identifiers
 * are all linked to one subject (or adds only non-unique ones) lands there.
 * Anything else — identifiers on several subjects, a new USCC or organisation
 * code beside known identifiers — is reconciled group by group
 * (subject-reconcile.ts). Safe under concurrent transactions: the identifier
 * insert decides the winner, merges lock the subjects they touch.
 * `beforeSharedWrites`: see {@link ResolveContext.barrier}.
 */
export async function resolveSubjects(
  tx: Queryable,
  items: readonly SubjectEvidence[],
  beforeSharedWrites: () => Promise<unknown> = async () => {},
): Promise<string[]> {
  const evidence = items.map((item) => evidenceOf(item.subject));
  const groups = groupBySharedIdentifiers(evidence.map((e) => e.identifiers), randomUUID);
  const consistent = groups.filter((g) => isConsistent(g));
  const barrier = once(beforeSharedWrites);
  const ctx: ResolveContext = { tx, items, evidence, subjectOf: new Array(items.length), fresh: new Set(), barrier };
  await resolveGroups(ctx, consistent);
  // Descriptions linked only through a chain that would join two USCCs or two
  // organisation codes: each on its own, in order, so the graph decides.
  for (const group of groups.filter((g) => !isConsistent(g))) {
    for (const member of group.members) {
      const single = groupBySharedIdentifiers([evidence[member]!.identifiers], randomUUID)[0]!;
      await resolveGroups(ctx, [{ ...single, members: [member] }]);
    }
  }
  await recordDisputes(ctx);
  await checkNames(ctx);
  return ctx.subjectOf;
}

/** What one resolveSubjects call works on. */
export interface ResolveContext {
  readonly tx: Queryable;
  readonly items: readonly SubjectEvidence[];
  readonly evidence: readonly Evidence[];
  /** The canonical subject of each description, filled in as they are placed. */
  readonly subjectOf: string[];
  /** Subjects created by this call. */
  readonly fresh: Set<string>;
  /**
   * Awaited before the first write to rows this call's descriptions do not
   * name (other subjects' identifiers, subject rows, conflicts): the receiver
   * waits there for the previous batch of the stream to commit, so two
   * overlapping batches never wait on each other's locks.
   */
  readonly barrier: () => Promise<unknown>;
}

function once(fn: () => Promise<unknown>): () => Promise<unknown> {
  let done: Promise<unknown> | undefined;
  return () => (done ??= fn());
}

/** At most one USCC and one organisation code across the group. */
function isConsistent(group: SubjectGroup): boolean {
  const values = new Map<number, string>();
  for (const id of group.identifiers) {
    if (!UNIQUE_SCHEMES.has(id.scheme)) continue;
    const held = values.get(id.scheme);
    if (held !== undefined && held !== id.value) return false;
    values.set(id.scheme, id.value);
  }
  return true;
}

/** Schemes of which a subject holds one value (an admin may accept a second). */
export const UNIQUE_SCHEMES: ReadonlySet<number> = new Set([1, 2]);

async function resolveGroups(ctx: ResolveContext, groups: readonly SubjectGroup[]): Promise<void> {
  const { tx, items, evidence, subjectOf, fresh } = ctx;
  const inserted = await linkToCandidates(tx, groups, items);
  const found = await lookupIdentifiers(
    tx,
    groups.flatMap((g) => g.identifiers.filter((id) => !inserted.has(idKey(id.scheme, id.value)))),
  );
  const newSubjects: SubjectGroup[] = [];
  const repoint: { scheme: number; value: string; subjectId: string }[] = [];
  const slow: SubjectGroup[] = [];
  for (const group of groups) {
    const owners = new Set(group.identifiers.flatMap((id) => found.get(idKey(id.scheme, id.value)) ?? []));
    const added = group.identifiers.filter((id) => inserted.has(idKey(id.scheme, id.value)));
    let subjectId: string;
    if (owners.size === 0) {
      subjectId = group.candidate;
      newSubjects.push(group);
      fresh.add(subjectId);
    } else if (owners.size === 1 && !added.some((id) => UNIQUE_SCHEMES.has(id.scheme))) {
      subjectId = [...owners][0]!;
      for (const id of added) repoint.push({ scheme: id.scheme, value: id.value, subjectId });
    } else {
      slow.push(group);
      continue;
    }
    for (const m of group.members) subjectOf[m] = subjectId;
  }
  await repointLinks(tx, repoint);
  await insertSubjects(tx, newSubjects.map((g) => ({ id: g.candidate, item: items[g.members[0]!]! })));
  if (slow.length > 0) await ctx.barrier();
  for (const group of slow) {
    const context: GroupContext = { group, items, evidence, found, inserted };
    const subjectId = await reconcileGroup(tx, context);
    if (subjectId === group.candidate) {
      await insertSubjects(tx, [{ id: subjectId, item: items[group.members[0]!]! }]);
      fresh.add(subjectId);
    }
    for (const m of group.members) subjectOf[m] = subjectId;
  }
}

/** Links every identifier to its group's candidate where it is not linked yet; returns the keys linked now. */
async function linkToCandidates(tx: Queryable, groups: readonly SubjectGroup[], items: readonly SubjectEvidence[]): Promise<Set<string>> {
  const schemes: number[] = [];
  const values: string[] = [];
  const owners: string[] = [];
  const sources: string[] = [];
  for (const g of groups) {
    for (const id of g.identifiers) {
      schemes.push(id.scheme), values.push(id.value), owners.push(g.candidate);
      sources.push(id.derived ? 'derived' : items[id.member]!.source);
    }
  }
  if (schemes.length === 0) return new Set();
  // A fixed order, so concurrent transactions take the key locks in the same order (no deadlock).
  const { rows } = await tx.query<{ scheme: number; value: string }>(
    `INSERT INTO subject_identifiers (scheme, value, subject_id, source)
     SELECT * FROM unnest($1::smallint[], $2::text[], $3::uuid[], $4::text[])
     ORDER BY 2, 1
     ON CONFLICT DO NOTHING
     RETURNING scheme, value`,
    [schemes, values, owners, sources],
  );
  return new Set(rows.map((r) => idKey(r.scheme, r.value)));
}

/** Points links (inserted for a candidate) at the subject the group turned out to be. */
export async function repointLinks(tx: Queryable, links: readonly { scheme: number; value: string; subjectId: string }[]): Promise<void> {
  if (links.length === 0) return;
  await tx.query(
    `UPDATE subject_identifiers i SET subject_id = u.subject_id
       FROM unnest($1::smallint[], $2::text[], $3::uuid[]) AS u(scheme, value, subject_id)
      WHERE i.value = u.value AND i.scheme = u.scheme`,
    [links.map((l) => l.scheme), links.map((l) => l.value), links.map((l) => l.subjectId)],
  );
}

async function insertSubjects(tx: Queryable, subjects: readonly { id: string; item: SubjectEvidence }[]): Promise<void> {
  if (subjects.length === 0) return;
  await tx.query(
    `INSERT INTO subjects (subject_id, kind, name, name_source)
     SELECT * FROM unnest($1::uuid[], $2::smallint[], $3::text[], $4::text[])
     ON CONFLICT DO NOTHING`,
    [
      subjects.map((s) => s.id),
      subjects.map((s) => s.item.subject.kind),
      subjects.map((s) => s.item.subject.name),
      subjects.map((s) => s.item.source),
    ],
  );
}
