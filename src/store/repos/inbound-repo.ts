import type { Queryable } from './queryable.js';

/** Locks and returns the last committed sequence from a sender (0 when none). */
export async function lockInboundCursor(tx: Queryable, partnerId: string): Promise<number> {
  await tx.query(`INSERT INTO inbound_cursors (partner_id) VALUES ($1) ON CONFLICT DO NOTHING`, [partnerId]);
  const { rows } = await tx.query<{ last_seq: string }>(
    `SELECT last_seq FROM inbound_cursors WHERE partner_id = $1 FOR UPDATE`,
    [partnerId],
  );
  return Number(rows[0]!.last_seq);
}

/** The last committed sequence from a sender, without locking. */
export async function readInboundCursor(db: Queryable, partnerId: string): Promise<number> {
  const { rows } = await db.query<{ last_seq: string }>(`SELECT last_seq FROM inbound_cursors WHERE partner_id = $1`, [partnerId]);
  return rows[0] ? Number(rows[0].last_seq) : 0;
}

/** Moves the cursor forward and adds the batch's counts. Call inside the batch's transaction. */
export async function advanceInboundCursor(
  tx: Queryable,
  partnerId: string,
  throughSeq: number,
  counts: { accepted: number; unchanged: number; rejected: number },
): Promise<void> {
  await tx.query(
    `UPDATE inbound_cursors
        SET last_seq = GREATEST(last_seq, $2), last_at = now(),
            accepted = accepted + $3, unchanged = unchanged + $4, rejected = rejected + $5
      WHERE partner_id = $1`,
    [partnerId, throughSeq, counts.accepted, counts.unchanged, counts.rejected],
  );
}
