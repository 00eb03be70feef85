/**
 * The store's connection pool (pg.Pool for PostgreSQL; one connection to the
 * embedded PGlite worker), read when scraped, without I/O:
 *
 *     credfed_db_pool_connections{state}   total (open), idle, waiting (callers queued for a connection)
 *     credfed_db_pool_max                  connections the pool opens at most
 */
import { Gauge } from 'prom-client';
import type { PoolUsage } from '../store/store.js';
import type { Metrics } from './metrics.js';

export function registerPoolGauges(metrics: Metrics, usage: () => PoolUsage): void {
  new Gauge({
    name: 'credfed_db_pool_connections',
    help: 'Store connection pool: total (open connections), idle, waiting (callers queued for a connection)',
    labelNames: ['state'],
    registers: [metrics],
    collect() {
      const u = usage();
      this.set({ state: 'total' }, u.total);
      this.set({ state: 'idle' }, u.idle);
      this.set({ state: 'waiting' }, u.waiting);
    },
  });
  new Gauge({
    name: 'credfed_db_pool_max',
    help: 'Connections the store pool opens at most',
    registers: [metrics],
    collect() {
      this.set(usage().max);
    },
  });
}
