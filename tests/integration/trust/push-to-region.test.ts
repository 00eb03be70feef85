// Two regions, each with its own CA, each having imported the other's CA as
// the trust anchor of the other's partner entry: the city's sender to
// region B trusts B's CA for B's server certificate (and only it), B admits
// the city's certificate through its anchor, and records flow.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { ChunkWriter } from '../../../src/importer/chunk-writer.js';
import { generateRecords } from '../../../src/sample/sample-records.js';
import type { Gateway } from '../../../src/server/gateway.js';
import { openStore } from '../../../src/store/store.js';
import { importTrustAnchor } from '../../../src/trust/import-anchor.js';
import { freePort, waitFor } from '../../helpers/federation-fixture.js';
import { createTestStoreConfig, type TestStoreConfig } from '../../helpers/store-fixture.js';
import { startTrustGateway } from '../../helpers/trust-gateway.js';
import { initRegion, issueLeaf, publishRegionCrl, registerPartners, type Region } from '../../helpers/trust-pki.js';
import { loadPersonsProtection } from '../../../src/persons/persons-protection.js';

const by = { actor: 'test:ops' };
const clock = { now: () => new Date() };

let dir: string;
let cityCfg: TestStoreConfig;
let bCfg: TestStoreConfig;
const regions: Region[] = [];
let city: Gateway;
let regionB: Gateway;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-trust-push-region-'));
  [cityCfg, bCfg] = [await createTestStoreConfig(), await createTestStoreConfig()];
  const cityStore = await openStore(cityCfg);
  const bStore = await openStore(bCfg);
  try {
    const cityCa = await initRegion(cityStore, { nodeId: 'city' });
    const bCa = await initRegion(bStore, { nodeId: 'region-b' });
    regions.push(cityCa, bCa);
    await registerPartners(cityStore, ['region-b']);
    await registerPartners(bStore, ['city']);
    const cityLeaf = await issueLeaf(cityCa, 'city');
    const bLeaf = await issueLeaf(bCa, 'region-b');
    const cityCrl = await publishRegionCrl(cityCa);
    const bCrl = await publishRegionCrl(bCa);
    await importTrustAnchor(cityStore, { partnerId: 'region-b', caPem: bCa.caPem, crlPem: bCrl.pem, by, clock });
    await importTrustAnchor(bStore, { partnerId: 'city', caPem: cityCa.caPem, crlPem: cityCrl.pem, by, clock });
    await cityStore.close();
    await bStore.close();

    const bPort = await freePort();
    regionB = await startTrustGateway({ id: 'region-b', port: bPort, store: bCfg, dir, tls: bLeaf, partners: [{ id: 'city', kind: 'peer_region', push: false }] });
    city = await startTrustGateway({
      id: 'city',
      port: await freePort(),
      store: cityCfg,
      dir,
      tls: cityLeaf,
      partners: [{ id: 'region-b', kind: 'peer_region', push: true, endpoint: `127.0.0.1:${bPort}` }],
    });
  } catch (e) {
    await cityStore.close().catch(() => undefined);
    await bStore.close().catch(() => undefined);
    throw e;
  }
});

afterAll(async () => {
  await city?.stop();
  await regionB?.stop();
  await cityCfg?.cleanup();
  await bCfg?.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
  for (const r of regions) fs.rmSync(r.dir, { recursive: true, force: true });
});

describe('pushing to a neighbouring region with its own CA', () => {
  it('delivers the records: each side trusts the other through the anchor bound to it', async () => {
    const writer = new ChunkWriter(city.store, ['region-b'], loadPersonsProtection(city.config.persons));
    for (const record of generateRecords({ originId: 'city', count: 5 })) await writer.add(record);
    await writer.flush();
    city.notifyOutbox();
    await waitFor(
      async () => Number((await regionB.store.query<{ n: string }>(`SELECT count(*) AS n FROM records WHERE origin_id = 'city'`)).rows[0]!.n) === 5,
      20_000,
      'the city’s records at region B',
    );
  });
});
