/**
 * Reconciling one group of descriptions that the bulk path could not place:
 * its identifiers are linked to several subjects, or it brings a USCC or an
 * organisation code to a known subject. Subjects that agree with the group
 * are merged (the first found through the best identifier stays canonical);
 * a subject that holds another USCC or organisation code is left as it is and
 * the identifiers that connect it go to review.
 */
import type { Evidence, EvidenceId } from '../../core/graph/evidence.js';
import { recordConflicts, type NewConflict } from './conflict-writer.js';
import type { Queryable } from './queryable.js';
import { idKey, type SubjectGroup } from './subject-groups.js';
import { lockCanonical, mergeSubject, uniqueValuesOf } from './subject-merge.js';
import type { SubjectEvidence } from './subjects-repo.js';

const USCC = 1;
const ORG = 2;

export interface GroupContext {
  readonly group: SubjectGroup;
  readonly items: readonly SubjectEvidence[];
  readonly evidence: readonly Evidence[];
  /** Canonical subject of each identifier that was linked before. */
  readonly found: ReadonlyMap<string, string>;
  /** Identifiers this transaction linked to the group's candidate. */
  readonly inserted: ReadonlySet<string>;
}

/** Lower is stronger: the identifier that best says who a subject is. */
const RANK: Readonly<Record<number, number>> = { 1: 0, 8: 1, 4: 1, 2: 2, 3: 3 };
const rankOf = (scheme: number): number => RANK[scheme] ?? 4;

interface Owner {
  readonly subjectId: string;
  /** The group's identifiers linked to this subject. */
  readonly via: (EvidenceId & { member: number })[];
}

/** Places the group; returns its subject (the candidate when a new subject is needed, which the caller inserts). */
export async function reconcileGroup(tx: Queryable, ctx: GroupContext): Promise<string> {
  const { group } = ctx;
  const owners = await lockedOwners(tx, ctx);
  const held = await uniqueValuesOf(tx, owners.map((o) => o.subjectId));
  const target = {
    uscc: group.identifiers.find((id) => id.scheme === USCC)?.value,
    org: group.identifiers.find((id) => id.scheme === ORG)?.value,
  };
  let anchor: string | undefined;
  const merges: string[] = [];
  const conflicts: NewConflict[] = [];
  for (const owner of owners) {
    const values = held.get(owner.subjectId)!;
    const clash = clashOf(target, values);
    if (clash) {
      conflicts.push(...ownerConflicts(ctx, owner, clash, target));
      continue;
    }
    target.uscc ??= first(values.uscc);
    target.org ??= first(values.org);
    if (anchor === undefined) anchor = owner.subjectId;
    else merges.push(owner.subjectId);
  }
  const subjectId = anchor ?? group.candidate;
  const source = ctx.items[group.members[0]!]!.source;
  for (const from of merges) await mergeSubject(tx, from, subjectId, source);
  if (subjectId !== group.candidate) {
    const added = group.identifiers.filter((id) => ctx.inserted.has(idKey(id.scheme, id.value)));
    if (added.length > 0) {
      await tx.query(
        `UPDATE subject_identifiers SET subject_id = $1
          WHERE subject_id = $2 AND (scheme, value) IN (SELECT * FROM unnest($3::smallint[], $4::text[]))`,
        [subjectId, group.candidate, added.map((id) => id.scheme), added.map((id) => id.value)],
      );
    }
  }
  await recordConflicts(tx, conflicts);
  return subjectId;
}

/** The subjects the group's identifiers are linked to, locked and canonical, strongest link first. */
async function lockedOwners(tx: Queryable, ctx: GroupContext): Promise<Owner[]> {
  const linked = ctx.group.identifiers.filter((id) => ctx.found.has(idKey(id.scheme, id.value)));
  const canonical = await lockCanonical(tx, [...new Set(linked.map((id) => ctx.found.get(idKey(id.scheme, id.value))!))]);
  const owners = new Map<string, Owner>();
  for (const id of [...linked].sort((a, b) => rankOf(a.scheme) - rankOf(b.scheme))) {
    const subjectId = canonical.get(ctx.found.get(idKey(id.scheme, id.value))!)!;
    const owner = owners.get(subjectId) ?? { subjectId, via: [] };
    owner.via.push(id);
    owners.set(subjectId, owner);
  }
  return [...owners.values()];
}

/** Which unique scheme a subject holds another value of, if any. */
function clashOf(target: { uscc?: string; org?: string }, held: { uscc: Set<string>; org: Set<string> }): 'uscc' | 'org' | undefined {
  if (target.uscc !== undefined && held.uscc.size > 0 && !held.uscc.has(target.uscc)) return 'uscc';
  if (target.org !== undefined && held.org.size > 0 && !held.org.has(target.org)) return 'org';
  return undefined;
}

/** One conflict per identifier that connects the group to a subject it contradicts. */
function ownerConflicts(ctx: GroupContext, owner: Owner, clash: 'uscc' | 'org', target: { uscc?: string; org?: string }): NewConflict[] {
  return owner.via.map((id) => {
    const item = ctx.items[id.member]!;
    return {
      kind: clash === 'uscc' ? 'legacy_two_usccs' : 'legacy_two_org_codes',
      subjectId: owner.subjectId,
      scheme: id.scheme,
      value: id.value,
      proposedScheme: clash === 'uscc' ? USCC : ORG,
      proposedValue: clash === 'uscc' ? target.uscc : target.org,
      proposedName: '',
      source: item.source,
      evidence: item.ref,
    };
  });
}

function first(values: Set<string>): string | undefined {
  return values.values().next().value;
}
