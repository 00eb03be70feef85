/**
 * A fresh, migrated store per test, for whichever backend the environment
 * selects (PostgreSQL when DATABASE_URL is set, embedded PGlite otherwise).
 * Copies the templates built by ./global-setup.ts: a data directory copy
 * (embedded) or CREATE DATABASE … TEMPLATE (PostgreSQL).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import YAML from 'yaml';
import { inject } from 'vitest';
import { openStore, type Store, type StoreLog } from '../../src/store/store.js';
import {
  MIGRATIONS_DIR,
  adminQuery,
  buildEmbeddedTemplate,
  databaseUrlFor,
  type StoreTemplate,
} from './global-setup.js';

/** Where a test store lives, not yet opened (e.g. for gateway child processes). */
export interface TestStoreConfig {
  /** Embedded: a private copy of the template data directory. */
  readonly dataDir?: string;
  /** PostgreSQL: the URL of a private database. */
  readonly databaseUrl?: string;
  /** The migrations the store was (or, blank, will be) migrated with. */
  readonly migrationsDir: string;
  /** Removes the data directory or drops the database. Close every store on it first. */
  cleanup(): Promise<void>;
}

/** An open test store and where it lives. */
export interface TestStore {
  readonly store: Store;
  readonly dataDir?: string;
  readonly databaseUrl?: string;
  /** Closes the store, then removes its data. */
  cleanup(): Promise<void>;
}

export interface TestStoreOptions {
  /**
   * Migrations to apply instead of src/store/migrations. The store then starts
   * from a blank database (only an empty schema_migrations table), so the
   * versions of these files cannot clash with the real ones.
   */
  migrationsDir?: string;
  log?: StoreLog;
}

/** Prepares a private store (copied from the template) without opening it. */
export async function createTestStoreConfig(opts: TestStoreOptions = {}): Promise<TestStoreConfig> {
  const blank = opts.migrationsDir !== undefined;
  const migrationsDir = opts.migrationsDir ?? MIGRATIONS_DIR;
  const template = await storeTemplate();
  if (template.backend === 'postgres') {
    const name = `${template.testDbPrefix}${randomBytes(6).toString('hex')}`;
    const source = blank ? 'template0' : template.migratedDb;
    await adminQuery(template.adminUrl, `CREATE DATABASE ${name} TEMPLATE ${source}`);
    return {
      databaseUrl: databaseUrlFor(template.adminUrl, name),
      migrationsDir,
      cleanup: () => adminQuery(template.adminUrl, `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`),
    };
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-store-'));
  fs.cpSync(blank ? template.blankDir : template.migratedDir, dataDir, { recursive: true });
  return {
    dataDir,
    migrationsDir,
    cleanup: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
  };
}

/** Prepares and opens a private, migrated store. */
export async function createTestStore(opts: TestStoreOptions = {}): Promise<TestStore> {
  const config = await createTestStoreConfig(opts);
  let store: Store;
  try {
    store = await openStore({ ...config, log: opts.log });
  } catch (err) {
    await config.cleanup();
    throw err;
  }
  return {
    store,
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    cleanup: async () => {
      try {
        await store.close();
      } finally {
        await config.cleanup();
      }
    },
  };
}

let fallbackTemplate: Promise<StoreTemplate> | undefined;

/**
 * The template global setup built; when a test runs without it (another
 * config), one is built per test process and removed at its exit.
 */
async function storeTemplate(): Promise<StoreTemplate> {
  const provided = inject('credfedStoreTemplate');
  if (provided) return provided;
  if (process.env.DATABASE_URL) throw new Error('store template missing: run the tests with tests/helpers/global-setup.ts');
  fallbackTemplate ??= buildEmbeddedTemplate().then((template) => {
    process.once('exit', () => fs.rmSync(path.dirname(template.blankDir), { recursive: true, force: true }));
    return template;
  });
  return fallbackTemplate;
}

/**
 * Writes a node configuration for CLI commands that open only the store
 * (their TLS files need not exist) to `file`: node `nodeId` on `store`, with
 * `partners` and any other top-level sections in `extra`. Returns `file`.
 */
export function writeStoreOnlyConfig(
  file: string,
  store: Pick<TestStoreConfig, 'dataDir' | 'databaseUrl'>,
  opts: { nodeId?: string; partners?: readonly Record<string, unknown>[]; extra?: Record<string, unknown> } = {},
): string {
  const nodeId = opts.nodeId ?? 'city';
  const doc = {
    node: { id: nodeId },
    listen: '127.0.0.1:0',
    store: store.databaseUrl ? { databaseUrl: store.databaseUrl } : { dataDir: store.dataDir },
    tls: { ca: 'nowhere/ca.crt', cert: `nowhere/${nodeId}.crt`, key: `nowhere/${nodeId}.key` },
    ...(opts.partners ? { partners: opts.partners } : {}),
    ...opts.extra,
  };
  fs.writeFileSync(file, YAML.stringify(doc));
  return file;
}
