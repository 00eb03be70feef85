// A node sends nothing to a partner suspended in its own registry: the
// county suspends its parent city, its sender stops within 5 s (records keep
// queuing), and resuming the city sends what was queued meanwhile.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateRecords } from '../../../src/sample/sample-records.js';
import type { Gateway } from '../../../src/server/gateway.js';
import { applyRecords } from '../../../src/store/repos/apply-records.js';
import { setPartnerStatus } from '../../../src/store/repos/partners-repo.js';
import { createPki, freePort, partnerOf, startInProcess, waitFor, writeNodeConfig, type Pki } from '../../helpers/federation-fixture.js';
import { createTestStoreConfig, type TestStoreConfig } from '../../helpers/store-fixture.js';

let pki: Pki;
let dir: string;
let stores: TestStoreConfig[] = [];
let city: Gateway;
let county: Gateway;

beforeAll(async () => {
  pki = await createPki(['city', 'county-a']);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-outbound-'));
  stores = await Promise.all([createTestStoreConfig(), createTestStoreConfig()]);
  const [cityPort, countyPort] = [await freePort(), await freePort()];
  city = await startInProcess(
    writeNodeConfig(pki, dir, { id: 'city', port: cityPort, store: stores[0]!, partners: [{ id: 'county-a', kind: 'child_county' }] }),
  );
  county = await startInProcess(
    writeNodeConfig(pki, dir, { id: 'county-a', port: countyPort, store: stores[1]!, partners: [{ id: 'city', kind: 'parent_city', port: cityPort }] }),
  );
});

afterAll(async () => {
  await Promise.allSettled([city?.stop(), county?.stop()]);
  await Promise.allSettled(stores.map((s) => s.cleanup()));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(pki.dir, { recursive: true, force: true });
});

async function queue(start: number, count: number): Promise<void> {
  const records = generateRecords({ originId: 'county-a', start, count });
  await county.store.transaction((tx) => applyRecords(tx, records, { receivedFrom: 'local', assignVersions: true, outboxPartners: ['city'] }));
  county.notifyOutbox();
}

describe('a partner suspended in the sender’s registry', () => {
  it('gets nothing while suspended, and what was queued once resumed', async () => {
    await queue(0, 20);
    await waitFor(async () => partnerOf(await county.status(), 'city').lastAckedSeq === 20, 20_000, 'the first records delivered');

    await setPartnerStatus(county.store, 'city', 'suspended', { actor: 'test:ops' });
    const stopped = await waitFor(
      async () => {
        const p = partnerOf(await county.status(), 'city');
        return !p.sending && p.lastError.includes('suspended') ? p : undefined;
      },
      5_000,
      'the sender to stop',
    );
    expect(stopped!.lastAckedSeq).toBe(20);
    await queue(20, 10);
    expect(partnerOf(await county.status(), 'city').pending).toBe(10);

    await setPartnerStatus(county.store, 'city', 'active', { actor: 'test:ops' });
    await waitFor(async () => partnerOf(await county.status(), 'city').lastAckedSeq === 30, 20_000, 'the queued records delivered');
    expect((await city.status()).recordsHeld).toBe(30);
  });
});
