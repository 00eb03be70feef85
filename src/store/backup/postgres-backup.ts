/**
 * Backup and restore of a PostgreSQL store with the PostgreSQL client
 * programs. A backup runs any time: pg_dump (custom format) reads the
 * snapshot this module exports, the one its manifest's row counts come from.
 * A restore is one transaction: pg_restore writes the archive as SQL, psql
 * runs it between our BEGIN (and, when the store holds a schema, a drop of
 * the public schema) and our checks, the new change-feed id and COMMIT; any
 * error rolls all of it back and the old store stays as it was.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import pg from 'pg';
import { CredfedError, isCredfedError } from '../../core/errors.js';
import { describeDatabaseUrl, redactSecret } from '../database-url.js';
import { CONNECT_TIMEOUT_MS } from '../postgres-store.js';
import { payloadStream, removeOnSignal, tempSiblingOf, type CheckedBackup } from './backup-file.js';
import type { BackupProgress, RestoreResult, StoreSnapshot } from './backup-types.js';
import { findPgTool, runPgTool, splitPassword, toolEnv, type FoundTool } from './pg-tools.js';
import { RENEW_FEED_SQL, hasSchema, rowCounts, schemaLevel, tablesWithData, type RunSql } from './store-contents.js';

/**
 * Dumps the database `databaseUrl` names into a hidden temporary sibling of
 * `out` (the backup's own directory, not /tmp, which may be small), removed
 * by `cleanup` or on SIGINT/SIGTERM.
 */
export async function dumpPostgresStore(databaseUrl: string, out: string, progress: BackupProgress): Promise<StoreSnapshot & { cleanup(): void }> {
  const where = describeDatabaseUrl(databaseUrl);
  const file = tempSiblingOf(out, 'pgdump');
  const untrack = removeOnSignal(file);
  const cleanup = () => {
    fs.rmSync(file, { force: true });
    untrack();
  };
  try {
    return await withClient(databaseUrl, async (client, sql) => {
      const serverMajor = await serverMajorOf(sql);
      const pgDump = findPgTool('pg_dump', serverMajor);
      await sql('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const snapshot = String((await sql('SELECT pg_export_snapshot() AS s')).rows[0]!.s);
      if (!(await hasSchema(sql))) throw new CredfedError('STORE_UNAVAILABLE', `${where} holds no credfed store (no schema_migrations table): check store.databaseUrl`);
      const schemaVersion = await schemaLevel(sql);
      const counts = await rowCounts(sql);
      const version = String((await sql('SHOW server_version')).rows[0]!.server_version);
      try {
        fs.closeSync(fs.openSync(file, 'wx', 0o600)); // pg_dump writes into it, keeping the mode
      } catch (err) {
        throw new CredfedError('STORE_UNAVAILABLE', `cannot write the backup's temporary file ${file}: ${(err as Error).message}`);
      }
      progress(`dumping ${where} with ${pgDump.path} (${pgDump.version}), ${counts.records ?? 0} records`);
      await runPgTool(pgDump, ['--format=custom', `--snapshot=${snapshot}`, `--file=${file}`, `--dbname=${splitPassword(databaseUrl).url}`], databaseUrl);
      await client.query('COMMIT');
      return { schemaVersion, counts, source: { postgres: version, pgDump: pgDump.version }, payload: { file }, cleanup };
    });
  } catch (err) {
    cleanup();
    throw err;
  }
}

/**
 * Replaces the credfed data in the database `databaseUrl` names with the
 * backup's, in one transaction. Refuses a database holding data
 * (STORE_NOT_EMPTY) unless `force`.
 */
export async function restorePostgresStore(databaseUrl: string, backup: CheckedBackup, opts: { force: boolean; progress: BackupProgress }): Promise<RestoreResult> {
  const where = describeDatabaseUrl(databaseUrl);
  const { progress } = opts;
  const { serverMajor, schemaPresent, withData } = await withClient(databaseUrl, async (_client, sql) => ({
    serverMajor: await serverMajorOf(sql),
    schemaPresent: await hasSchema(sql),
    withData: await tablesWithData(sql),
  }));
  if (withData.length > 0 && !opts.force) {
    throw new CredfedError(
      'STORE_NOT_EMPTY',
      `${where} holds data (${withData.join(', ')}); restore into an empty database, or pass --force to replace it`,
      { tables: withData },
    );
  }
  const dumpMajor = Number((backup.manifest.source.pgDump ?? '').split('.')[0]) || serverMajor;
  const pgRestore = findPgTool('pg_restore', dumpMajor, Math.max(dumpMajor, serverMajor));
  const psql = findPgTool('psql', serverMajor, pgRestore.major);
  progress(`restoring into ${where} with ${pgRestore.path} (${pgRestore.version}) in one transaction`);
  // Everything the archive holds lives in schema public: dropping it first
  // also removes tables of migrations newer than the backup.
  const prelude = `BEGIN;\n${schemaPresent ? 'DROP SCHEMA public CASCADE;\nCREATE SCHEMA public;\nGRANT USAGE ON SCHEMA public TO PUBLIC;\n' : ''}`;
  const postlude = `${countChecks(backup.manifest.counts)}${RENEW_FEED_ID}COMMIT;\n`;
  await restoreInOneTransaction(pgRestore, psql, backup, databaseUrl, prelude, postlude);
  const after = await withClient(databaseUrl, async (_client, sql) => ({
    counts: await rowCounts(sql),
    feedId: (await sql(`SELECT feed_id::text AS f FROM feed_horizon`).catch(() => ({ rows: [] }))).rows[0]?.f as string | undefined,
  }));
  progress(`restored ${where}`);
  return { counts: after.counts, feedId: after.feedId, replacedData: withData.length > 0 };
}

/** Starts the change feed afresh (see store-contents.ts renewFeedId), when the schema has one. */
const RENEW_FEED_ID = `DO $$ BEGIN
  IF to_regclass('public.feed_horizon') IS NOT NULL THEN
    ${RENEW_FEED_SQL.replace(/\n/g, '\n    ')}
  END IF;
END $$;\n`;

/** Statements that abort the transaction when a restored table's row count differs from the manifest's. */
function countChecks(counts: Readonly<Record<string, number>>): string {
  return Object.entries(counts)
    .filter(([table, n]) => /^[a-z_]+$/.test(table) && Number.isSafeInteger(n))
    .map(([table, n]) => `DO $$ BEGIN
  IF (SELECT count(*) FROM public.${table}) <> ${n} THEN
    RAISE EXCEPTION 'credfed: the restored table ${table} has % rows, the backup has ${n}', (SELECT count(*) FROM public.${table});
  END IF;
END $$;\n`)
    .join('');
}

/**
 * The payload streamed into pg_restore (archive → SQL), piped into psql
 * between `prelude` and `postlude`. The postlude (with COMMIT) is sent only
 * after pg_restore ended well and the payload still matched its SHA-256;
 * psql stops at the first error (ON_ERROR_STOP) and its session ends with the
 * transaction open, which rolls it back. When psql ends first, pg_restore is
 * stopped and psql's error reported.
 */
function restoreInOneTransaction(pgRestore: FoundTool, psql: FoundTool, backup: CheckedBackup, databaseUrl: string, prelude: string, postlude: string): Promise<void> {
  const env = toolEnv(databaseUrl);
  const clean = (t: string) => redactSecret(t.trim(), databaseUrl);
  return new Promise((resolve, reject) => {
    const writer = spawn(psql.path, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', `--dbname=${splitPassword(databaseUrl).url}`], { env, stdio: ['pipe', 'ignore', 'pipe'] });
    const reader = spawn(pgRestore.path, ['--no-owner', '--no-acl', '--file=-'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const input = payloadStream(backup);
    let readerErr = '';
    let writerErr = '';
    let readerSpawnError: Error | undefined;
    let readerCode: number | null | undefined; // undefined while pg_restore runs
    let readerSignal: NodeJS.Signals | null = null;
    let payloadIntact: boolean | undefined;
    let writerSpawnError: Error | undefined;
    reader.stderr!.setEncoding('utf8').on('data', (d: string) => (readerErr += d));
    writer.stderr!.setEncoding('utf8').on('data', (d: string) => (writerErr += d));
    writer.stdin!.on('error', () => {}); // psql stopped early: its exit status tells why
    reader.stdin!.on('error', () => {}); // pg_restore stopped reading: its exit status tells why
    input.stream.on('error', (err) => {
      readerErr += `cannot read ${backup.file}: ${err.message}`;
      reader.kill();
    });
    writer.stdin!.write(prelude);
    input.stream.pipe(reader.stdin!);
    reader.stdout!.pipe(writer.stdin!, { end: false });
    reader.on('error', (err) => {
      readerSpawnError = err;
      writer.stdin!.end(); // no COMMIT: psql's session ends and rolls back
    });
    reader.on('close', (code, signal) => {
      readerCode = code;
      readerSignal = signal;
      if (code !== 0 || readerSpawnError) {
        input.stream.destroy();
        writer.stdin!.end();
        return;
      }
      void input.complete().then((intact) => {
        payloadIntact = intact;
        // pg_restore ended well without reading to the end: the file was checked whole before
        if (intact === false) writer.stdin!.end();
        else writer.stdin!.end(postlude);
      });
    });
    writer.on('error', (err) => {
      writerSpawnError = err;
    });
    writer.on('close', (code, signal) => {
      const readerRunning = readerCode === undefined && !readerSpawnError;
      if (readerRunning) {
        reader.kill();
        input.stream.destroy();
      }
      const psqlExit = signal ?? `exit ${code}`;
      if (writerSpawnError) {
        reject(new CredfedError('BACKUP_TOOL_MISSING', `cannot run ${psql.path}: ${writerSpawnError.message}; nothing was restored`));
      } else if (code !== 0 && writerErr.includes('credfed: the restored table')) {
        reject(new CredfedError('BACKUP_INVALID', `the restored store differs from the backup, the restore was rolled back: ${clean(writerErr)}`));
      } else if (code !== 0 || readerRunning) {
        const why = code !== 0 ? psqlExit : 'ended before pg_restore finished';
        reject(new CredfedError('STORE_UNAVAILABLE', `psql failed (${why}), the restore was rolled back: ${clean(writerErr) || '(no message)'}`));
      } else if (readerSpawnError) {
        reject(new CredfedError('BACKUP_TOOL_MISSING', `cannot run ${pgRestore.path}: ${readerSpawnError.message}; nothing was restored`));
      } else if (readerCode !== 0) {
        reject(new CredfedError('BACKUP_INVALID', `pg_restore cannot read the archive (${readerSignal ?? `exit ${readerCode}`}): ${clean(readerErr)}; nothing was restored`));
      } else if (payloadIntact === false) {
        reject(new CredfedError('BACKUP_INVALID', `${backup.file}: changed while it was read; nothing was restored`));
      } else {
        resolve();
      }
    });
  });
}

async function serverMajorOf(sql: RunSql): Promise<number> {
  const { rows } = await sql('SHOW server_version_num');
  return Math.floor(Number(rows[0]!.server_version_num) / 10000);
}

/** Runs `work` on one connection to `databaseUrl`; any failure is STORE_UNAVAILABLE with the password redacted. */
export async function withClient<T>(databaseUrl: string, work: (client: pg.Client, sql: RunSql) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    throw new CredfedError('STORE_UNAVAILABLE', `cannot connect to ${describeDatabaseUrl(databaseUrl)}: ${redactSecret((err as Error).message, databaseUrl)}`);
  }
  try {
    return await work(client, (text, params) => client.query(text, params));
  } catch (err) {
    if (isCredfedError(err)) throw err;
    throw new CredfedError('STORE_UNAVAILABLE', `${describeDatabaseUrl(databaseUrl)}: ${redactSecret((err as Error).message, databaseUrl)}`);
  } finally {
    await client.end().catch(() => {});
  }
}
