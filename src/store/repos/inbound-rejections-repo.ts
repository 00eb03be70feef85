/**
 * The rejections this node sent back to a sending partner (issue 9, point 4),
 * kept for the monthly report. Written by the receiver in the transaction of
 * the batch they belong to.
 */
import type { Queryable } from './queryable.js';

/** One rejected record of a pushed batch. */
export interface InboundRejectionRow {
  readonly seq: number;
  readonly originId: string;
  readonly recordId: string;
  /** RecordCategory when the record named a known one. */
  readonly category?: number;
  readonly reason: string;
  readonly field: string;
}

/**
 * Stores `rows` as rejections received from `partnerId` now. They are
 * written with the inbound cursor, for sequences after it, so a sequence is
 * not normally stored twice; should one be, the first refusal stays where it
 * is (a month already reported does not change).
 */
export async function insertInboundRejections(tx: Queryable, partnerId: string, rows: readonly InboundRejectionRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO inbound_rejections (partner_id, seq, origin_id, record_id, category, reason, field)
     SELECT $1, s, o, r, c, re, f
       FROM unnest($2::bigint[], $3::text[], $4::text[], $5::smallint[], $6::text[], $7::text[]) AS u(s, o, r, c, re, f)
     ON CONFLICT (partner_id, seq) DO NOTHING`,
    [
      partnerId,
      rows.map((r) => r.seq),
      rows.map((r) => r.originId),
      rows.map((r) => r.recordId),
      rows.map((r) => r.category ?? null),
      rows.map((r) => r.reason),
      rows.map((r) => r.field),
    ],
  );
}
