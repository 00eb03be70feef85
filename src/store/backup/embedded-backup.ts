/**
 * Backup and restore of the embedded store. The data directory is held by
 * one process at a time (../embedded/dir-lock.ts), so both run with the
 * node's gateway stopped: they take the directory lock themselves (a running
 * gateway makes them fail with STORE_LOCKED, nothing written), open PGlite
 * in-process and use its own consistent dump of the data directory
 * (`dumpDataDir`). A restore loads the dump into a fresh sibling directory,
 * checks it, and only then swaps it in place of the old one: an interrupted
 * restore leaves the old store untouched.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { CredfedError, isCredfedError } from '../../core/errors.js';
import { LOCK_FILE_NAME, acquireDirLock, type DirLock } from '../embedded/dir-lock.js';
import type { CheckedBackup } from './backup-file.js';
import { readPayload } from './backup-file.js';
import { countMismatches, renewFeedId, rowCounts, schemaLevel, tablesWithData, type RunSql } from './store-contents.js';
import type { BackupProgress, RestoreResult, StoreSnapshot } from './backup-types.js';

/** Takes a consistent dump of the embedded store in `dataDir`. Throws STORE_LOCKED while its gateway runs. */
export async function dumpEmbeddedStore(dataDir: string, progress: BackupProgress): Promise<StoreSnapshot> {
  const dir = path.resolve(dataDir);
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) {
    throw new CredfedError('STORE_UNAVAILABLE', `${dir} holds no embedded store (no PG_VERSION): check store.dataDir`);
  }
  const lock = await lockForBackup(dir, 'back it up');
  try {
    progress(`opening the embedded store in ${dir}`);
    return await withPglite(dir, undefined, async (db, sql) => {
      const schemaVersion = await schemaLevel(sql);
      const counts = await rowCounts(sql);
      const version = String((await sql(`SELECT version() AS v`)).rows[0]?.v ?? '');
      progress(`dumping the data directory (${counts.records ?? 0} records)`);
      const blob = await db.dumpDataDir('gzip');
      return { schemaVersion, counts, source: { postgres: version }, payload: { bytes: new Uint8Array(await blob.arrayBuffer()) } };
    });
  } finally {
    lock.release();
  }
}

/**
 * Replaces the embedded store in `dataDir` with the backup's. Refuses a store
 * holding data (STORE_NOT_EMPTY) unless `force`; throws STORE_LOCKED while
 * its gateway runs, BACKUP_INVALID when the payload does not load or its
 * row counts differ from the manifest's. Nothing changes in `dataDir` unless
 * it succeeds.
 */
export async function restoreEmbeddedStore(dataDir: string, backup: CheckedBackup, opts: { force: boolean; progress: BackupProgress }): Promise<RestoreResult> {
  const dir = path.resolve(dataDir);
  const { progress } = opts;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const lock = await lockForBackup(dir, 'restore into it');
  const staging = `${dir}.restoring-${randomBytes(4).toString('hex')}`;
  try {
    let replaced: string[] = [];
    if (fs.existsSync(path.join(dir, 'PG_VERSION'))) {
      progress(`checking the embedded store in ${dir}`);
      replaced = await withPglite(dir, undefined, (_db, sql) => tablesWithData(sql));
      if (replaced.length > 0 && !opts.force) {
        throw new CredfedError(
          'STORE_NOT_EMPTY',
          `the embedded store in ${dir} holds data (${replaced.join(', ')}); restore into an empty data directory, or pass --force to replace it`,
          { tables: replaced },
        );
      }
    }
    const payload = readPayload(backup);
    fs.mkdirSync(staging, { mode: 0o700 });
    progress(`loading the backup into ${staging}`);
    const { counts, feedId } = await withPglite(staging, new Blob([new Uint8Array(payload)]), async (_db, sql) => {
      const loaded = await rowCounts(sql);
      const wrong = countMismatches(backup.manifest.counts, loaded);
      if (wrong.length > 0) throw new CredfedError('BACKUP_INVALID', `${backup.file}: the restored store differs from the backup (${wrong.join('; ')})`);
      return { counts: loaded, feedId: await renewFeedId(sql) };
    }).catch((err: unknown) => {
      if (isCredfedError(err)) throw err;
      throw new CredfedError('BACKUP_INVALID', `${backup.file}: the data directory in the backup does not load: ${(err as Error).message}`);
    });
    swapIn(dir, staging, lock);
    progress(`replaced the embedded store in ${dir}`);
    return { counts, feedId, replacedData: replaced.length > 0 };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
    lock.release();
  }
}

/**
 * Moves the staged directory to `dir`. The staged one carries a copy of our
 * lock file, so the directory is locked at every moment a gateway could look.
 */
function swapIn(dir: string, staging: string, lock: DirLock): void {
  fs.writeFileSync(path.join(staging, LOCK_FILE_NAME), JSON.stringify(lock.owner));
  const aside = `${dir}.replaced-${randomBytes(4).toString('hex')}`;
  fs.renameSync(dir, aside);
  try {
    fs.renameSync(staging, dir);
  } catch (err) {
    fs.renameSync(aside, dir);
    throw new CredfedError('STORE_UNAVAILABLE', `cannot move the restored store into ${dir}: ${(err as Error).message}; the old store is unchanged`);
  }
  fs.rmSync(aside, { recursive: true, force: true });
}

async function lockForBackup(dir: string, what: string): Promise<DirLock> {
  try {
    return await acquireDirLock(dir);
  } catch (err) {
    if (isCredfedError(err) && err.code === 'STORE_LOCKED') {
      throw new CredfedError(
        'STORE_LOCKED',
        `${err.message.replace(/^[^:]*: /, '')}. The embedded store is held by one process: stop the node's gateway, ${what}, then start it again`,
        err.details as Record<string, unknown>,
      );
    }
    throw err;
  }
}

async function withPglite<T>(dir: string, loadDataDir: Blob | undefined, work: (db: PGlite, sql: RunSql) => Promise<T>): Promise<T> {
  const db = new PGlite(dir, loadDataDir ? { loadDataDir } : {});
  try {
    await db.waitReady;
    return await work(db, (text, params) => db.query(text, params));
  } finally {
    if (!db.closed) await db.close();
  }
}
