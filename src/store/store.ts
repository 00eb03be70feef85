/**
 * The store adapter: one SQL, two backends. PostgreSQL through a `pg.Pool`
 * when a database URL is configured, otherwise embedded PGlite in a data
 * directory (reached through `pg` as well, see ./embedded/). Migrations are
 * applied before `openStore` returns.
 */
import type pg from 'pg';
import { CredfedError } from '../core/errors.js';
import { openEmbeddedStore } from './embedded/embedded-store.js';
import { applyMigrations } from './migrate.js';
import { openPostgresStore } from './postgres-store.js';
import { silentLog, type StoreLog } from './store-log.js';

export type { StoreLog } from './store-log.js';

/**
 * Runs one statement (simple protocol without params, so a text may hold
 * several statements). A `name` makes it a prepared statement, parsed and
 * planned once per connection: for a hot, constant text only.
 */
export type TxQuery = <R extends pg.QueryResultRow = any>(sql: string, params?: unknown[], name?: string) => Promise<pg.QueryResult<R>>;

/** The system of record, whichever backend holds it. */
export interface Store {
  readonly backend: 'embedded' | 'postgres';
  /** As `TxQuery`, on a connection of the pool. */
  query<R extends pg.QueryResultRow = any>(sql: string, params?: unknown[], name?: string): Promise<pg.QueryResult<R>>;
  /**
   * Runs fn in one transaction (BEGIN/COMMIT, ROLLBACK on throw). Never await
   * network I/O inside: on the embedded backend the transaction holds the only
   * connection. Use `tx.query` inside; `store.query` there is refused.
   */
  transaction<T>(fn: (tx: { query: TxQuery }) => Promise<T>): Promise<T>;
  /** The connection pool's state now (for the pool gauges); no I/O. */
  poolUsage(): PoolUsage;
  /** Ends the connections and, embedded, stops PGlite and releases the data directory. Idempotent. */
  close(): Promise<void>;
}

/** Connections of the store's pool: open (busy or idle), idle, callers waiting for one, and the most it opens. */
export interface PoolUsage {
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
  readonly max: number;
}

/** Where the store lives and how it is opened. */
export interface OpenStoreOptions {
  /** PostgreSQL connection string; selects the postgres backend. */
  databaseUrl?: string;
  /** Embedded data directory, required when `databaseUrl` is not set (created if missing). */
  dataDir?: string;
  /** Pool size of the postgres backend (default 10). The embedded backend always uses 1. */
  poolSize?: number;
  /**
   * Embedded only: PGlite's shared_buffers in MiB (default
   * EMBEDDED_SHARED_BUFFERS_MIB, 16; a gateway takes store.sharedBuffersMiB,
   * CLI commands the default).
   */
  sharedBuffersMiB?: number;
  /** Directory of `NNNN_name.sql` migrations (default: src/store/migrations). */
  migrationsDir?: string;
  log?: StoreLog;
}

/**
 * Opens the store and applies pending migrations.
 * Throws CredfedError STORE_UNAVAILABLE, STORE_LOCKED, MIGRATION_FAILED or CONFIG_INVALID.
 */
export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  const log = opts.log ?? silentLog;
  let store: Store;
  if (opts.databaseUrl) {
    store = await openPostgresStore({ databaseUrl: opts.databaseUrl, poolSize: opts.poolSize, log });
  } else if (opts.dataDir) {
    store = await openEmbeddedStore({ dataDir: opts.dataDir, log, sharedBuffersMiB: opts.sharedBuffersMiB });
  } else {
    throw new CredfedError('CONFIG_INVALID', 'the store needs a database URL or a data directory');
  }
  try {
    await applyMigrations(store, { dir: opts.migrationsDir, log });
  } catch (err) {
    await store.close().catch((closeError: unknown) =>
      log('closing the store after a failed migration failed', { err: closeError }),
    );
    throw err;
  }
  return store;
}
