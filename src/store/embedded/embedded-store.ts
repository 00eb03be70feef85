/**
 * The embedded backend: PGlite in a data directory, so a newcomer needs no
 * PostgreSQL server. Opening takes the directory lock, starts PGlite in a
 * worker thread and connects to it with `pg`.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { CredfedError, isCredfedError } from '../../core/errors.js';
import { poolStore } from '../pool-store.js';
import type { Store } from '../store.js';
import type { StoreLog } from '../store-log.js';
import { acquireDirLock, type DirLock } from './dir-lock.js';
import { startPgliteHost, type PgliteHost } from './pglite-host.js';
import { EMBEDDED_SHARED_BUFFERS_MIB } from './pglite-settings.js';

/**
 * Opens (creating if needed) the PGlite database in `dataDir`, with
 * `sharedBuffersMiB` of shared_buffers (default EMBEDDED_SHARED_BUFFERS_MIB).
 * Throws STORE_LOCKED or STORE_UNAVAILABLE.
 */
export async function openEmbeddedStore(opts: { dataDir: string; log: StoreLog; sharedBuffersMiB?: number }): Promise<Store> {
  const dataDir = path.resolve(opts.dataDir);
  const { log } = opts;
  try {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new CredfedError('STORE_UNAVAILABLE', `cannot create the data directory ${dataDir}: ${(err as Error).message}`, { dataDir });
  }

  const lock: DirLock = await acquireDirLock(dataDir, { log });
  let host: PgliteHost | undefined;
  let pool: pg.Pool | undefined;
  try {
    const started = performance.now();
    host = await startPgliteHost(dataDir, log, opts.sharedBuffersMiB ?? EMBEDDED_SHARED_BUFFERS_MIB);
    // Through pglite-socket every connection shares ONE Postgres session, and
    // the socket server interleaves the protocol messages of different
    // connections: a second connection's statements would run inside another
    // connection's open transaction (or between the Parse and Execute of its
    // extended-protocol query). With one connection, pg's own queue
    // serialises everything, so a transaction can never be interleaved.
    pool = new pg.Pool({
      host: host.address.host,
      port: host.address.port,
      user: 'postgres',
      database: 'postgres',
      max: 1,
      idleTimeoutMillis: 0, // keep the one connection instead of reconnecting
    });
    pool.on('error', (err) => log(`the connection to the embedded database in ${dataDir} failed`, { backend: 'embedded', err }));
    await pool.query('SELECT 1');
    log(`opened the embedded database in ${dataDir}`, { backend: 'embedded', durationMs: Math.round(performance.now() - started) });
    const running = { host, pool };
    return poolStore('embedded', pool, {
      log,
      onClose: async () => {
        try {
          await running.host.stop();
        } finally {
          lock.release();
        }
      },
    });
  } catch (err) {
    await pool?.end().catch(() => {});
    await host?.stop().catch(() => {});
    lock.release();
    if (isCredfedError(err)) throw err;
    throw new CredfedError('STORE_UNAVAILABLE', `cannot open the embedded database in ${dataDir}: ${(err as Error).message}`, { dataDir });
  }
}
