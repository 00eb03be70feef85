import type { Queryable } from './queryable.js';

export interface OutboundState {
  lastSeq: number;
  ackedSeq: number;
  ackedAt?: Date;
  rejected: number;
  pending: number;
  oldestPendingAt?: Date;
}

export interface InboundState {
  lastSeq: number;
  lastAt?: Date;
  accepted: number;
  unchanged: number;
  rejected: number;
}

export async function outboundState(db: Queryable, partnerId: string): Promise<OutboundState> {
  const { rows } = await db.query<{ last_seq: string; acked_seq: string; acked_at: Date | null; rejected: string }>(
    `SELECT last_seq, acked_seq, acked_at, rejected FROM outbox_state WHERE partner_id = $1`,
    [partnerId],
  );
  const r = rows[0];
  const oldest = await db.query<{ enqueued_at: Date }>(
    `SELECT enqueued_at FROM outbox WHERE partner_id = $1 AND seq > $2 ORDER BY seq LIMIT 1`,
    [partnerId, r ? Number(r.acked_seq) : 0],
  );
  const lastSeq = r ? Number(r.last_seq) : 0;
  const ackedSeq = r ? Number(r.acked_seq) : 0;
  return {
    lastSeq,
    ackedSeq,
    ackedAt: r?.acked_at ?? undefined,
    rejected: r ? Number(r.rejected) : 0,
    pending: Math.max(0, lastSeq - ackedSeq),
    oldestPendingAt: oldest.rows[0]?.enqueued_at,
  };
}

export async function inboundState(db: Queryable, partnerId: string): Promise<InboundState> {
  const { rows } = await db.query<{ last_seq: string; last_at: Date | null; accepted: string; unchanged: string; rejected: string }>(
    `SELECT last_seq, last_at, accepted, unchanged, rejected FROM inbound_cursors WHERE partner_id = $1`,
    [partnerId],
  );
  const r = rows[0];
  return {
    lastSeq: r ? Number(r.last_seq) : 0,
    lastAt: r?.last_at ?? undefined,
    accepted: r ? Number(r.accepted) : 0,
    unchanged: r ? Number(r.unchanged) : 0,
    rejected: r ? Number(r.rejected) : 0,
  };
}

export async function countRecords(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM records`);
  return Number(rows[0]!.n);
}
