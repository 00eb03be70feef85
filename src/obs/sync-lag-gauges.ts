/**
 * How far sync is behind, read from the store when scraped (one query per
 * reading, shared by the gauges it feeds, cached 1 s, never holding a scrape
 * more than 2 s, under a statement timeout: scrape-reading.ts). At the
 * sender, from its outbox, for each partner it pushes to now (partners[].push;
 * a partner removed or no longer pushed to has no series, whatever its
 * outbox still holds):
 *
 *     credfed_sync_lag_records{partner}   outbox entries queued for the partner and not yet acknowledged
 *     credfed_sync_lag_seconds{partner}   age of the oldest of them (0 when none)
 *     credfed_outbox_backlog              their sum (of credfed_sync_lag_records)
 *
 * and at the receiver, from its inbound cursors:
 *
 *     credfed_sync_last_received_seconds{partner}  seconds since the last batch from the partner committed
 *
 * Ages are measured by the database clock, which stamped the rows.
 */
import { Gauge } from 'prom-client';
import type { Queryable } from '../store/repos/queryable.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { ScrapeReading, readWithTimeout, type ScrapeReadingOptions, type ScrapeStore } from './scrape-reading.js';

interface Lag {
  readonly partner: string;
  readonly records: number;
  readonly seconds: number;
}

export interface SyncLagParts {
  readonly metrics: Metrics;
  readonly store: ScrapeStore;
  /** The partners this node pushes to: the only ones shown, at 0 before anything was queued for them. */
  readonly pushPartners: () => readonly string[];
  readonly log?: Logger;
  readonly reading?: ScrapeReadingOptions;
}

export function registerSyncLagGauges(parts: SyncLagParts): void {
  const { metrics, store } = parts;
  const opts = { log: parts.log, ...parts.reading };
  const lag = new ScrapeReading('credfed_sync_lag_records', () => readWithTimeout(store, readLag), [] as readonly Lag[], opts);
  /** The push partners' lags (0 for one with no outbox yet). */
  const lags = async (): Promise<Lag[]> => {
    const read = new Map((await lag.get()).map((l) => [l.partner, l]));
    return parts.pushPartners().map((partner) => read.get(partner) ?? { partner, records: 0, seconds: 0 });
  };
  new Gauge({
    name: 'credfed_sync_lag_records',
    help: 'Outbox entries queued for the partner and not yet acknowledged by it (at the sender)',
    labelNames: ['partner'],
    registers: [metrics],
    async collect() {
      const now = await lags();
      this.reset();
      for (const l of now) this.set({ partner: l.partner }, l.records);
    },
  });
  new Gauge({
    name: 'credfed_sync_lag_seconds',
    help: 'Age in seconds of the oldest outbox entry the partner has not acknowledged (0 when none; at the sender)',
    labelNames: ['partner'],
    registers: [metrics],
    async collect() {
      const now = await lags();
      this.reset();
      for (const l of now) this.set({ partner: l.partner }, l.seconds);
    },
  });
  new Gauge({
    name: 'credfed_outbox_backlog',
    help: 'Outbox entries not yet acknowledged, all push partners together (the sum of credfed_sync_lag_records)',
    registers: [metrics],
    async collect() {
      this.set((await lags()).reduce((n, l) => n + l.records, 0));
    },
  });
  const lastReceived = new ScrapeReading('credfed_sync_last_received_seconds', () => readWithTimeout(store, readLastReceived), [] as readonly { partner: string; seconds: number }[], opts);
  new Gauge({
    name: 'credfed_sync_last_received_seconds',
    help: 'Seconds since the last pushed batch from the partner committed (at the receiver; no series before the first)',
    labelNames: ['partner'],
    registers: [metrics],
    async collect() {
      const now = await lastReceived.get();
      this.reset();
      for (const l of now) this.set({ partner: l.partner }, l.seconds);
    },
  });
}

/** Per partner with an outbox (including former push partners: left out by the gauges): unacknowledged entries (allocated past the acknowledged sequence) and the oldest one's age. */
async function readLag(store: Queryable): Promise<Lag[]> {
  const { rows } = await store.query<{ partner_id: string; records: string; seconds: number }>(
    `SELECT s.partner_id, GREATEST(s.last_seq - s.acked_seq, 0)::text AS records,
            COALESCE(GREATEST(EXTRACT(EPOCH FROM now() - o.enqueued_at), 0), 0)::float8 AS seconds
       FROM outbox_state s
       LEFT JOIN LATERAL (SELECT enqueued_at FROM outbox WHERE partner_id = s.partner_id AND seq > s.acked_seq ORDER BY seq LIMIT 1) o ON true`,
  );
  return rows.map((r) => ({ partner: r.partner_id, records: Number(r.records), seconds: r.seconds }));
}

async function readLastReceived(store: Queryable): Promise<{ partner: string; seconds: number }[]> {
  const { rows } = await store.query<{ partner_id: string; seconds: number }>(
    `SELECT partner_id, GREATEST(EXTRACT(EPOCH FROM now() - last_at), 0)::float8 AS seconds FROM inbound_cursors WHERE last_at IS NOT NULL`,
  );
  return rows.map((r) => ({ partner: r.partner_id, seconds: r.seconds }));
}
