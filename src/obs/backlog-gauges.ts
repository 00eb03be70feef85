/**
 * The queue of objections and feedback this node must still pass on towards
 * records' origins (upstream_queue, migration 0014), read from the store when
 * scraped (one query, cached 1 s, never holding a scrape more than 2 s, under
 * a statement timeout: scrape-reading.ts):
 *
 *     credfed_propagation_backlog   entries waiting to be passed on (not yet
 *                                   acknowledged; those a partner refused for
 *                                   good are kept but not counted)
 */
import { Gauge } from 'prom-client';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { ScrapeReading, readWithTimeout, type ScrapeReadingOptions, type ScrapeStore } from './scrape-reading.js';

export function registerPropagationBacklog(parts: { metrics: Metrics; store: ScrapeStore; log?: Logger; reading?: ScrapeReadingOptions }): void {
  const backlog = new ScrapeReading(
    'credfed_propagation_backlog',
    () =>
      readWithTimeout(parts.store, async (q) => {
        const { rows } = await q.query<{ n: string }>(`SELECT count(*)::text AS n FROM upstream_queue WHERE next_try_at <> 'infinity'`);
        return Number(rows[0]!.n);
      }),
    0,
    { log: parts.log, ...parts.reading },
  );
  new Gauge({
    name: 'credfed_propagation_backlog',
    help: 'Objections and feedback waiting to be passed on towards records origins (queued, not yet acknowledged; refused for good not counted)',
    registers: [parts.metrics],
    async collect() {
      this.set(await backlog.get());
    },
  });
}
