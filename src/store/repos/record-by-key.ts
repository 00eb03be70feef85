/** One record as this node holds it, by its key (origin, record id). */
import { CreditRecord } from '../../gen/credfed/v1/record.js';
import type { Queryable } from './queryable.js';

/**
 * The latest version held, locked for the rest of the transaction; its status
 * is the stored one (a record the gateway expired keeps its bytes as received).
 * Undefined when none is held.
 */
export async function lockRecord(tx: Queryable, originId: string, recordId: string): Promise<CreditRecord | undefined> {
  const { rows } = await tx.query<{ payload: Uint8Array; status: number }>(
    `SELECT payload, status FROM records WHERE origin_id = $1 AND record_id = $2 FOR UPDATE`,
    [originId, recordId],
  );
  const row = rows[0];
  return row ? { ...CreditRecord.decode(row.payload), status: row.status } : undefined;
}
