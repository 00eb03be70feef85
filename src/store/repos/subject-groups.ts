/**
 * Subject descriptions of one batch that must land on one subject because
 * they share an identifier (directly or through a chain), found with a
 * union-find over their identifiers. Pure: no I/O.
 */
import type { Identifier, Subject } from '../../gen/credfed/v1/subject.js';

export const idKey = (scheme: number, value: string): string => `${scheme}:${value}`;

export interface SubjectGroup {
  /** The id the group gets if none of its identifiers is linked yet. */
  readonly candidate: string;
  /** The first description of the group (its kind and name make a new subject). */
  readonly first: Subject;
  /** The group's distinct identifiers, in the order the descriptions give them. */
  readonly identifiers: readonly Identifier[];
}

export interface SubjectGroups {
  readonly groups: readonly SubjectGroup[];
  /** The group of each input description, by index. */
  readonly groupOf: readonly SubjectGroup[];
}

/** Groups descriptions sharing an identifier; `newId` makes each group's candidate id. */
export function groupBySharedIdentifiers(subjects: readonly Subject[], newId: () => string): SubjectGroups {
  const parent = subjects.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const ownerOf = new Map<string, number>();
  subjects.forEach((s, i) => {
    for (const id of s.identifiers) {
      const key = idKey(id.scheme, id.value);
      const owner = ownerOf.get(key);
      if (owner === undefined) ownerOf.set(key, i);
      else {
        const [a, b] = [find(owner), find(i)];
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  });
  const byRoot = new Map<number, { candidate: string; first: Subject; identifiers: Identifier[] }>();
  const seen = new Set<string>();
  const groups: SubjectGroup[] = [];
  const groupOf = subjects.map((s, i) => {
    const root = find(i);
    let g = byRoot.get(root);
    if (!g) {
      g = { candidate: newId(), first: s, identifiers: [] };
      byRoot.set(root, g);
      groups.push(g);
    }
    for (const id of s.identifiers) {
      const key = idKey(id.scheme, id.value);
      if (!seen.has(key)) (seen.add(key), g.identifiers.push(id));
    }
    return g;
  });
  return { groups, groupOf };
}
