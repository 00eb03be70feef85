/**
 * Part of key rotation (`credfed persons rekey`): this node's own records
 * about a person are given the person's pseudonyms under every configured
 * key and stored as their next version, which queues them for the push
 * partners. A receiver that never saw the clear number (a city) learns the
 * new pseudonym from them and links it to the person's subject there.
 */

import { CreditRecord } from '../gen/credfed/v1/record.js';
import { IdentifierScheme, type Identifier } from '../gen/credfed/v1/subject.js';
import { applyRecords } from '../store/repos/apply-records.js';
import type { Queryable } from '../store/repos/queryable.js';

const PSEUDONYM = IdentifierScheme.IDENTIFIER_SCHEME_RESIDENT_ID_PSEUDONYM;

export interface ResendTarget {
  /** This node: only records that originated here are rewritten. */
  readonly originId: string;
  /** Partners whose outbox receives the new versions. */
  readonly outboxPartners: readonly string[];
}

/**
 * Adds the missing ones of `pseudonyms` (one person's, under every key) to
 * this node's records that name the person by one of them; returns how many
 * records became a new version.
 */
export async function resendWithPseudonyms(tx: Queryable, pseudonyms: readonly string[], target: ResendTarget): Promise<number> {
  const { rows } = await tx.query<{ payload: Uint8Array }>(
    `SELECT r.payload FROM records r
     WHERE r.origin_id = $1 AND r.subject_id IN (SELECT subject_id FROM subject_identifiers WHERE scheme = 8 AND value = ANY($2::text[]))`,
    [target.originId, pseudonyms],
  );
  const changed: CreditRecord[] = [];
  for (const { payload } of rows) {
    const record = CreditRecord.decode(payload);
    const ids = record.subject?.identifiers ?? [];
    const held = ids.filter((id) => id.scheme === PSEUDONYM && pseudonyms.includes(id.value));
    if (held.length === 0) continue;
    const missing = pseudonyms.filter((p) => !held.some((id) => id.value === p));
    if (missing.length === 0) continue;
    const added: Identifier[] = missing.map((value) => ({ scheme: PSEUDONYM, value, masked: held[0]!.masked }));
    changed.push({ ...record, subject: { ...record.subject!, identifiers: [...ids, ...added] } });
  }
  if (changed.length === 0) return 0;
  const outcomes = await applyRecords(tx, changed, { receivedFrom: 'local', assignVersions: true, outboxPartners: target.outboxPartners });
  return outcomes.filter((o) => o === 'accepted').length;
}
