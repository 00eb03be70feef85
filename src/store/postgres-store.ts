/**
 * The PostgreSQL backend: a `pg.Pool` on the configured database URL.
 */
import pg from 'pg';
import { CredfedError } from '../core/errors.js';
import { describeDatabaseUrl, redactSecret } from './database-url.js';
import { poolStore } from './pool-store.js';
import type { Store } from './store.js';
import type { StoreLog } from './store-log.js';

/** Default number of connections of the postgres pool. */
export const DEFAULT_POOL_SIZE = 10;
/** How long a connection attempt or a wait for a free pool connection may take. */
export const CONNECT_TIMEOUT_MS = 10_000;

/** Opens a pool and proves it can connect; throws STORE_UNAVAILABLE naming the server, never the password. */
export async function openPostgresStore(opts: { databaseUrl: string; poolSize?: number; log: StoreLog }): Promise<Store> {
  const where = describeDatabaseUrl(opts.databaseUrl);
  const pool = new pg.Pool({
    connectionString: opts.databaseUrl,
    max: opts.poolSize ?? DEFAULT_POOL_SIZE,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  // An idle connection that breaks (server restart) must not crash the process.
  pool.on('error', (err) => opts.log(`idle PostgreSQL connection to ${where} failed`, { backend: 'postgres', reason: redactSecret(err.message, opts.databaseUrl) }));
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => {});
    throw new CredfedError('STORE_UNAVAILABLE', `cannot connect to PostgreSQL at ${where}: ${redactSecret((err as Error).message, opts.databaseUrl)}`, {
      database: where,
    });
  }
  opts.log(`connected to PostgreSQL at ${where}`, { backend: 'postgres' });
  return poolStore('postgres', pool, { log: opts.log });
}
