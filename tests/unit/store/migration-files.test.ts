import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isCredfedError } from '../../../src/core/errors.js';
import { migrationChecksum, parseMigrationFileName, readMigrationFiles } from '../../../src/store/migration-files.js';

describe('parseMigrationFileName', () => {
  it.each([
    ['0001_init.sql', { version: 1, name: 'init' }],
    ['0042_add-index_2.sql', { version: 42, name: 'add-index_2' }],
    ['12345_big.sql', { version: 12345, name: 'big' }],
  ])('accepts %s', (fileName, value) => {
    expect(parseMigrationFileName(fileName)).toEqual({ value });
  });

  it.each(['001_short.sql', '0001.sql', '0001_.sql', '0001_a b.sql', 'init.sql', '0001_init.SQL', '0001_init.sql.bak', '99999999999_huge.sql'])(
    'refuses %s',
    (fileName) => {
      expect(parseMigrationFileName(fileName).error).toContain(fileName);
    },
  );
});

describe('migrationChecksum', () => {
  it('is a SHA-256 hex digest that ignores CRLF versus LF', () => {
    expect(migrationChecksum('SELECT 1;\n')).toMatch(/^[0-9a-f]{64}$/);
    expect(migrationChecksum('A;\r\nB;\r\n')).toBe(migrationChecksum('A;\nB;\n'));
    expect(migrationChecksum('A;')).not.toBe(migrationChecksum('A; '));
  });
});

describe('readMigrationFiles', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
  const dirWith = (files: Record<string, string>): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-mf-'));
    dirs.push(dir);
    for (const [name, sql] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), sql);
    return dir;
  };
  const failure = (dir: string): unknown => {
    try {
      readMigrationFiles(dir);
    } catch (e) {
      return isCredfedError(e) ? { code: e.code, file: e.details.file } : e;
    }
    return undefined;
  };

  it('returns the .sql files in version order with their text and checksum, ignoring other files', () => {
    const dir = dirWith({ '0010_c.sql': 'C', '0002_b.sql': 'B', '0001_a.sql': 'A', 'README.md': '#', '.keep': '' });
    fs.mkdirSync(path.join(dir, '0003_dir.sql'));
    expect(readMigrationFiles(dir)).toEqual([
      { version: 1, name: 'a', fileName: '0001_a.sql', sql: 'A', checksum: migrationChecksum('A') },
      { version: 2, name: 'b', fileName: '0002_b.sql', sql: 'B', checksum: migrationChecksum('B') },
      { version: 10, name: 'c', fileName: '0010_c.sql', sql: 'C', checksum: migrationChecksum('C') },
    ]);
  });

  it('returns nothing for an empty directory', () => {
    expect(readMigrationFiles(dirWith({}))).toEqual([]);
  });

  it('refuses a misnamed .sql file instead of skipping it', () => {
    expect(failure(dirWith({ '0001_a.sql': 'A', '2_b.sql': 'B' }))).toEqual({ code: 'MIGRATION_FAILED', file: '2_b.sql' });
  });

  it('refuses two files with one version', () => {
    expect(failure(dirWith({ '0001_a.sql': 'A', '00001_b.sql': 'B' }))).toMatchObject({ code: 'MIGRATION_FAILED' });
  });

  it('refuses a missing directory', () => {
    expect(failure(path.join(os.tmpdir(), 'credfed-no-such-dir-xyz'))).toMatchObject({ code: 'MIGRATION_FAILED' });
  });
});
