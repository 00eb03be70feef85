// A county replaces its own certificate files while its gateway pushes to
// the city: its sender is restarted on a new connection with the new
// certificate, so after the city revokes the old certificate, new records
// still arrive (they could not with the old one: the city refuses it).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChunkWriter } from '../../../src/importer/chunk-writer.js';
import { generateRecords } from '../../../src/sample/sample-records.js';
import type { Gateway } from '../../../src/server/gateway.js';
import { freePort, waitFor } from '../../helpers/federation-fixture.js';
import { createTestStoreConfig, type TestStoreConfig } from '../../helpers/store-fixture.js';
import { probeNew, startTrustGateway } from '../../helpers/trust-gateway.js';
import { issueLeaf, prepareRegion, publishRegionCrl, revokeLeaf, type Leaf, type Region } from '../../helpers/trust-pki.js';
import { loadPersonsProtection } from '../../../src/persons/persons-protection.js';

let dir: string;
let cityStore: TestStoreConfig;
let countyStore: TestStoreConfig;
let region: Region;
let city: Gateway;
let county: Gateway;
let cityPort: number;
const leaves: Record<string, Leaf> = {};
const own = { certFile: '', keyFile: '' };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-trust-sender-'));
  cityStore = await createTestStoreConfig();
  countyStore = await createTestStoreConfig();
  region = await prepareRegion(cityStore, { nodeId: 'city', partners: ['county-a'] }, async (r) => {
    leaves.city = await issueLeaf(r, 'city');
    leaves.a1 = await issueLeaf(r, 'county-a', { name: 'a1' });
    leaves.a2 = await issueLeaf(r, 'county-a', { name: 'a2' });
    await publishRegionCrl(r);
  });
  own.certFile = path.join(dir, 'county-a.crt');
  own.keyFile = path.join(dir, 'county-a.key');
  fs.copyFileSync(leaves.a1!.certFile, own.certFile);
  fs.copyFileSync(leaves.a1!.keyFile, own.keyFile);
  cityPort = await freePort();
  city = await startTrustGateway({ id: 'city', port: cityPort, store: cityStore, dir, tls: leaves.city!, partners: [{ id: 'county-a', kind: 'child_county' }] });
  region.store = city.store;
  county = await startTrustGateway({
    id: 'county-a',
    port: await freePort(),
    store: countyStore,
    dir,
    tls: { caFile: region.caFile, ...own },
    partners: [{ id: 'city', kind: 'parent_city', push: true, endpoint: `127.0.0.1:${cityPort}` }],
  });
});

afterAll(async () => {
  await county?.stop();
  await city?.stop();
  await countyStore?.cleanup();
  await cityStore?.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
  if (region) fs.rmSync(region.dir, { recursive: true, force: true });
});

const recordsAtCity = async () =>
  Number((await city.store.query<{ n: string }>(`SELECT count(*) AS n FROM records WHERE origin_id = 'county-a'`)).rows[0]!.n);

async function importAtCounty(from: number, count: number): Promise<void> {
  const writer = new ChunkWriter(county.store, ['city'], loadPersonsProtection(county.config.persons));
  for (const record of generateRecords({ originId: 'county-a', count: from + count }).slice(from)) await writer.add(record);
  await writer.flush();
  county.notifyOutbox();
}

describe('replacing a sender’s own certificate', () => {
  it('new connections of the sender use the new certificate', async () => {
    await importAtCounty(0, 5);
    await waitFor(async () => (await recordsAtCity()) === 5, 20_000, 'the first records at the city');

    fs.writeFileSync(own.keyFile, fs.readFileSync(leaves.a2!.keyFile));
    fs.writeFileSync(own.certFile, fs.readFileSync(leaves.a2!.certFile));
    await new Promise((r) => setTimeout(r, 2_500)); // a refresh of the county reads the new pair
    await revokeLeaf(region, leaves.a1!.serial);
    // The city applied it: the old certificate is refused at the handshake (and its calls were cut).
    await waitFor(async () => (await probeNew(leaves.a1!, 'city', cityPort)) !== 'admitted', 5_000, 'the city to refuse the old certificate');

    await importAtCounty(5, 5);
    await waitFor(async () => (await recordsAtCity()) === 10, 20_000, 'the records imported after the revocation at the city');
    expect(await recordsAtCity()).toBe(10);
  });
});
