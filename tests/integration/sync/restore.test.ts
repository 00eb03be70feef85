import { describe, expect, it } from 'vitest';
import { openStore } from '../../../src/store/store.js';
import { generateRecords } from '../../../src/sample/sample-records.js';
import { applyRecords } from '../../../src/store/repos/apply-records.js';
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

const RECORDS = 300;

const h = gatewayHarness(['city', 'county-a'], 'credfed-restore-');
const { newStore, start, stop } = h;

describe('restores from backup', () => {
  it('refills a receiver that lost its data, and never hides records queued by a sender restored from an older backup', async () => {
    const countyStore = await newStore();
    await seedRecords(countyStore, 'county-a', RECORDS, ['city']);
    const cityPort = await freePort();
    const countyPort = await freePort();
    const cityConfig = (store: TestStoreConfig) =>
      writeNodeConfig(h.pki, h.dir, { id: 'city', port: cityPort, store, partners: [{ id: 'county-a', kind: 'child_county' }] });
    const countyConfig = writeNodeConfig(h.pki, h.dir, {
      id: 'county-a',
      port: countyPort,
      store: countyStore,
      partners: [{ id: 'city', kind: 'parent_city', port: cityPort }],
    });

    let city = await start(cityConfig(await newStore()));
    let county = await start(countyConfig);
    await waitFor(async () => partnerOf(await county.status(), 'city').pending === 0, 60_000, 'first sync');
    expect((await adminStatus(h.pki, 'city', cityPort)).recordsHeld).toBe(RECORDS);

    // The city loses its data (restored from an empty backup): acknowledged
    // outbox rows are retained, so the county refills it from sequence 1.
    await stop(city);
    city = await start(cityConfig(await newStore()));
    await waitFor(async () => partnerOf(await adminStatus(h.pki, 'city', cityPort), 'county-a').inboundLastSeq === RECORDS, 60_000, 'refill');
    expect((await adminStatus(h.pki, 'city', cityPort)).recordsHeld).toBe(RECORDS);

    // The county is restored from a backup taken at sequence 100, then imports
    // 10 new records before it reconnects: they get sequences 101..110, which
    // the city already holds for other records. They must still arrive.
    await stop(county);
    const raw = await openStore({ dataDir: countyStore.dataDir, databaseUrl: countyStore.databaseUrl });
    await raw.query(`DELETE FROM outbox WHERE partner_id = 'city' AND seq > 100`);
    await raw.query(`UPDATE outbox_state SET last_seq = 100, acked_seq = 100 WHERE partner_id = 'city'`);
    const fresh = generateRecords({ originId: 'county-a', start: RECORDS, count: 10 });
    await raw.transaction((tx) => applyRecords(tx, fresh, { receivedFrom: 'local', assignVersions: true, outboxPartners: ['city'] }));
    await raw.close();
    county = await start(countyConfig);
    await waitFor(async () => partnerOf(await county.status(), 'city').pending === 0, 60_000, 'sync after sender restore');
    const status = await adminStatus(h.pki, 'city', cityPort);
    expect(status.recordsHeld).toBe(RECORDS + 10);
    expect(partnerOf(status, 'county-a').inboundLastSeq).toBe(RECORDS + 10);
  });
});
