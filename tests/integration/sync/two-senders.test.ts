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

const RECORDS = 8000;

// Two gateway processes can share a store only on PostgreSQL (an embedded data
// directory belongs to one process), so this runs in the PostgreSQL pass of CI.
describe.runIf(Boolean(process.env.DATABASE_URL))('two sender processes on one PostgreSQL', () => {
  let pki: Pki;
  let dir: string;
  let cityStore: TestStoreConfig;
  let countyStore: TestStoreConfig;
  let city: Gateway | undefined;
  const replicas: ChildGateway[] = [];

  beforeAll(async () => {
    pki = await createPki(['city', 'county-a']);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-replicas-'));
    [cityStore, countyStore] = await Promise.all([createTestStoreConfig(), createTestStoreConfig()]);
    await seedRecords(countyStore, 'county-a', RECORDS, ['city']);
  });

  afterAll(async () => {
    await Promise.allSettled([city?.stop(), ...replicas.map((r) => r.kill('SIGKILL'))]);
    await Promise.allSettled([cityStore?.cleanup(), countyStore?.cleanup()]);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(pki.dir, { recursive: true, force: true });
  });

  it('sends nothing twice and the survivor takes over within 10 s after the sender is killed', async () => {
    const cityPort = await freePort();
    city = await startInProcess(
      writeNodeConfig(pki, dir, { id: 'city', port: cityPort, store: cityStore, partners: [{ id: 'county-a', kind: 'child_county' }] }),
    );
    const ports = [await freePort(), await freePort()];
    for (const port of ports) {
      const config = writeNodeConfig(pki, dir, {
        id: 'county-a',
        port,
        store: countyStore,
        partners: [{ id: 'city', kind: 'parent_city', port: cityPort }],
        // The default lease (6 s): the takeover bound below is the product's, not the test's.
        sync: { batchSize: 20, window: 2, leaseSeconds: 6 },
      });
      replicas.push(await spawnGateway(config));
    }
    const cityView = async () => partnerOf(await adminStatus(pki, 'city', cityPort), 'county-a');
    await waitFor(async () => (await cityView()).inboundLastSeq >= 500, 60_000, 'sync under way');

    const states = await Promise.all(ports.map(async (p) => partnerOf(await adminStatus(pki, 'county-a', p), 'city').sending));
    expect(states.filter(Boolean)).toHaveLength(1); // one active sender, by lease
    const active = states.indexOf(true);
    await replicas[active]!.kill('SIGKILL');
    const seqAtKill = (await cityView()).inboundLastSeq;
    expect(seqAtKill).toBeLessThan(RECORDS);

    const survivorPort = ports[1 - active]!;
    await waitFor(
      async () => partnerOf(await adminStatus(pki, 'county-a', survivorPort), 'city').sending && (await cityView()).inboundLastSeq > seqAtKill,
      10_000,
      'the surviving replica to take over',
    );
    await waitFor(async () => (await cityView()).inboundLastSeq === RECORDS, 120_000, 'every record delivered');

    const final = await cityView();
    expect(final.inboundAccepted).toBe(RECORDS);
    expect(final.inboundUnchanged).toBe(0); // no sequence was ever delivered twice
    expect((await adminStatus(pki, 'city', cityPort)).recordsHeld).toBe(RECORDS);
  });
});
