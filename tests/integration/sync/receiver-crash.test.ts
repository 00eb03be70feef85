import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../../src/server/gateway.js';
import {
  adminStatus,
  createPki,
  freePort,
  partnerOf,
  seedRecords,
  spawnGateway,
  startInProcess,
  waitFor,
  writeNodeConfig,
  type ChildGateway,
  type Pki,
} from '../../helpers/federation-fixture.js';
import { createTestStoreConfig, type TestStoreConfig } from '../../helpers/store-fixture.js';

const RECORDS = 6000;

let pki: Pki;
let dir: string;
let cityStore: TestStoreConfig;
let countyStore: TestStoreConfig;
let county: Gateway | undefined;
let city: ChildGateway | undefined;

beforeAll(async () => {
  pki = await createPki(['city', 'county-a']);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-crash-'));
  [cityStore, countyStore] = await Promise.all([createTestStoreConfig(), createTestStoreConfig()]);
  await seedRecords(countyStore, 'county-a', RECORDS, ['city']);
});

afterAll(async () => {
  await Promise.allSettled([county?.stop(), city?.kill('SIGKILL')]);
  await Promise.allSettled([cityStore?.cleanup(), countyStore?.cleanup()]);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(pki.dir, { recursive: true, force: true });
});

describe('receiver killed mid-sync', () => {
  it('restarts on the same data and ends with every record exactly once', async () => {
    const cityPort = await freePort();
    const cityConfig = writeNodeConfig(pki, dir, {
      id: 'city',
      port: cityPort,
      store: cityStore,
      partners: [{ id: 'county-a', kind: 'child_county' }],
    });
    city = await spawnGateway(cityConfig);
    county = await startInProcess(
      writeNodeConfig(pki, dir, {
        id: 'county-a',
        port: await freePort(),
        store: countyStore,
        partners: [{ id: 'city', kind: 'parent_city', port: cityPort }],
        sync: { batchSize: 50, window: 4 },
      }),
    );
    // Kill the city while batches are in flight: some committed, some not.
    await waitFor(async () => partnerOf(await county!.status(), 'city').lastAckedSeq >= 500, 60_000, 'first acknowledgements');
    await city.kill('SIGKILL');
    const ackedAtKill = partnerOf(await county.status(), 'city').lastAckedSeq;
    expect(ackedAtKill).toBeLessThan(RECORDS);

    // The dead process's lock must not block the restart on the same data.
    city = await spawnGateway(cityConfig);
    await waitFor(async () => partnerOf(await county!.status(), 'city').pending === 0, 120_000, 'county outbox drained');

    const status = await adminStatus(pki, 'city', cityPort);
    const fromCounty = partnerOf(status, 'county-a');
    expect(status.recordsHeld).toBe(RECORDS);
    expect(fromCounty.inboundLastSeq).toBe(RECORDS);
    // Exactly once: every record was accepted once and none was applied twice.
    expect(fromCounty.inboundAccepted).toBe(RECORDS);
    expect(fromCounty.inboundUnchanged).toBe(0);
    expect(fromCounty.inboundRejected).toBe(0);
    expect(partnerOf(await county.status(), 'city').lastAckedSeq).toBe(RECORDS);
  });
});
