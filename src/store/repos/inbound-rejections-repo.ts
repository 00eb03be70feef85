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
 * Stores `rows` as rejections received from `partnerId` now. A sequence
 * already stored (a stream the sender restarted from an earlier point) is
 * replaced: the table keeps the latest outcome of each sequence.
 */
export async function insertInboundRejections(tx: Queryable, partnerId: string, rows: readonly InboundRejectionRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO inbound_rejections (partner_id, seq, origin_id, record_id, category, reason, field)
     SELECT $1, s, o, r, c, re, f
       FROM unnest($2::bigint[], $3::text[], $4::text[], $5::smallint[], $6::text[], $7::text[]) AS u(s, o, r, c, re, f)
     ON CONFLICT (partner_id, seq) DO UPDATE
       SET origin_id = EXCLUDED.origin_id, record_id = EXCLUDED.record_id, category = EXCLUDED.category,
           reason = EXCLUDED.reason, field = EXCLUDED.field, received_at = EXCLUDED.received_at`,
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
