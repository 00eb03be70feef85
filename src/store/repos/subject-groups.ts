/**
 * Descriptions of one batch that must land on one subject because they share
 * an identifier (directly or through a chain), found with a union-find over
 * their identifiers. Pure: no I/O.
 */
import type { EvidenceId } from '../../core/graph/evidence.js';

export const idKey = (scheme: number, value: string): string => `${scheme}:${value}`;

export interface SubjectGroup {
  /** The id the group's subject gets if none of its identifiers is linked yet. */
  readonly candidate: string;
  /** Indices of the group's descriptions, in input order. */
  readonly members: readonly number[];
  /** The group's distinct identifiers, in the order the descriptions give them, with the member that gave each. */
  readonly identifiers: readonly (EvidenceId & { readonly member: number })[];
}

/** Groups descriptions sharing an identifier; `newId` makes each group's candidate id. Groups come in input order. */
export function groupBySharedIdentifiers(descriptions: readonly (readonly EvidenceId[])[], newId: () => string): SubjectGroup[] {
  const parent = descriptions.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const ownerOf = new Map<string, number>();
  descriptions.forEach((ids, i) => {
    for (const id of ids) {
      const key = idKey(id.scheme, id.value);
      const owner = ownerOf.get(key);
      if (owner === undefined) ownerOf.set(key, i);
      else {
        const [a, b] = [find(owner), find(i)];
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  });
  const byRoot = new Map<number, { candidate: string; members: number[]; identifiers: (EvidenceId & { member: number })[] }>();
  const seen = new Set<string>();
  descriptions.forEach((ids, i) => {
    const root = find(i);
    let g = byRoot.get(root);
    if (!g) byRoot.set(root, (g = { candidate: newId(), members: [], identifiers: [] }));
    g.members.push(i);
    for (const id of ids) {
      const key = idKey(id.scheme, id.value);
      if (!seen.has(key)) (seen.add(key), g.identifiers.push({ ...id, member: i }));
    }
  });
  return [...byRoot.values()];
}
