/**
 * What a node must pass on towards a record's origin (objections, feedback):
 * one row per (partner, kind, message), removed when the partner
 * acknowledges it, tried again later when it fails, kept with the reason
 * (and no longer tried) when the partner refuses it for good.
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

/**
 * Claims the items due now, oldest first, for `leaseSeconds`: another
 * replica does not take them meanwhile (they come due again if this one
 * dies before settling them).
 */
export async function claimUpstream(q: Queryable, limit: number, leaseSeconds: number): Promise<UpstreamItem[]> {
  const { rows } = await q.query<{ partner_id: string; kind: UpstreamKind; message_id: string; attempts: number }>(
    `UPDATE upstream_queue u SET next_try_at = now() + make_interval(secs => $2)
       FROM (SELECT partner_id, kind, message_id FROM upstream_queue WHERE next_try_at <= now()
              ORDER BY enqueued_at, message_id LIMIT $1 FOR UPDATE SKIP LOCKED) due
      WHERE u.partner_id = due.partner_id AND u.kind = due.kind AND u.message_id = due.message_id
      RETURNING u.partner_id, u.kind, u.message_id, u.attempts, u.enqueued_at`,
    [limit, leaseSeconds],
  );
  return rows.map((r) => ({ partnerId: r.partner_id, kind: r.kind, messageId: r.message_id, attempts: r.attempts }));
}

/** The partner refused the item for good: kept with the reason, never tried again. */
export async function refuseUpstream(q: Queryable, item: UpstreamItem, reason: string): Promise<void> {
  await q.query(
    `UPDATE upstream_queue SET attempts = attempts + 1, last_error = $4, next_try_at = 'infinity' WHERE partner_id = $1 AND kind = $2 AND message_id = $3`,
    [item.partnerId, item.kind, item.messageId, reason.slice(0, 500)],
  );
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
