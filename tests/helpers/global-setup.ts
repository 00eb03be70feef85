/**
 * vitest globalSetup: builds the store templates once per test run, so each
 * test gets its own store by copying instead of creating one (a fresh PGlite
 * takes 4–7 s). The backend follows the environment: PostgreSQL when
 * DATABASE_URL is set (template databases), embedded PGlite otherwise
 * (template data directories). Tests reach the templates through
 * tests/helpers/store-fixture.ts.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { DEFAULT_MIGRATIONS_DIR } from '../../src/store/migrate.js';
import { openStore } from '../../src/store/store.js';

/** What global setup built, handed to the test processes through provide/inject. */
export type StoreTemplate =
  | {
      readonly backend: 'embedded';
      /** A data directory with only an empty schema_migrations table. */
      readonly blankDir: string;
      /** A data directory migrated with src/store/migrations. */
      readonly migratedDir: string;
    }
  | {
      readonly backend: 'postgres';
      /** DATABASE_URL: where test databases are created and dropped. */
      readonly adminUrl: string;
      /** Database migrated with src/store/migrations, used as CREATE DATABASE template. */
      readonly migratedDb: string;
      /** Prefix of this run's test databases, swept at teardown. */
      readonly testDbPrefix: string;
    };

declare module 'vitest' {
  export interface ProvidedContext {
    credfedStoreTemplate: StoreTemplate;
  }
}

/** The real migrations, read from the source tree. */
export const MIGRATIONS_DIR = DEFAULT_MIGRATIONS_DIR;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const databaseUrl = process.env.DATABASE_URL;
  if (databaseUrl) {
    const template = await buildPostgresTemplate(databaseUrl);
    project.provide('credfedStoreTemplate', template);
    return () => dropPostgresTemplate(template);
  }
  const template = await buildEmbeddedTemplate();
  project.provide('credfedStoreTemplate', template);
  return async () => {
    fs.rmSync(path.dirname(template.blankDir), { recursive: true, force: true });
  };
}

/** Builds the blank and the migrated template data directories under one temp folder. */
export async function buildEmbeddedTemplate(): Promise<Extract<StoreTemplate, { backend: 'embedded' }>> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-tpl-'));
  const blankDir = path.join(root, 'blank');
  const migratedDir = path.join(root, 'migrated');
  const noMigrations = path.join(root, 'no-migrations');
  fs.mkdirSync(noMigrations);
  await (await openStore({ dataDir: blankDir, migrationsDir: noMigrations })).close();
  fs.cpSync(blankDir, migratedDir, { recursive: true });
  await (await openStore({ dataDir: migratedDir, migrationsDir: MIGRATIONS_DIR })).close();
  return { backend: 'embedded', blankDir, migratedDir };
}

async function buildPostgresTemplate(adminUrl: string): Promise<Extract<StoreTemplate, { backend: 'postgres' }>> {
  const runId = randomBytes(4).toString('hex');
  const migratedDb = `credfed_tpl_${runId}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${migratedDb} TEMPLATE template0`);
  await (await openStore({ databaseUrl: databaseUrlFor(adminUrl, migratedDb), migrationsDir: MIGRATIONS_DIR, poolSize: 1 })).close();
  return { backend: 'postgres', adminUrl, migratedDb, testDbPrefix: `credfed_test_${runId}_` };
}

async function dropPostgresTemplate(template: Extract<StoreTemplate, { backend: 'postgres' }>): Promise<void> {
  const client = new pg.Client({ connectionString: template.adminUrl });
  await client.connect();
  try {
    const leftovers = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [
      template.testDbPrefix,
    ]);
    for (const name of [...leftovers.rows.map((r) => r.datname), template.migratedDb]) {
      await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}

/** `adminUrl` pointing at database `name` instead. */
export function databaseUrlFor(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs one statement on its own connection (CREATE/DROP DATABASE cannot run in a transaction). */
export async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
