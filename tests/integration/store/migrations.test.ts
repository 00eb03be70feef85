// Migrations on the backend the environment selects (embedded PGlite by
// default, PostgreSQL when DATABASE_URL is set), with temporary migration
// directories on a blank store.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isCredfedError } from '../../../src/core/errors.js';
import { applyMigrations } from '../../../src/store/migrate.js';
import { readMigrationFiles } from '../../../src/store/migration-files.js';
import { openStore, type Store } from '../../../src/store/store.js';
import { MIGRATIONS_DIR } from '../../helpers/global-setup.js';
import { createTestStore, createTestStoreConfig, type TestStoreConfig } from '../../helpers/store-fixture.js';

const onPostgres = Boolean(process.env.DATABASE_URL);

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function migrationsDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-migrations-'));
  for (const [name, sql] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), sql);
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function blankStore(dir: string): Promise<TestStoreConfig> {
  const config = await createTestStoreConfig({ migrationsDir: dir });
  cleanups.push(() => config.cleanup());
  return config;
}

async function open(config: TestStoreConfig, dir: string): Promise<Store> {
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl, migrationsDir: dir });
  cleanups.push(() => store.close());
  return store;
}

async function expectMigrationFailure(promise: Promise<unknown>, file: string): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isCredfedError(error) && error.code).toBe('MIGRATION_FAILED');
  expect(isCredfedError(error) && error.details.file).toBe(file);
  return error as Error;
}

const appliedVersions = async (store: Store): Promise<number[]> =>
  (await store.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version);

describe(`migrations (${onPostgres ? 'postgres' : 'embedded'})`, () => {
  it('applies the migrations in version order, once; reopening applies nothing', async () => {
    const dir = migrationsDir({
      '0002_add_b.sql': 'ALTER TABLE m_a ADD COLUMN b text;\nINSERT INTO m_log VALUES (2);',
      '0001_create_a.sql': 'CREATE TABLE m_a (id int PRIMARY KEY);\nCREATE TABLE m_log (step int);\nINSERT INTO m_log VALUES (1);',
      '0010_add_c.sql': 'ALTER TABLE m_a ADD COLUMN c text;\nINSERT INTO m_log VALUES (10);',
      'README.md': 'not a migration',
    });
    const config = await blankStore(dir);
    const first = await open(config, dir);
    expect(await appliedVersions(first)).toEqual([1, 2, 10]);
    const rows = (await first.query('SELECT name, checksum, applied_at FROM schema_migrations ORDER BY version')).rows;
    expect(rows.map((r) => r.name)).toEqual(['create_a', 'add_b', 'add_c']);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.checksum) && r.applied_at instanceof Date)).toBe(true);
    expect(await applyMigrations(first, { dir })).toEqual([]);
    await first.close();

    const again = await open(config, dir);
    expect(await appliedVersions(again)).toEqual([1, 2, 10]);
    expect((await again.query('SELECT step FROM m_log ORDER BY step')).rows.map((r) => r.step)).toEqual([1, 2, 10]);
  });

  it('applies a migration added later, and only that one', async () => {
    const dir = migrationsDir({ '0001_create.sql': 'CREATE TABLE m_later (id int);' });
    const config = await blankStore(dir);
    await (await open(config, dir)).close();
    fs.writeFileSync(path.join(dir, '0002_insert.sql'), 'INSERT INTO m_later VALUES (42);');
    const store = await open(config, dir);
    expect(await appliedVersions(store)).toEqual([1, 2]);
    expect((await store.query('SELECT id FROM m_later')).rows).toEqual([{ id: 42 }]);
  });

  it('refuses to start when an applied migration was edited', async () => {
    const dir = migrationsDir({ '0001_create.sql': 'CREATE TABLE m_edit (id int);', '0002_more.sql': 'CREATE TABLE m_edit2 (id int);' });
    const config = await blankStore(dir);
    await (await open(config, dir)).close();
    fs.writeFileSync(path.join(dir, '0002_more.sql'), 'CREATE TABLE m_edit2 (id bigint);');
    await expectMigrationFailure(open(config, dir), '0002_more.sql');
  });

  it('refuses a different migration under an applied version number', async () => {
    const dir = migrationsDir({ '0001_create.sql': 'CREATE TABLE m_clash (id int);' });
    const config = await blankStore(dir);
    await (await open(config, dir)).close();
    fs.renameSync(path.join(dir, '0001_create.sql'), path.join(dir, '0001_other.sql'));
    await expectMigrationFailure(open(config, dir), '0001_other.sql');
  });

  it('a failing migration leaves nothing of itself applied and names the file and the error', async () => {
    const good = { '0001_good.sql': 'CREATE TABLE m_good (id int);' };
    const dir = migrationsDir({
      ...good,
      '0002_bad.sql': 'CREATE TABLE m_half (id int);\nINSERT INTO m_good VALUES (1);\nSELECT no_such_function();\n',
      '0003_never.sql': 'CREATE TABLE m_never (id int);',
    });
    const config = await blankStore(dir);
    const error = await expectMigrationFailure(open(config, dir), '0002_bad.sql');
    expect((error as { details?: Record<string, unknown> }).details?.sqlState).toBe('42883'); // undefined_function

    const store = await open(config, migrationsDir(good));
    expect(await appliedVersions(store)).toEqual([1]);
    const { rows } = await store.query(
      "SELECT to_regclass('m_half') IS NULL AS half_absent, to_regclass('m_never') IS NULL AS never_absent, (SELECT count(*)::int FROM m_good) AS good_rows",
    );
    expect(rows[0]).toEqual({ half_absent: true, never_absent: true, good_rows: 0 });
  });

  it('concurrent runs on one database apply each migration exactly once', async () => {
    const dir = migrationsDir({
      '0001_a.sql': 'CREATE TABLE m_conc (id int PRIMARY KEY);',
      '0002_b.sql': 'INSERT INTO m_conc VALUES (1);',
      '0003_c.sql': 'INSERT INTO m_conc VALUES (2);',
    });
    const config = await blankStore(migrationsDir({}));
    const store = await open(config, migrationsDir({}));
    const runs = await Promise.all([applyMigrations(store, { dir }), applyMigrations(store, { dir }), applyMigrations(store, { dir })]);
    expect(runs.flat().map((m) => m.version).sort()).toEqual([1, 2, 3]);
    expect(await appliedVersions(store)).toEqual([1, 2, 3]);
  });

  it.skipIf(!onPostgres)('postgres: two processes starting at once migrate once', async () => {
    const dir = migrationsDir({
      '0001_a.sql': 'CREATE TABLE m_start (id int PRIMARY KEY); SELECT pg_sleep(0.2);',
      '0002_b.sql': 'INSERT INTO m_start VALUES (1);',
    });
    const config = await blankStore(dir);
    const stores = await Promise.all([open(config, dir), open(config, dir), open(config, dir)]);
    expect(await appliedVersions(stores[0]!)).toEqual([1, 2]);
    expect((await stores[1]!.query('SELECT count(*)::int AS n FROM m_start')).rows[0].n).toBe(1);
  });

  it('the shipped migrations apply cleanly', async () => {
    const testStore = await createTestStore();
    cleanups.push(() => testStore.cleanup());
    const shipped = readMigrationFiles(MIGRATIONS_DIR).map((m) => m.version);
    expect(await appliedVersions(testStore.store)).toEqual(shipped);
  });
});
