/**
 * The change feed in the store (migration 0013): events read in commit-safe
 * order after a position, the records in force for a full pull, the pruning
 * horizon, and a subscriber's cursors into its partners' feeds.
 */
import type { FeedPosition } from '../../core/feed/cursor.js';
import type { Queryable } from './queryable.js';

/** What a subscriber may receive: categories and disclosure classes, third-party records or only the two sides'. */
export interface FeedVisibility {
  readonly categories: readonly number[];
  readonly disclosures: readonly number[];
  readonly thirdParty: boolean;
  /** This node and the subscriber. */
  readonly sides: readonly string[];
  /** Records that originated here are never sent back (the subscriber's own). */
  readonly notFrom?: string;
}

export interface FeedEventRow {
  readonly position: FeedPosition;
  readonly at: Date;
  readonly subjectId: string;
  readonly originId: string;
  readonly recordId: string;
  readonly status: number;
  readonly previousStatus: number | null;
  readonly version: number;
  /**
   * The version's bytes when the subscriber may receive it and the record is
   * still at this version; undefined otherwise (a newer version's own event
   * follows; watch lists still see the event).
   */
  readonly payload?: Uint8Array;
}

/**
 * Up to `limit` events after `after`, in feed order, of transactions older
 * than every one still running (so none can appear before them later).
 * Returns them all, visible or not, so the cursor moves past what the
 * subscriber may not see.
 */
export async function readFeed(q: Queryable, after: FeedPosition, visibility: FeedVisibility, limit: number): Promise<FeedEventRow[]> {
  const { rows } = await q.query<{
    xid: string;
    id: string;
    at: Date;
    subject_id: string;
    origin_id: string;
    record_id: string;
    status: number;
    previous_status: number | null;
    version: string;
    payload: Uint8Array | null;
  }>(
    `WITH scan AS (
       SELECT xid, id FROM feed_events
        WHERE xid < pg_snapshot_xmin(pg_current_snapshot()) AND (xid, id) > ($1::xid8, $2::bigint)
        ORDER BY xid, id LIMIT $3)
     SELECT e.xid::text AS xid, e.id::text AS id, e.at, e.subject_id, e.origin_id, e.record_id, e.status, e.previous_status, e.version,
            CASE WHEN e.category = ANY($4::smallint[]) AND e.disclosure = ANY($5::smallint[])
                      AND ($6::boolean OR e.origin_id = ANY($7::text[])) AND e.origin_id IS DISTINCT FROM $8
                      AND r.version = e.version THEN r.payload END AS payload
       FROM scan s JOIN feed_events e ON e.xid = s.xid AND e.id = s.id
       LEFT JOIN records r ON r.subject_id = e.subject_id AND r.origin_id = e.origin_id AND r.record_id = e.record_id
      ORDER BY e.xid, e.id`,
    [after.xid, after.id, limit, visibility.categories, visibility.disclosures, visibility.thirdParty, visibility.sides, visibility.notFrom ?? null],
    'feed_read',
  );
  return rows.map((r) => ({
    position: { xid: r.xid, id: r.id },
    at: r.at,
    subjectId: r.subject_id,
    originId: r.origin_id,
    recordId: r.record_id,
    status: r.status,
    previousStatus: r.previous_status,
    version: Number(r.version),
    ...(r.payload ? { payload: r.payload } : {}),
  }));
}

/**
 * Where a full pull's changes start: every event of a transaction before
 * this position is already reflected in the records read after it.
 */
export async function feedStart(q: Queryable): Promise<FeedPosition> {
  const { rows } = await q.query<{ xid: string }>(`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xid`);
  return { xid: rows[0]!.xid, id: '0' };
}

/** This database's feed: its id, and the newest pruned position (a cursor before it is older than the retained history). */
export async function feedHorizon(q: Queryable): Promise<{ feed: string; horizon: FeedPosition }> {
  const { rows } = await q.query<{ feed_id: string; xid: string; id: string }>(`SELECT feed_id::text AS feed_id, xid::text AS xid, id::text AS id FROM feed_horizon`, [], 'feed_horizon');
  const row = rows[0]!;
  return { feed: row.feed_id, horizon: { xid: row.xid, id: row.id } };
}

export interface SnapshotRow {
  readonly originId: string;
  readonly recordId: string;
  readonly subjectId: string;
  readonly status: number;
  readonly payload: Uint8Array;
  readonly receivedAt: Date;
}

/**
 * A page of the records the subscriber may receive, after the key (origin,
 * record id) of the previous page: every status, so a full pull also tells
 * of records repaired, revoked or expired since (their events may be pruned).
 */
export async function snapshotPage(
  q: Queryable,
  visibility: FeedVisibility,
  after: { originId: string; recordId: string } | undefined,
  limit: number,
): Promise<SnapshotRow[]> {
  const { rows } = await q.query<{ origin_id: string; record_id: string; subject_id: string; status: number; payload: Uint8Array; received_at: Date }>(
    `SELECT origin_id, record_id, subject_id, status, payload, received_at
       FROM records
      WHERE category = ANY($1::smallint[]) AND disclosure = ANY($2::smallint[])
        AND ($3::boolean OR origin_id = ANY($4::text[])) AND origin_id IS DISTINCT FROM $8::text
        AND ($5::text IS NULL OR (origin_id, record_id) > ($5::text, $6::text))
      ORDER BY origin_id, record_id
      LIMIT $7`,
    [visibility.categories, visibility.disclosures, visibility.thirdParty, visibility.sides, after?.originId ?? null, after?.recordId ?? null, limit, visibility.notFrom ?? null],
    'feed_snapshot_page',
  );
  return rows.map((r) => ({ originId: r.origin_id, recordId: r.record_id, subjectId: r.subject_id, status: r.status, payload: r.payload, receivedAt: r.received_at }));
}

/**
 * Deletes the events stored more than `keepDays` days ago by the database's
 * clock (the one that stamped them), of finished transactions, and moves the
 * horizon past them. Returns how many it deleted.
 */
export async function pruneFeed(q: Queryable, keepDays: number): Promise<number> {
  const { rows } = await q.query<{ deleted: string }>(
    `WITH gone AS (
       DELETE FROM feed_events
        WHERE at < now() - make_interval(days => $1) AND xid < pg_snapshot_xmin(pg_current_snapshot())
        RETURNING xid, id),
     newest AS (SELECT xid, id FROM gone ORDER BY xid DESC, id DESC LIMIT 1),
     moved AS (
       UPDATE feed_horizon h SET xid = n.xid, id = n.id FROM newest n WHERE (n.xid, n.id) > (h.xid, h.id) RETURNING 1)
     SELECT (SELECT count(*) FROM gone)::text AS deleted, (SELECT count(*) FROM moved) AS moved`,
    [keepDays],
  );
  return Number(rows[0]?.deleted ?? 0);
}

/** This node's cursor into a partner's feed; undefined before its first delivery. */
export async function loadFeedCursor(q: Queryable, partnerId: string): Promise<string | undefined> {
  const { rows } = await q.query<{ cursor: string }>(`SELECT cursor FROM feed_cursors WHERE partner_id = $1`, [partnerId]);
  return rows[0]?.cursor;
}

/** Moves this node's cursor into a partner's feed (inside the transaction that stores what came before it). */
export async function saveFeedCursor(q: Queryable, partnerId: string, cursor: string): Promise<void> {
  await q.query(
    `INSERT INTO feed_cursors (partner_id, cursor) VALUES ($1, $2)
     ON CONFLICT (partner_id) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = now()`,
    [partnerId, cursor],
  );
}

/** Forgets this node's cursor into a partner's feed (its next subscription pulls in full). */
export async function clearFeedCursor(q: Queryable, partnerId: string): Promise<void> {
  await q.query(`DELETE FROM feed_cursors WHERE partner_id = $1`, [partnerId]);
}
