/**
 * Schema migrations, applied at start-up. Each pending file runs in its own
 * transaction together with its `schema_migrations` row, under a
 * transaction-level advisory lock so that several processes starting on one
 * PostgreSQL apply every migration exactly once. (Session-level locks are not
 * used: through pglite-socket all connections share one session.)
 */
import { fileURLToPath } from 'node:url';
import { CredfedError, isCredfedError } from '../core/errors.js';
import { readMigrationFiles, type MigrationFile } from './migration-files.js';
import type { Store, TxQuery } from './store.js';
import { silentLog, type StoreLog } from './store-log.js';

/** The migrations shipped with credfed. */
export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/** Advisory lock key serialising migrations across processes ("cfmg" in ASCII). */
export const MIGRATION_LOCK_KEY = 0x63666d67;

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version    int PRIMARY KEY,
  name       text NOT NULL,
  checksum   text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

/**
 * Applies the pending migrations of `dir` in version order and returns the ones
 * it applied. Throws CredfedError('MIGRATION_FAILED') naming the file when an
 * applied file was edited or a migration fails (that migration is rolled back
 * entirely; earlier ones stay applied).
 */
export async function applyMigrations(store: Store, opts: { dir?: string; log?: StoreLog } = {}): Promise<MigrationFile[]> {
  const log = opts.log ?? silentLog;
  const files = readMigrationFiles(opts.dir ?? DEFAULT_MIGRATIONS_DIR);
  const applied: MigrationFile[] = [];
  for (;;) {
    const done = await store.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      await tx.query(CREATE_TABLE);
      // read under the lock: another process may have applied some meanwhile
      const rows = (await tx.query<AppliedRow>('SELECT version, name, checksum FROM schema_migrations ORDER BY version')).rows;
      const next = pendingMigration(files, rows, log);
      if (!next) return true;
      await runMigration(tx.query, next);
      applied.push(next);
      log('applied migration', { version: next.version, file: next.fileName });
      return false;
    });
    if (done) return applied;
  }
}

/** The first file not yet applied, after checking that no applied file was edited. */
function pendingMigration(files: readonly MigrationFile[], rows: readonly AppliedRow[], log: StoreLog): MigrationFile | undefined {
  const appliedByVersion = new Map(rows.map((row) => [row.version, row]));
  for (const file of files) {
    const row = appliedByVersion.get(file.version);
    if (row && row.name !== file.name) {
      throw new CredfedError(
        'MIGRATION_FAILED',
        `${file.fileName}: version ${file.version} was applied as "${row.name}"; give this migration a new version number`,
        { file: file.fileName },
      );
    }
    if (row && row.checksum !== file.checksum) {
      throw new CredfedError(
        'MIGRATION_FAILED',
        `${file.fileName} was changed after it was applied (checksum ${row.checksum.slice(0, 12)}… in the database, ${file.checksum.slice(0, 12)}… on disk); add a new migration instead of editing an applied one`,
        { file: file.fileName },
      );
    }
  }
  const known = new Set(files.map((f) => f.version));
  const unknown = rows.filter((row) => !known.has(row.version));
  if (unknown.length > 0) {
    log('the database has migrations this version does not know (newer software applied them?)', {
      versions: unknown.map((row) => row.version),
    });
  }
  return files.find((file) => !appliedByVersion.has(file.version));
}

async function runMigration(query: TxQuery, file: MigrationFile): Promise<void> {
  try {
    await query(file.sql);
    await query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [file.version, file.name, file.checksum]);
  } catch (err) {
    if (isCredfedError(err)) throw err;
    const e = err as Error & { position?: string; code?: string };
    const line = e.position ? `, line ${lineOf(file.sql, Number(e.position))}` : '';
    throw new CredfedError('MIGRATION_FAILED', `${file.fileName}${line}: ${e.message}`, { file: file.fileName, sqlState: e.code });
  }
}

function lineOf(text: string, position: number): number {
  return text.slice(0, Math.max(0, position - 1)).split('\n').length;
}
