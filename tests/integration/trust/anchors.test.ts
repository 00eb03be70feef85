// Cross-region trust on a running city gateway: neighbouring regions B and C
// each run their own CA (a second and third store), all three CAs with the
// same subject name. Each foreign CA is bound to one partner by its key
// (importTrustAnchor). Foreign anchors are trusted only once the city has a
// CRL of its own, and only while their own CRL is current (gateway clock):
// a stale CRL refuses that region alone — its open stream is cut, new
// handshakes fail, the gauge says 0 — while C and our own partners carry on.
// A leaf of the wrong CA for its partner is refused on every call.
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FederationClient } from '../../../src/gen/credfed/v1/federation.js';
import { sampleRecord } from '../../../src/sample/sample-records.js';
import type { Gateway } from '../../../src/server/gateway.js';
import { openStore, type Store } from '../../../src/store/store.js';
import { importAnchorCrl } from '../../../src/trust/import-crl.js';
import { importTrustAnchor } from '../../../src/trust/import-anchor.js';
import { freePort, waitFor } from '../../helpers/federation-fixture.js';
import { createTestStoreConfig, type TestStoreConfig } from '../../helpers/store-fixture.js';
import { HANDSHAKE_REFUSED, clientWith, probe, probeNew, startTrustGateway } from '../../helpers/trust-gateway.js';
import { initRegion, issueLeaf, publishRegionCrl, registerPartners, type Leaf, type Region } from '../../helpers/trust-pki.js';
import { openPush } from '../partners/open-push.js';

const DEADLINE_MS = 5_000;
const HOUR = 3_600_000;
const by = { actor: 'test:ops' };

let dir: string;
const stores: TestStoreConfig[] = [];
const regions: Region[] = [];
let cityRegion: Region;
let bStore: Store;
let bRegion: Region;
let city: Gateway;
let port: number;
let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };
const leaves: Record<string, Leaf> = {};
const clients: FederationClient[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-trust-anchors-'));
  const [cityCfg, bCfg, cCfg] = [await createTestStoreConfig(), await createTestStoreConfig(), await createTestStoreConfig()];
  stores.push(cityCfg, bCfg, cCfg);

  const cityStore = await openStore(cityCfg);
  cityRegion = await initRegion(cityStore, { nodeId: 'city' });
  await registerPartners(cityStore, ['county-a', 'region-b', 'region-c']);
  leaves.city = await issueLeaf(cityRegion, 'city');
  leaves.countyA = await issueLeaf(cityRegion, 'county-a');

  // Region B: its CA's CRL is valid one hour only.
  bStore = await openStore(bCfg);
  bRegion = await initRegion(bStore, { nodeId: 'region-b' });
  await registerPartners(bStore, ['region-c', 'county-a']);
  leaves.b = await issueLeaf(bRegion, 'region-b', { trustFile: cityRegion.caFile });
  leaves.bNamingC = await issueLeaf(bRegion, 'region-c', { trustFile: cityRegion.caFile, name: 'b-naming-c' });
  leaves.bNamingA = await issueLeaf(bRegion, 'county-a', { trustFile: cityRegion.caFile, name: 'b-naming-a' });
  const bCrl = await publishRegionCrl(bRegion, { validMs: HOUR });

  // Region C: same CA subject name, another key.
  const cStore = await openStore(cCfg);
  const cRegion = await initRegion(cStore, { nodeId: 'region-c' });
  await registerPartners(cStore, ['region-b']);
  leaves.c = await issueLeaf(cRegion, 'region-c', { trustFile: cityRegion.caFile });
  leaves.cNamingB = await issueLeaf(cRegion, 'region-b', { trustFile: cityRegion.caFile, name: 'c-naming-b' });
  const cCrl = await publishRegionCrl(cRegion);
  await cStore.close();
  regions.push(cityRegion, bRegion, cRegion);
  expect(new Set(regions.map((r) => new X509Certificate(r.caPem).subject)).size).toBe(1);

  await importTrustAnchor(cityStore, { partnerId: 'region-b', caPem: bRegion.caPem, crlPem: bCrl.pem, by, clock });
  await importTrustAnchor(cityStore, { partnerId: 'region-c', caPem: cRegion.caPem, crlPem: cCrl.pem, by, clock });
  await cityStore.close();

  port = await freePort();
  city = await startTrustGateway(
    {
      id: 'city',
      port,
      store: cityCfg,
      dir,
      tls: leaves.city!,
      partners: [
        { id: 'county-a', kind: 'child_county' },
        { id: 'region-b', kind: 'peer_region' },
        { id: 'region-c', kind: 'peer_region' },
      ],
    },
    { clock },
  );
  cityRegion.store = city.store;
});

afterAll(async () => {
  clients.forEach((c) => c.close());
  await city?.stop();
  await bStore?.close();
  for (const s of stores) await s.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
  for (const r of regions) fs.rmSync(r.dir, { recursive: true, force: true });
});

async function anchorGauge(partner: string): Promise<number | undefined> {
  const metric = await city.metrics.getSingleMetric('credfed_trust_anchor_crl_current')!.get();
  return metric.values.find((v) => v.labels.partner === partner)?.value;
}

async function clientAs(leaf: Leaf): Promise<FederationClient> {
  const client = await clientWith(leaf, 'city', port);
  clients.push(client);
  return client;
}

describe('foreign trust anchors', () => {
  it('are not trusted while the city has no CRL of its own; our own partners are', async () => {
    expect(await probeNew(leaves.countyA!, 'city', port)).toBe('admitted');
    expect(await probeNew(leaves.b!, 'city', port)).toMatchObject(HANDSHAKE_REFUSED);
    expect(await anchorGauge('region-b')).toBe(0);
  });

  it('are trusted within 5 s of the city publishing its CRL', async () => {
    await publishRegionCrl(cityRegion);
    await waitFor(async () => (await probeNew(leaves.b!, 'city', port)) === 'admitted', DEADLINE_MS, 'region B to be admitted');
    expect(await probeNew(leaves.c!, 'city', port)).toBe('admitted');
    expect(await probeNew(leaves.countyA!, 'city', port)).toBe('admitted');
    expect(await anchorGauge('region-b')).toBe(1);
    expect(await anchorGauge('region-c')).toBe(1);
  });

  it('a leaf is accepted only from the CA bound to its partner (same CA subject name, another key: refused)', async () => {
    // C's CA is trusted (for region-c), so the handshake passes; the per-call binding check refuses.
    expect(await probeNew(leaves.cNamingB!, 'city', port)).toMatchObject({ code: grpc.status.UNAUTHENTICATED, reason: 'TRUST_ANCHOR_MISMATCH' });
    // A certificate from region B's CA naming region C, or naming one of our own partners.
    expect(await probeNew(leaves.bNamingC!, 'city', port)).toMatchObject({ code: grpc.status.UNAUTHENTICATED, reason: 'TRUST_ANCHOR_MISMATCH' });
    expect(await probeNew(leaves.bNamingA!, 'city', port)).toMatchObject({ code: grpc.status.UNAUTHENTICATED, reason: 'TRUST_ANCHOR_MISMATCH' });
  });

  it('a stale foreign CRL refuses only that region: its stream is cut, new handshakes fail; others carry on; a fresh CRL restores it', async () => {
    const streamB = openPush(await clientAs(leaves.b!));
    const streamC = openPush(await clientAs(leaves.c!));
    const streamA = openPush(await clientAs(leaves.countyA!));
    for (const s of [streamB, streamC, streamA]) await s.resumeSeq();

    offsetMs = 2 * HOUR; // past B's CRL nextUpdate (1 h), well before ours and C's (7 days)

    const ended = await waitFor(() => streamB.ended(), DEADLINE_MS, 'region B’s stream to end');
    expect(ended).toMatchObject({ code: grpc.status.UNAUTHENTICATED, reason: 'PEER_CUT_OFF' });
    expect(await probeNew(leaves.b!, 'city', port)).toMatchObject(HANDSHAKE_REFUSED);
    expect(await anchorGauge('region-b')).toBe(0);
    expect(await anchorGauge('region-c')).toBe(1);
    expect(streamC.ended()).toBeUndefined();
    expect(streamA.ended()).toBeUndefined();
    expect((await streamC.sendAndAck([{ seq: 1, record: sampleRecord('region-c', '210112', 1) }])).accepted).toBe(1);
    expect((await streamA.sendAndAck([{ seq: 1, record: sampleRecord('county-a', '210112', 1) }])).accepted).toBe(1);
    expect(await probeNew(leaves.c!, 'city', port)).toBe('admitted');

    // Region B publishes a fresh CRL (valid a day) and the city imports it: B is trusted again within 5 s.
    const fresh = await publishRegionCrl(bRegion, { validMs: 24 * HOUR });
    await importAnchorCrl(city.store, { partnerId: 'region-b', crlPem: fresh.pem, by, clock });
    await waitFor(async () => (await probeNew(leaves.b!, 'city', port)) === 'admitted', DEADLINE_MS, 'region B to be admitted again');
    expect(await anchorGauge('region-b')).toBe(1);
    streamA.close();
    streamC.close();
  });
});
