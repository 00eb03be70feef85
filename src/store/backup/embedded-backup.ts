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
  refuseForeignDirectory(dir);
  fsStep(`cannot create the data directory ${dir}`, () => fs.mkdirSync(dir, { recursive: true, mode: 0o700 }));
  const lock = await lockForBackup(dir, 'restore into it');
  const staging = `${dir}.restoring-${randomBytes(4).toString('hex')}`;
  try {
    refuseForeignDirectory(dir); // again, now that no gateway can start in it
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
    fsStep(`cannot create ${staging} beside the data directory`, () => fs.mkdirSync(staging, { mode: 0o700 }));
    progress(`loading the backup into ${staging}`);
    const { counts, feedId } = await withPglite(staging, new Blob([payload]), async (_db, sql) => {
      const loaded = await rowCounts(sql);
      const wrong = countMismatches(backup.manifest.counts, loaded);
      if (wrong.length > 0) throw new CredfedError('BACKUP_INVALID', `${backup.file}: the restored store differs from the backup (${wrong.join('; ')})`);
      return { counts: loaded, feedId: await renewFeedId(sql) };
    }).catch((err: unknown) => {
      if (isCredfedError(err)) throw err;
      throw new CredfedError('BACKUP_INVALID', `${backup.file}: the data directory in the backup does not load: ${(err as Error).message}`);
    });
    swapIn(dir, staging, lock, progress);
    progress(`replaced the embedded store in ${dir}`);
    return { counts, feedId, replacedData: replaced.length > 0 };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
    lock.release();
  }
}

/**
 * Refuses (STORE_NOT_EMPTY, even with --force) a data directory that holds
 * anything besides our lock file and is not an embedded store: a restore
 * replaces the whole directory, and such a one is likely a wrong
 * store.dataDir (a parent directory, another program's).
 */
function refuseForeignDirectory(dir: string): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR') {
      throw new CredfedError('STORE_NOT_EMPTY', `${dir} is a file, not a credfed data directory: check store.dataDir`, { dataDir: dir });
    }
    throw new CredfedError('STORE_UNAVAILABLE', `cannot read the data directory ${dir}: ${(err as Error).message}`);
  }
  if (entries.includes('PG_VERSION')) return;
  const others = entries.filter((e) => e !== LOCK_FILE_NAME);
  if (others.length === 0) return;
  const shown = others.slice(0, 5).join(', ') + (others.length > 5 ? `, … (${others.length} entries)` : '');
  throw new CredfedError(
    'STORE_NOT_EMPTY',
    `${dir} is not a credfed store (no PG_VERSION) and holds other files (${shown}); a restore replaces the whole directory, so it is refused even with --force: check store.dataDir, or point it at an empty or new directory`,
    { dataDir: dir },
  );
}

/** Runs a file-system step; its failure (EBUSY, EXDEV, EROFS, EACCES…) becomes STORE_UNAVAILABLE with a hint. */
function fsStep<T>(what: string, step: () => T): T {
  try {
    return step();
  } catch (err) {
    throw new CredfedError('STORE_UNAVAILABLE', `${what}: ${(err as Error).message}${fsHint((err as NodeJS.ErrnoException).code)}`);
  }
}

function fsHint(code: string | undefined): string {
  switch (code) {
    case 'EBUSY':
      return ' (the data directory is a mount point, e.g. a container volume: mount its parent instead and point store.dataDir at a directory inside it, since a restore renames the data directory)';
    case 'EXDEV':
      return ' (the data directory and its parent lie on different file systems: a restore needs to create and rename directories beside the data directory)';
    case 'EROFS':
      return ' (read-only file system)';
    case 'EACCES':
    case 'EPERM':
      return ' (a restore needs write permission on the directory holding the data directory)';
    default:
      return '';
  }
}

/**
 * Moves the staged directory to `dir`. The staged one carries a copy of our
 * lock file, so the directory is locked at every moment a gateway could look.
 */
function swapIn(dir: string, staging: string, lock: DirLock, progress: BackupProgress): void {
  fsStep(`cannot write the lock file into ${staging}`, () => fs.writeFileSync(path.join(staging, LOCK_FILE_NAME), JSON.stringify(lock.owner)));
  const aside = `${dir}.replaced-${randomBytes(4).toString('hex')}`;
  fsStep(`cannot move the old store in ${dir} aside to ${aside}; the old store is unchanged`, () => fs.renameSync(dir, aside));
  try {
    fs.renameSync(staging, dir);
  } catch (err) {
    const why = `${(err as Error).message}${fsHint((err as NodeJS.ErrnoException).code)}`;
    try {
      fs.renameSync(aside, dir);
    } catch (back) {
      throw new CredfedError(
        'STORE_UNAVAILABLE',
        `cannot move the restored store into ${dir} (${why}), nor the old store back (${(back as Error).message}): the old store is in ${aside}, the restored one in ${staging}; move one of them to ${dir} by hand`,
      );
    }
    throw new CredfedError('STORE_UNAVAILABLE', `cannot move the restored store into ${dir}: ${why}; the old store is unchanged`);
  }
  try {
    fs.rmSync(aside, { recursive: true, force: true });
  } catch (err) {
    progress(`warning: the store was restored, but the old one could not be removed from ${aside} (${(err as Error).message}): remove it by hand`);
  }
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
