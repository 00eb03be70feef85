/**
 * Migration files: `NNNN_name.sql` in one directory, ordered by version, each
 * identified by a checksum of its text so an edited, already-applied file is
 * noticed.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CredfedError } from '../core/errors.js';
import { err, ok, type Result } from '../core/result.js';

/** One migration read from disk. */
export interface MigrationFile {
  readonly version: number;
  readonly name: string;
  readonly fileName: string;
  readonly sql: string;
  readonly checksum: string;
}

const FILE_NAME = /^(\d{4,})_([A-Za-z0-9][A-Za-z0-9_-]*)\.sql$/;

/** Parses `0007_add_index.sql` into version 7 and name `add_index`. */
export function parseMigrationFileName(fileName: string): Result<{ version: number; name: string }, string> {
  const match = FILE_NAME.exec(fileName);
  if (!match) return err(`${fileName}: migration files are named NNNN_name.sql (four or more digits, then letters, digits, _ or -)`);
  const version = Number(match[1]);
  if (!Number.isSafeInteger(version) || version > 2_147_483_647) return err(`${fileName}: version is out of range`);
  return ok({ version, name: match[2]! });
}

/** SHA-256 of the text with line endings normalised, so a CRLF checkout does not count as an edit. */
export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');
}

/**
 * Reads every `.sql` file of `dir` in version order. A misnamed `.sql` file or
 * two files with one version are refused (MIGRATION_FAILED): silently skipping
 * them would leave a schema change unapplied.
 */
export function readMigrationFiles(dir: string): MigrationFile[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    throw new CredfedError('MIGRATION_FAILED', `cannot read the migrations directory ${dir}: ${(e as Error).message}`, { dir });
  }
  const files: MigrationFile[] = [];
  const byVersion = new Map<number, string>();
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith('.sql')) continue;
    const parsed = parseMigrationFileName(entry.name);
    if (parsed.error !== undefined) throw new CredfedError('MIGRATION_FAILED', parsed.error, { file: entry.name });
    const { version, name } = parsed.value;
    const clash = byVersion.get(version);
    if (clash) throw new CredfedError('MIGRATION_FAILED', `${entry.name} and ${clash} have the same version ${version}`, { file: entry.name });
    byVersion.set(version, entry.name);
    const sql = fs.readFileSync(path.join(dir, entry.name), 'utf8');
    files.push({ version, name, fileName: entry.name, sql, checksum: migrationChecksum(sql) });
  }
  return files.sort((a, b) => a.version - b.version);
}
