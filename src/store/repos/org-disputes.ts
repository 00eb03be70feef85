/**
 * Organisation codes named beside a USCC that contains another one (see
 * evidence.ts): accepted if the graph already links the code to the USCC's
 * subject (an admin accepted it before), otherwise queued for review.
 */
import { recordConflicts, type NewConflict } from './conflict-writer.js';
import { idKey } from './subject-groups.js';
import { lookupIdentifiers } from './subject-lookup.js';
import type { ResolveContext } from './subjects-repo.js';

const USCC = 1;
const ORG = 2;

export async function recordDisputes({ tx, items, evidence, subjectOf, barrier }: ResolveContext): Promise<void> {
  const disputed = evidence.flatMap((e, i) => e.disputes.map((d) => ({ ...d, index: i })));
  if (disputed.length === 0) return;
  const owners = await lookupIdentifiers(tx, disputed.map((d) => ({ scheme: ORG, value: d.orgCode })));
  const conflicts: NewConflict[] = disputed
    .filter((d) => owners.get(idKey(ORG, d.orgCode)) !== subjectOf[d.index])
    .map((d) => ({
      kind: 'uscc_two_org_codes',
      subjectId: subjectOf[d.index]!,
      scheme: USCC,
      value: d.uscc,
      proposedScheme: ORG,
      proposedValue: d.orgCode,
      source: items[d.index]!.source,
      evidence: items[d.index]!.ref,
    }));
  if (conflicts.length === 0) return;
  await barrier();
  await recordConflicts(tx, conflicts);
}
