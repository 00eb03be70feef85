/** Adding evidence to the identifier review queue (identifier_conflicts). */
import type { Queryable } from './queryable.js';

export type ConflictKind = 'legacy_two_usccs' | 'legacy_two_org_codes' | 'uscc_two_org_codes' | 'uscc_two_names';

/** One piece of evidence the graph did not apply. See 0006_identifier_graph.sql for the fields' meaning per kind. */
export interface NewConflict {
  readonly kind: ConflictKind;
  readonly subjectId: string;
  readonly scheme: number;
  readonly value: string;
  readonly proposedScheme?: number;
  readonly proposedValue?: string;
  readonly proposedName?: string;
  readonly existingName?: string;
  readonly source: string;
  readonly evidence: string;
}

/**
 * Queues conflicts. Evidence already queued (same kind, subject, identifier
 * and proposal) counts one more occurrence and keeps its status: a decided
 * conflict is not reopened by the same evidence.
 */
export async function recordConflicts(tx: Queryable, all: readonly NewConflict[]): Promise<void> {
  // One row per key: a statement may not update the same row twice.
  const byKey = new Map(all.map((c) => [[c.kind, c.subjectId, c.scheme, c.value, c.proposedValue, c.proposedName].join('\u0000'), c]));
  const conflicts = [...byKey.values()];
  if (conflicts.length === 0) return;
  const col = <T>(f: (c: NewConflict) => T): T[] => conflicts.map(f);
  await tx.query(
    `INSERT INTO identifier_conflicts AS c (kind, subject_id, scheme, value, proposed_scheme, proposed_value,
                                            proposed_name, existing_name, source, evidence)
     SELECT * FROM unnest($1::text[], $2::uuid[], $3::smallint[], $4::text[], $5::smallint[], $6::text[],
                          $7::text[], $8::text[], $9::text[], $10::text[])
     ORDER BY 1, 2, 3, 4, 6, 7
     ON CONFLICT (kind, subject_id, scheme, value, proposed_value, proposed_name)
     DO UPDATE SET occurrences = c.occurrences + 1, last_seen_at = now()`,
    [
      col((c) => c.kind),
      col((c) => c.subjectId),
      col((c) => c.scheme),
      col((c) => c.value),
      col((c) => c.proposedScheme ?? 0),
      col((c) => c.proposedValue ?? ''),
      col((c) => c.proposedName ?? ''),
      col((c) => c.existingName ?? ''),
      col((c) => c.source),
      col((c) => c.evidence),
    ],
  );
}
