// Recovery from a store backup (README "Backing up and restoring a node"): a
// city restored from a backup older than what its county pushed since gets
// every later record again. The restored inbound cursor goes back to the
// backup's; on resume the city reports it and the county resends from there
// (its acknowledged outbox rows are retained), so nothing is lost.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateRecords } from '../../../src/sample/sample-records.js';
import { applyRecords } from '../../../src/store/repos/apply-records.js';
import { openStore } from '../../../src/store/store.js';
import { credfed } from '../../helpers/cli-run.js';
import {
  adminStatus,
  freePort,
  partnerOf,
  seedRecords,
  waitFor,
  writeNodeConfig,
} from '../../helpers/federation-fixture.js';
import { gatewayHarness } from '../../helpers/gateway-harness.js';
import type { TestStoreConfig } from '../../helpers/store-fixture.js';

const BEFORE_BACKUP = 200;
const AFTER_BACKUP = 25;

const h = gatewayHarness(['city', 'county-a'], 'credfed-store-restore-');
const { newStore, start, stop } = h;

/** Every record of the store with its version and the SHA-256 of its bytes (the store must not be open elsewhere if embedded). */
async function recordsOf(store: TestStoreConfig): Promise<string[]> {
  const s = await openStore({ dataDir: store.dataDir, databaseUrl: store.databaseUrl });
  try {
    const { rows } = await s.query<{ k: string }>(
      `SELECT origin_id || '/' || record_id || '@' || version || ':' || encode(sha256(payload), 'hex') AS k FROM records ORDER BY origin_id, record_id`,
    );
    return rows.map((r) => r.k);
  } finally {
    await s.close();
  }
}

describe('restoring a receiver from a store backup', () => {
  it('refills a city restored from an older backup with what its county pushed after the backup', async () => {
    const countyStore = await newStore();
    const cityStore = await newStore();
    await seedRecords(countyStore, 'county-a', BEFORE_BACKUP, ['city']);
    const cityPort = await freePort();
    const countyPort = await freePort();
    const cityConfig = writeNodeConfig(h.pki, h.dir, { id: 'city', port: cityPort, store: cityStore, partners: [{ id: 'county-a', kind: 'child_county' }] });
    const countyConfig = writeNodeConfig(h.pki, h.dir, {
      id: 'county-a',
      port: countyPort,
      store: countyStore,
      partners: [{ id: 'city', kind: 'parent_city', port: cityPort }],
    });

    let city = await start(cityConfig);
    let county = await start(countyConfig);
    await waitFor(async () => partnerOf(await county.status(), 'city').pending === 0, 60_000, 'first sync');
    expect((await adminStatus(h.pki, 'city', cityPort)).recordsHeld).toBe(BEFORE_BACKUP);

    // The nightly backup of the city (its gateway stopped: the embedded store is held by one process).
    await stop(city);
    const backup = path.join(h.dir, 'city.cfstore');
    const backedUp = await credfed(['store', 'backup', '--config', cityConfig, '--out', backup]);
    expect(backedUp.stderr).not.toContain('unexpected error');
    expect(backedUp.code).toBe(0);
    city = await start(cityConfig);

    // The county imports more records, which reach the city after the backup.
    await stop(county);
    const raw = await openStore({ dataDir: countyStore.dataDir, databaseUrl: countyStore.databaseUrl });
    const later = generateRecords({ originId: 'county-a', start: BEFORE_BACKUP, count: AFTER_BACKUP });
    await raw.transaction((tx) => applyRecords(tx, later, { receivedFrom: 'local', assignVersions: true, outboxPartners: ['city'] }));
    await raw.close();
    county = await start(countyConfig);
    await waitFor(async () => partnerOf(await county.status(), 'city').pending === 0, 60_000, 'sync after the backup');
    expect(partnerOf(await adminStatus(h.pki, 'city', cityPort), 'county-a').inboundLastSeq).toBe(BEFORE_BACKUP + AFTER_BACKUP);
    await stop(city);
    const held = await recordsOf(cityStore);
    expect(held).toHaveLength(BEFORE_BACKUP + AFTER_BACKUP);

    // The city's store is lost and restored from the older backup.
    const restored = await credfed(['store', 'restore', '--config', cityConfig, '--from', backup, '--force']);
    expect(restored.stderr).not.toContain('unexpected error');
    expect(restored.code).toBe(0);
    expect(await recordsOf(cityStore)).toHaveLength(BEFORE_BACKUP);

    // On resume the city reports the backup's cursor; the county sends again everything after it.
    city = await start(cityConfig);
    await waitFor(
      async () => partnerOf(await adminStatus(h.pki, 'city', cityPort), 'county-a').inboundLastSeq === BEFORE_BACKUP + AFTER_BACKUP,
      60_000,
      'refill after the restore',
    );
    expect((await adminStatus(h.pki, 'city', cityPort)).recordsHeld).toBe(BEFORE_BACKUP + AFTER_BACKUP);
    await stop(city);
    expect(await recordsOf(cityStore)).toEqual(held);
  }, 300_000);
});
