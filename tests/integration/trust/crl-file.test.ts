// A county gateway that trusts its city's CA (tls.ca) and gets the city's CRL
// as a file (tls.crl), with no CA of its own: CRLs are checked at the
// handshake; replacing the file with a CRL that lists a certificate cuts the
// open stream made with it within 5 s and refuses it from then on, without a
// restart and without disturbing another partner's stream; a replacement
// CRL signed by another CA is refused and the last good one kept.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FederationClient } from '../../../src/gen/credfed/v1/federation.js';
import { sampleRecord } from '../../../src/sample/sample-records.js';
import type { Gateway } from '../../../src/server/gateway.js';
import { openStore, type Store } from '../../../src/store/store.js';
import { freePort, waitFor } from '../../helpers/federation-fixture.js';
import { createTestStoreConfig, type TestStoreConfig } from '../../helpers/store-fixture.js';
import { HANDSHAKE_REFUSED, clientWith, probeNew, startTrustGateway } from '../../helpers/trust-gateway.js';
import { initRegion, issueLeaf, publishRegionCrl, registerPartners, revokeLeaf, type Leaf, type Region } from '../../helpers/trust-pki.js';
import { openPush } from '../partners/open-push.js';

const DEADLINE_MS = 5_000;

let dir: string;
let cityStoreCfg: TestStoreConfig;
let otherStoreCfg: TestStoreConfig;
let countyStoreCfg: TestStoreConfig;
let cityStore: Store;
let cityRegion: Region;
let otherRegion: Region;
let otherStore: Store;
let county: Gateway;
let port: number;
let crlFile: string;
const leaves: Record<string, Leaf> = {};
const clients: FederationClient[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-trust-crlfile-'));
  [cityStoreCfg, otherStoreCfg, countyStoreCfg] = [await createTestStoreConfig(), await createTestStoreConfig(), await createTestStoreConfig()];
  // The city's CA issues the county's certificate and its partners'.
  cityStore = await openStore(cityStoreCfg);
  cityRegion = await initRegion(cityStore, { nodeId: 'city' });
  await registerPartners(cityStore, ['county-a', 'county-b']);
  leaves.county = await issueLeaf(cityRegion, 'county-a');
  leaves.city = await issueLeaf(cityRegion, 'city');
  leaves.b = await issueLeaf(cityRegion, 'county-b');
  crlFile = path.join(dir, 'city.crl');
  fs.writeFileSync(crlFile, (await publishRegionCrl(cityRegion)).pem);
  otherStore = await openStore(otherStoreCfg);
  otherRegion = await initRegion(otherStore, { nodeId: 'elsewhere' });

  port = await freePort();
  county = await startTrustGateway({
    id: 'county-a',
    port,
    store: countyStoreCfg,
    dir,
    tls: { ...leaves.county!, crlFile },
    partners: [
      { id: 'city', kind: 'parent_city', push: false },
      { id: 'county-b', kind: 'child_county' },
    ],
  });
});

afterAll(async () => {
  clients.forEach((c) => c.close());
  await county?.stop();
  await cityStore?.close();
  await otherStore?.close();
  for (const s of [cityStoreCfg, otherStoreCfg, countyStoreCfg]) await s?.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
  for (const r of [cityRegion, otherRegion]) if (r) fs.rmSync(r.dir, { recursive: true, force: true });
});

async function ownCrlGauge(): Promise<number | undefined> {
  return (await county.metrics.getSingleMetric('credfed_own_crl_current')!.get()).values[0]?.value;
}

describe('tls.crl: the CRL of the CA in tls.ca, as a file', () => {
  it('is checked at the handshake and re-read when the file is replaced', async () => {
    expect(await ownCrlGauge()).toBe(1);
    expect(await probeNew(leaves.city!, 'county-a', port)).toBe('admitted');
    const clientB = await clientWith(leaves.b!, 'county-a', port);
    const clientCity = await clientWith(leaves.city!, 'county-a', port);
    clients.push(clientB, clientCity);
    const streamB = openPush(clientB);
    const streamCity = openPush(clientCity);
    await streamB.resumeSeq();
    await streamCity.resumeSeq();

    // The city revokes county-b's certificate and hands the county its new CRL.
    fs.writeFileSync(crlFile, (await revokeLeaf(cityRegion, leaves.b!.serial)).pem);

    const ended = await waitFor(() => streamB.ended(), DEADLINE_MS, 'the revoked certificate’s stream to end');
    expect(ended).toMatchObject({ code: grpc.status.UNAUTHENTICATED, reason: 'PEER_CUT_OFF' });
    expect(await probeNew(leaves.b!, 'county-a', port)).toMatchObject(HANDSHAKE_REFUSED);
    expect(streamCity.ended()).toBeUndefined();
    expect((await streamCity.sendAndAck([{ seq: 1, record: sampleRecord('city', '210100', 1) }])).accepted).toBe(1);
  });

  it('a CRL signed by another CA is refused; the last good one stays loaded', async () => {
    fs.writeFileSync(crlFile, (await publishRegionCrl(otherRegion)).pem);
    await new Promise((r) => setTimeout(r, 2_500)); // at least one refresh reads it
    expect(await probeNew(leaves.b!, 'county-a', port)).toMatchObject(HANDSHAKE_REFUSED);
    expect(await probeNew(leaves.city!, 'county-a', port)).toBe('admitted');
    expect(await ownCrlGauge()).toBe(1);
  });
});
