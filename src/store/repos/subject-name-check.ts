/**
 * Names of known subjects. A subject without a name (created from a mapping
 * file) takes the first name a description gives. Descriptions with a USCC:
 * a name from the source that gave the current one replaces it (a rename); a
 * materially different name from another source goes to review
 * (uscc_two_names).
 */
import { materiallyDifferent } from '../../core/graph/subject-name.js';
import { recordConflicts, type NewConflict } from './conflict-writer.js';
import type { ResolveContext } from './subjects-repo.js';

const USCC = 1;

export async function checkNames({ tx, items, evidence, subjectOf, fresh, barrier }: ResolveContext): Promise<void> {
  const named = items
    .map((item, i) => ({ item, uscc: evidence[i]!.uscc, subjectId: subjectOf[i]! }))
    .filter((n) => !fresh.has(n.subjectId) && n.item.subject.name.trim() !== '');
  if (named.length === 0) return;
  const { rows } = await tx.query<{ subject_id: string; name: string; name_source: string | null }>(
    `SELECT subject_id, name, name_source FROM subjects WHERE subject_id = ANY($1::uuid[])`,
    [[...new Set(named.map((n) => n.subjectId))]],
  );
  const current = new Map(rows.map((r) => [r.subject_id, { name: r.name, source: r.name_source }]));
  const renames = new Map<string, { name: string; source: string }>();
  const conflicts: NewConflict[] = [];
  for (const { item, uscc, subjectId } of named) {
    const held = renames.get(subjectId) ?? current.get(subjectId);
    if (!held) continue;
    const name = item.subject.name;
    if (held.name.trim() === '') renames.set(subjectId, { name, source: item.source });
    else if (uscc === undefined) continue;
    else if (held.source === item.source && held.name !== name) renames.set(subjectId, { name, source: item.source });
    else if (held.source !== item.source && materiallyDifferent(held.name, name)) {
      conflicts.push({
        kind: 'uscc_two_names',
        subjectId,
        scheme: USCC,
        value: uscc,
        proposedName: name,
        existingName: held.name,
        source: item.source,
        evidence: item.ref,
      });
    }
  }
  if (renames.size === 0 && conflicts.length === 0) return;
  await barrier();
  for (const [subjectId, { name, source }] of renames) {
    await tx.query(`UPDATE subjects SET name = $2, name_source = $3 WHERE subject_id = $1`, [subjectId, name, source]);
  }
  await recordConflicts(tx, conflicts);
}
