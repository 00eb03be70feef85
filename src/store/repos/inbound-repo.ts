import type { Queryable } from './queryable.js';

/** The last committed sequence from a sender, without locking. */
export async function readInboundCursor(db: Queryable, partnerId: string): Promise<number> {
  const { rows } = await db.query<{ last_seq: string }>(`SELECT last_seq FROM inbound_cursors WHERE partner_id = $1`, [partnerId]);
  return rows[0] ? Number(rows[0].last_seq) : 0;
}

/** The cursor of a sender, created at 0 if it has none; returns its last committed sequence. */
export async function openInboundCursor(db: Queryable, partnerId: string): Promise<number> {
  await db.query(`INSERT INTO inbound_cursors (partner_id) VALUES ($1) ON CONFLICT DO NOTHING`, [partnerId]);
  return readInboundCursor(db, partnerId);
}

/**
 * Moves the cursor from `fromSeq` to `throughSeq` and adds the batch's counts,
 * inside the batch's transaction. Returns false, changing nothing, when the
 * cursor is not at `fromSeq` (another stream of the sender moved it).
 */
export async function advanceInboundCursor(
  tx: Queryable,
  partnerId: string,
  fromSeq: number,
  throughSeq: number,
  counts: { accepted: number; unchanged: number; rejected: number },
): Promise<boolean> {
  const { rowCount } = await tx.query(
    `UPDATE inbound_cursors
        SET last_seq = $3, last_at = now(),
            accepted = accepted + $4, unchanged = unchanged + $5, rejected = rejected + $6
      WHERE partner_id = $1 AND last_seq = $2`,
    [partnerId, fromSeq, throughSeq, counts.accepted, counts.unchanged, counts.rejected],
  );
  return rowCount === 1;
}
