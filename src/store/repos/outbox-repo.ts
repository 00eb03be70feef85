import type { Queryable } from './queryable.js';

/** A queued record version bound for one partner. */
export interface OutboxRow {
  readonly seq: number;
  readonly payload: Buffer;
}

export interface OutboxEntry {
  readonly originId: string;
  readonly recordId: string;
  readonly version: number;
  readonly payload: Buffer;
}

/**
 * Appends record versions to a partner's outbox with the next sequences. The
 * counter row stays locked until the transaction commits, so sequences become
 * visible in order and without gaps.
 */
export async function enqueue(tx: Queryable, partnerId: string, entries: readonly OutboxEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const { rows } = await tx.query<{ last_seq: string }>(
    `INSERT INTO outbox_state (partner_id, last_seq) VALUES ($1, $2)
     ON CONFLICT (partner_id) DO UPDATE SET last_seq = outbox_state.last_seq + EXCLUDED.last_seq
     RETURNING last_seq`,
    [partnerId, entries.length],
  );
  const first = Number(rows[0]!.last_seq) - entries.length + 1;
  await tx.query(
    `INSERT INTO outbox (partner_id, seq, origin_id, record_id, version, payload)
     SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::bytea[])`,
    [
      partnerId,
      entries.map((_, i) => first + i),
      entries.map((e) => e.originId),
      entries.map((e) => e.recordId),
      entries.map((e) => e.version),
      entries.map((e) => e.payload),
    ],
  );
}

/** The next rows after a sequence, in order, bounded by count and total bytes. */
export async function readAfter(
  db: Queryable,
  partnerId: string,
  afterSeq: number,
  limits: { maxRows: number; maxBytes: number },
): Promise<OutboxRow[]> {
  const { rows } = await db.query<{ seq: string; payload: Buffer }>(
    `SELECT seq, payload FROM outbox WHERE partner_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
    [partnerId, afterSeq, limits.maxRows],
  );
  const out: OutboxRow[] = [];
  let bytes = 0;
  for (const r of rows) {
    bytes += r.payload.length + 16;
    if (out.length > 0 && bytes > limits.maxBytes) break;
    out.push({ seq: Number(r.seq), payload: r.payload });
  }
  return out;
}

/**
 * After the receiver resumes at `receiverSeq`: if it is ahead of everything we
 * ever allocated, our store was restored from an older backup. Rows we queued
 * since that backup would hide behind sequences the receiver already holds, so
 * they are moved, in order, to just after `receiverSeq`, and the counter
 * follows. Returns the sequence to resume after.
 */
export async function alignWithReceiver(
  store: { transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> },
  partnerId: string,
  receiverSeq: number,
): Promise<number> {
  return store.transaction(async (tx) => {
    await tx.query(`INSERT INTO outbox_state (partner_id) VALUES ($1) ON CONFLICT DO NOTHING`, [partnerId]);
    const { rows } = await tx.query<{ last_seq: string; acked_seq: string }>(
      `SELECT last_seq, acked_seq FROM outbox_state WHERE partner_id = $1 FOR UPDATE`,
      [partnerId],
    );
    const lastSeq = Number(rows[0]!.last_seq);
    const ackedSeq = Number(rows[0]!.acked_seq);
    if (receiverSeq <= lastSeq) return receiverSeq;
    const shift = receiverSeq - ackedSeq;
    // Two steps, so that no intermediate row collides with another's primary key.
    await tx.query(`UPDATE outbox SET seq = -(seq + $3) WHERE partner_id = $1 AND seq > $2`, [partnerId, ackedSeq, shift]);
    await tx.query(`UPDATE outbox SET seq = -seq WHERE partner_id = $1 AND seq < 0`, [partnerId]);
    await tx.query(`UPDATE outbox_state SET last_seq = $2, acked_seq = $3 WHERE partner_id = $1`, [
      partnerId,
      lastSeq + shift,
      receiverSeq,
    ]);
    return receiverSeq;
  });
}

/**
 * Records an acknowledgement: rows up to `throughSeq` are done, some rejected
 * with reasons. Rows are not rewritten: the acknowledged position lives in
 * outbox_state, and outbox_acks remembers when it moved, for retention.
 */
export async function markAcked(
  db: Queryable,
  partnerId: string,
  throughSeq: number,
  rejections: readonly { seq: number; recordId: string; reason: string; message: string }[],
): Promise<void> {
  await db.query(
    `WITH ack AS (
       INSERT INTO outbox_acks (partner_id, through_seq) VALUES ($1, $2) ON CONFLICT DO NOTHING
     ), rejected AS (
       INSERT INTO outbox_rejections (partner_id, seq, record_id, reason, message)
       SELECT $1, * FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[])
       ON CONFLICT DO NOTHING
       RETURNING 1
     )
     UPDATE outbox_state
        SET acked_seq = GREATEST(acked_seq, $2), acked_at = now(),
            rejected = rejected + (SELECT count(*) FROM rejected)
      WHERE partner_id = $1`,
    [
      partnerId,
      throughSeq,
      rejections.map((r) => r.seq),
      rejections.map((r) => r.recordId),
      rejections.map((r) => r.reason),
      rejections.map((r) => r.message),
    ],
  );
}

/**
 * Deletes outbox rows acknowledged longer ago than the retention period, and
 * the acknowledgement marks that no longer matter. Returns the rows deleted.
 */
export async function purgeAcked(db: Queryable, partnerId: string, retentionSeconds: number): Promise<number> {
  const { rows } = await db.query<{ through: string | null }>(
    `SELECT max(through_seq) AS through FROM outbox_acks
      WHERE partner_id = $1 AND acked_at < now() - make_interval(secs => $2)`,
    [partnerId, retentionSeconds],
  );
  const through = rows[0]?.through;
  if (through === null || through === undefined) return 0;
  const res = await db.query(`DELETE FROM outbox WHERE partner_id = $1 AND seq <= $2`, [partnerId, through]);
  await db.query(`DELETE FROM outbox_acks WHERE partner_id = $1 AND through_seq < $2`, [partnerId, through]);
  return res.rowCount ?? 0;
}
