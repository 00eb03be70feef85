// `credfed store backup` and `credfed store restore` through the real CLI on
// the store the test run uses (embedded, or PostgreSQL when DATABASE_URL is
// set): no record lost, a non-empty store refused unless --force, damaged and
// foreign files refused with nothing changed, a new change-feed id.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreditRecord } from '../../src/gen/credfed/v1/record.js';
import { generateRecords } from '../../src/sample/sample-records.js';
import { encodeHeader, parseHeader, type BackupManifest } from '../../src/store/backup/backup-format.js';
import { openStore } from '../../src/store/store.js';
import { credfed, type Run } from '../helpers/cli-run.js';
import { testPersonsSection } from '../helpers/person-keys.js';
import { createTestStoreConfig, writeStoreOnlyConfig, type TestStoreConfig } from '../helpers/store-fixture.js';

const NODE_ID = 'county-a';
const BACKEND = process.env.DATABASE_URL ? 'postgres' : 'embedded';
/** The default actor: the operating-system user running the command. */
const ME = `cli:${os.userInfo().username}`;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-store-backup-'));
const stores: TestStoreConfig[] = [];
afterAll(async () => {
  await Promise.allSettled(stores.map((s) => s.cleanup()));
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A node configuration on `store` (backup and restore open only the store: the TLS files need not exist). */
function writeConfig(name: string, store: { databaseUrl?: string; dataDir?: string }, nodeId = NODE_ID): string {
  return writeStoreOnlyConfig(path.join(tmp, `${name}.yaml`), store, {
    nodeId,
    partners: [{ id: 'city', kind: 'parent_city', endpoint: '127.0.0.1:1' }],
    extra: { persons: testPersonsSection(name) },
  });
}

async function newStore(): Promise<TestStoreConfig> {
  const s = await createTestStoreConfig();
  stores.push(s);
  return s;
}

/** Every record with its version and the SHA-256 of its bytes, in key order. */
interface StoreState {
  records: string[];
  outbox: number;
  feedId: string;
  feedEvents: number;
}

async function stateOf(store: { databaseUrl?: string; dataDir?: string }): Promise<StoreState> {
  const s = await openStore({ databaseUrl: store.databaseUrl, dataDir: store.dataDir });
  try {
    const records = await s.query<{ k: string }>(
      `SELECT origin_id || '/' || record_id || '@' || version || ':' || status || ':' || encode(sha256(payload), 'hex') AS k
         FROM records ORDER BY origin_id, record_id`,
    );
    const outbox = await s.query<{ n: string }>(`SELECT count(*)::text AS n FROM outbox`);
    const feed = await s.query<{ f: string; n: string }>(`SELECT feed_id::text AS f, (SELECT count(*) FROM feed_events)::text AS n FROM feed_horizon`);
    return { records: records.rows.map((r) => r.k), outbox: Number(outbox.rows[0]!.n), feedId: feed.rows[0]!.f, feedEvents: Number(feed.rows[0]!.n) };
  } finally {
    await s.close();
  }
}

/** The store's audit entries of the store commands, oldest first. */
async function storeCommandEntries(store: { databaseUrl?: string; dataDir?: string }): Promise<{ method: string; decision: string; reason: string | null; reference: string | null; actor: string }[]> {
  const s = await openStore({ databaseUrl: store.databaseUrl, dataDir: store.dataDir });
  try {
    const { rows } = await s.query<{ method: string; decision: string; reason: string | null; reference: string | null; actor: string }>(
      `SELECT method, decision, reason, reference, actor FROM audit_entries WHERE method LIKE 'cli/store %' ORDER BY at, seq`,
    );
    return rows;
  } finally {
    await s.close();
  }
}

function writeNdjson(name: string, start: number, count: number): string {
  const file = path.join(tmp, name);
  const lines = generateRecords({ originId: NODE_ID, start, count }).map((r) => JSON.stringify(CreditRecord.toJSON(r)));
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function importRecords(config: string, file: string): Promise<void> {
  const run = await credfed(['import', file, '--config', config]);
  expect(run.stderr).not.toContain('unexpected error');
  expect(run.code).toBe(0);
}

function expectRefused(run: Run, code: string): void {
  expect(run.stderr).not.toContain('unexpected error');
  expect(run.code).toBe(1);
  expect(run.stderr).toContain(code);
}

/** A copy of `file` whose manifest was changed by `edit` (with a valid header checksum, so only the content is refused). */
function withManifest(file: string, name: string, edit: (m: BackupManifest) => BackupManifest): string {
  const bytes = fs.readFileSync(file);
  const parsed = parseHeader(bytes.subarray(0, 65536));
  if (!parsed.value) throw new Error(parsed.error);
  const out = path.join(tmp, name);
  fs.writeFileSync(out, Buffer.concat([encodeHeader(edit(parsed.value.manifest)), bytes.subarray(parsed.value.payloadOffset)]));
  return out;
}

describe(`credfed store backup|restore (${BACKEND} store)`, { timeout: 180_000 }, () => {
  let store: TestStoreConfig;
  let config: string;
  let backupFile: string;
  let atBackup: StoreState;

  beforeAll(async () => {
    store = await newStore();
    config = writeConfig('node', store);
    await importRecords(config, writeNdjson('first.ndjson', 0, 30));
    atBackup = await stateOf(store);
    expect(atBackup.records).toHaveLength(30);
    backupFile = path.join(tmp, 'node.cfstore');
  });

  it('writes a self-describing backup of the store', async () => {
    const run = await credfed(['store', 'backup', '--config', config, '--out', backupFile, '--json']);
    expect(run.stderr).not.toContain('unexpected error');
    expect(run.code).toBe(0);
    const manifest = JSON.parse(run.stdout) as BackupManifest;
    expect(manifest).toMatchObject({
      backend: BACKEND,
      nodeId: NODE_ID,
      payload: { kind: BACKEND === 'postgres' ? 'pg-dump-custom' : 'pglite-datadir-tar-gz' },
    });
    expect(manifest.counts.records).toBe(30);
    expect(manifest.schemaVersion).toBeGreaterThanOrEqual(13);
    expect(fs.statSync(backupFile).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(backupFile).subarray(0, 22).toString()).toBe('CREDFED-STORE-BACKUP/1');
    // entered in the audit log after the dump, so not in the backup itself
    expect(await storeCommandEntries(store)).toEqual([{ method: 'cli/store backup', decision: 'allow', reason: null, reference: backupFile, actor: ME }]);
  });

  it('refuses a restore into a store that holds data, and changes nothing', async () => {
    await importRecords(config, writeNdjson('second.ndjson', 30, 10));
    const before = await stateOf(store);
    expect(before.records).toHaveLength(40);
    expectRefused(await credfed(['store', 'restore', '--config', config, '--from', backupFile]), 'STORE_NOT_EMPTY');
    expect(await stateOf(store)).toEqual(before);
  });

  it('refuses a truncated or altered file before writing anything, even with --force', async () => {
    const before = await stateOf(store);
    const bytes = fs.readFileSync(backupFile);
    const truncated = path.join(tmp, 'truncated.cfstore');
    fs.writeFileSync(truncated, bytes.subarray(0, bytes.length - 1000));
    const altered = path.join(tmp, 'altered.cfstore');
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 500]! ^= 0xff;
    fs.writeFileSync(altered, flipped);
    const headerOnly = path.join(tmp, 'header-only.cfstore');
    fs.writeFileSync(headerOnly, bytes.subarray(0, 40));
    const notABackup = path.join(tmp, 'not-a-backup.cfstore');
    fs.writeFileSync(notABackup, 'PGDMP not ours');
    const entriesBefore = await storeCommandEntries(store);
    for (const file of [truncated, altered, headerOnly, notABackup]) {
      expectRefused(await credfed(['store', 'restore', '--config', config, '--from', file, '--force']), 'BACKUP_INVALID');
    }
    expect(await stateOf(store)).toEqual(before);
    // each refused attempt on this store (it holds data) is in its audit log
    expect((await storeCommandEntries(store)).slice(entriesBefore.length)).toEqual(
      [truncated, altered, headerOnly, notABackup].map((reference) => ({ method: 'cli/store restore', decision: 'deny', reason: 'BACKUP_INVALID', reference, actor: ME })),
    );
  });

  it('refuses a backup of the other backend, of a newer schema or of another node', async () => {
    const before = await stateOf(store);
    const otherBackend = withManifest(backupFile, 'other-backend.cfstore', (m) => ({ ...m, backend: BACKEND === 'postgres' ? 'embedded' : 'postgres' }));
    const newer = withManifest(backupFile, 'newer.cfstore', (m) => ({ ...m, schemaVersion: 9999 }));
    const otherNode = withManifest(backupFile, 'other-node.cfstore', (m) => ({ ...m, nodeId: 'county-b' }));
    for (const file of [otherBackend, newer, otherNode]) {
      expectRefused(await credfed(['store', 'restore', '--config', config, '--from', file, '--force']), 'BACKUP_INCOMPATIBLE');
    }
    expect(await stateOf(store)).toEqual(before);
  });

  it('leaves the store as it was when a restore fails midway', async () => {
    const before = await stateOf(store);
    // A manifest whose counts the restored data will not match: the check after loading fails.
    const miscounted = withManifest(backupFile, 'miscounted.cfstore', (m) => ({ ...m, counts: { ...m.counts, records: 31 } }));
    expectRefused(await credfed(['store', 'restore', '--config', config, '--from', miscounted, '--force']), 'BACKUP_INVALID');
    expect(await stateOf(store)).toEqual(before);
  });

  it('checks a file without writing with --dry-run', async () => {
    const before = await stateOf(store);
    const run = await credfed(['store', 'restore', '--config', config, '--from', backupFile, '--dry-run', '--force']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('nothing written');
    expect(await stateOf(store)).toEqual(before);
  });

  it('restores with --force: every record back with the same bytes and version, under a new feed id', async () => {
    const run = await credfed(['store', 'restore', '--config', config, '--from', backupFile, '--force']);
    expect(run.stderr).not.toContain('unexpected error');
    expect(run.code).toBe(0);
    const after = await stateOf(store);
    expect(after.records).toEqual(atBackup.records);
    expect(after.outbox).toBe(atBackup.outbox);
    // cursors handed out before the restore name the old feed: refused as CURSOR_EXPIRED;
    // the feed starts afresh (subscribers pull in full)
    expect(atBackup.feedEvents).toBeGreaterThan(0);
    expect(after.feedId).not.toBe(atBackup.feedId);
    expect(after.feedEvents).toBe(0);
    // the restored store's audit log is the backup's, then the restore (the backup's own entry came after the dump)
    expect(await storeCommandEntries(store)).toEqual([{ method: 'cli/store restore', decision: 'allow', reason: null, reference: backupFile, actor: ME }]);
  });

  it('restores into an empty store without --force', async () => {
    const target =
      BACKEND === 'postgres' ? await newStore() : { dataDir: path.join(tmp, 'fresh', 'data') };
    const freshConfig = writeConfig('fresh', target);
    // a refused restore leaves no audit entry in an empty store, so it stays empty
    const bad = path.join(tmp, 'bad-for-fresh.cfstore');
    fs.writeFileSync(bad, 'not a backup');
    expectRefused(await credfed(['store', 'restore', '--config', freshConfig, '--from', bad]), 'BACKUP_INVALID');
    const run = await credfed(['store', 'restore', '--config', freshConfig, '--from', backupFile]);
    expect(run.stderr).not.toContain('unexpected error');
    expect(run.code).toBe(0);
    const restored = await stateOf(target);
    expect(restored.records).toEqual(atBackup.records);
    expect(restored.outbox).toBe(atBackup.outbox);
  });

  it.skipIf(BACKEND !== 'embedded')('refuses to back up a data directory that holds no store, and creates none there to audit it', async () => {
    const missing = path.join(tmp, 'missing', 'data');
    const run = await credfed(['store', 'backup', '--config', writeConfig('missing', { dataDir: missing }), '--out', path.join(tmp, 'missing.cfstore')]);
    expectRefused(run, 'STORE_UNAVAILABLE');
    expect(run.stderr).toContain(missing);
    expect(fs.existsSync(missing)).toBe(false);
  });

  it.skipIf(BACKEND !== 'embedded')('refuses, even with --force, a data directory that holds other files and is not a store', async () => {
    const parent = path.join(tmp, 'not-a-store');
    fs.mkdirSync(path.join(parent, 'keep', 'deeper'), { recursive: true });
    fs.writeFileSync(path.join(parent, 'notes.txt'), 'not a store');
    fs.writeFileSync(path.join(parent, 'keep', 'deeper', 'file'), 'x');
    const run = await credfed(['store', 'restore', '--config', writeConfig('not-a-store', { dataDir: parent }), '--from', backupFile, '--force']);
    expectRefused(run, 'STORE_NOT_EMPTY');
    expect(run.stderr).toContain(parent);
    expect(run.stderr).toContain('not a credfed store');
    expect(fs.readdirSync(parent).sort()).toEqual(['keep', 'notes.txt']);
    expect(fs.readFileSync(path.join(parent, 'keep', 'deeper', 'file'), 'utf8')).toBe('x');
    expect(fs.readdirSync(tmp).filter((e) => /^not-a-store\.(replaced|restoring)-/.test(e))).toEqual([]);
  });

  it.skipIf(BACKEND !== 'postgres')('reports psql\'s error when the role may not replace the schema, and changes nothing', async () => {
    const target = await newStore();
    const role = `credfed_norights_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: target.databaseUrl });
    await admin.connect();
    try {
      await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'n0-rights-pw'`);
      // it may read the tables (the emptiness check passes) but not drop the schema it does not own
      await admin.query(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role}`);
      const url = new URL(target.databaseUrl!);
      url.username = role;
      url.password = '';
      url.searchParams.set('password', 'n0-rights-pw');
      const run = await credfed(['store', 'restore', '--config', writeConfig('no-rights', { databaseUrl: url.toString() }), '--from', backupFile]);
      expectRefused(run, 'STORE_UNAVAILABLE');
      expect(run.stderr).toContain('psql failed');
      expect(run.stderr).toMatch(/must be owner of schema public/);
      expect(run.stderr).not.toContain('pg_restore cannot read');
      expect(run.stderr).not.toContain('n0-rights-pw');
      const { rows } = await admin.query(`SELECT count(*)::int AS n FROM records`);
      expect(rows[0].n).toBe(0);
    } finally {
      await admin.query(`DROP OWNED BY ${role}`).catch(() => {});
      await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => {});
      await admin.end();
    }
  });

  it(BACKEND === 'embedded' ? 'refuses to back up or restore an embedded store a running process holds' : 'backs up a PostgreSQL store while it is in use', async () => {
    const held = await openStore({ dataDir: store.dataDir, databaseUrl: store.databaseUrl });
    const out = path.join(tmp, 'while-running.cfstore');
    try {
      if (BACKEND === 'embedded') {
        expectRefused(await credfed(['store', 'backup', '--config', config, '--out', out]), 'STORE_LOCKED');
        expect(fs.existsSync(out)).toBe(false);
        expectRefused(await credfed(['store', 'restore', '--config', config, '--from', backupFile, '--force']), 'STORE_LOCKED');
      } else {
        const run = await credfed(['store', 'backup', '--config', config, '--out', out]);
        expect(run.code).toBe(0);
        expect(fs.existsSync(out)).toBe(true);
      }
    } finally {
      await held.close();
    }
  });
});
