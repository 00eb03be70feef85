/**
 * What a node must pass on towards a record's origin (objections, feedback):
 * one row per (partner, kind, message), removed when the partner
 * acknowledges it, tried again later when it fails.
 */
import type { Queryable } from './queryable.js';

export type UpstreamKind = 'objection' | 'feedback';

export interface UpstreamItem {
  readonly partnerId: string;
  readonly kind: UpstreamKind;
  readonly messageId: string;
  readonly attempts: number;
}

export async function enqueueUpstream(tx: Queryable, partnerId: string, kind: UpstreamKind, messageId: string): Promise<void> {
  await tx.query(`INSERT INTO upstream_queue (partner_id, kind, message_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [partnerId, kind, messageId]);
}

/** Items due now, oldest first. */
export async function dueUpstream(q: Queryable, limit: number): Promise<UpstreamItem[]> {
  const { rows } = await q.query<{ partner_id: string; kind: UpstreamKind; message_id: string; attempts: number }>(
    `SELECT partner_id, kind, message_id, attempts FROM upstream_queue WHERE next_try_at <= now() ORDER BY enqueued_at, message_id LIMIT $1`,
    [limit],
  );
  return rows.map((r) => ({ partnerId: r.partner_id, kind: r.kind, messageId: r.message_id, attempts: r.attempts }));
}

/** The partner acknowledged the item. */
export async function ackUpstream(q: Queryable, item: UpstreamItem): Promise<void> {
  await q.query(`DELETE FROM upstream_queue WHERE partner_id = $1 AND kind = $2 AND message_id = $3`, [item.partnerId, item.kind, item.messageId]);
}

/** The item failed: noted, and tried again after `delayMs`. */
export async function retryUpstream(q: Queryable, item: UpstreamItem, error: string, delayMs: number): Promise<void> {
  await q.query(
    `UPDATE upstream_queue SET attempts = attempts + 1, last_error = $4, next_try_at = now() + make_interval(secs => $5::double precision / 1000)
      WHERE partner_id = $1 AND kind = $2 AND message_id = $3`,
    [item.partnerId, item.kind, item.messageId, error.slice(0, 500), delayMs],
  );
}
