// Revoking a certificate while the city's gateway runs (CA in its store,
// trust material re-read every 2 s): the partner's open stream made with it
// ends with UNAUTHENTICATED / PEER_CUT_OFF within 5 s, its next call on the
// same channel is refused (CERT_REVOKED) and its connection is closed, while
// the same partner's connection with its renewed certificate and another
// partner's stream keep working. Replacing the gateway's own certificate
// files reloads them for new handshakes without disturbing open streams; an
// unusable replacement keeps the last good material.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FederationClient } from '../../../src/gen/credfed/v1/federation.js';
import { sampleRecord } from '../../../src/sample/sample-records.js';
import type { Gateway } from '../../../src/server/gateway.js';
import { freePort, waitFor } from '../../helpers/federation-fixture.js';
import { pushBatches } from '../../helpers/push-call.js';
import { createTestStoreConfig, type TestStoreConfig } from '../../helpers/store-fixture.js';
import { serverSerial } from '../../helpers/tls-probe.js';
import { clientWith, probe, startTrustGateway } from '../../helpers/trust-gateway.js';
import { issueLeaf, prepareRegion, publishRegionCrl, revokeLeaf, type Leaf, type Region } from '../../helpers/trust-pki.js';
import { openPush } from '../partners/open-push.js';

const DEADLINE_MS = 5_000;

let dir: string;
let cityStore: TestStoreConfig;
let region: Region;
let city: Gateway;
let port: number;
const leaves: Record<string, Leaf> = {};
const clients: FederationClient[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-trust-revoke-'));
  cityStore = await createTestStoreConfig();
  region = await prepareRegion(cityStore, { nodeId: 'city', partners: ['county-a', 'county-b'] }, async (r) => {
    leaves.city = await issueLeaf(r, 'city');
    leaves.a1 = await issueLeaf(r, 'county-a', { name: 'a1' });
    leaves.a2 = await issueLeaf(r, 'county-a', { name: 'a2' });
    leaves.b = await issueLeaf(r, 'county-b');
    leaves.city2 = await issueLeaf(r, 'city', { name: 'city2' });
    await publishRegionCrl(r);
  });
  // The gateway's own files live at fixed paths so the test can replace their contents.
  const own = { caFile: region.caFile, certFile: path.join(dir, 'city.crt'), keyFile: path.join(dir, 'city.key') };
  fs.copyFileSync(leaves.city!.certFile, own.certFile);
  fs.copyFileSync(leaves.city!.keyFile, own.keyFile);
  port = await freePort();
  city = await startTrustGateway({
    id: 'city',
    port,
    store: cityStore,
    dir,
    tls: own,
    partners: [
      { id: 'county-a', kind: 'child_county' },
      { id: 'county-b', kind: 'child_county' },
    ],
  });
  region.store = city.store;
});

afterAll(async () => {
  clients.forEach((c) => c.close());
  await city?.stop();
  await cityStore?.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
  if (region) fs.rmSync(region.dir, { recursive: true, force: true });
});

async function clientAs(leaf: Leaf): Promise<FederationClient> {
  const client = await clientWith(leaf, 'city', port);
  clients.push(client);
  return client;
}

const batch = (origin: string, division: string, seq: number) => [{ seq, record: sampleRecord(origin, division, seq) }];

describe('revocation and reload while streams are open', () => {
  let clientB: FederationClient;
  let streamB: ReturnType<typeof openPush>;

  it('a revoked certificate: its stream is cut, its next call on the channel refused, its connection closed; the renewed one and other partners carry on', async () => {
    const clientA1 = await clientAs(leaves.a1!);
    const clientA2 = await clientAs(leaves.a2!);
    clientB = await clientAs(leaves.b!);
    expect(await probe(clientA2)).toBe('admitted'); // county-a's connection with its renewed certificate
    const streamA1 = openPush(clientA1);
    streamB = openPush(clientB);
    expect(await streamA1.resumeSeq()).toBe(0);
    expect(await streamB.resumeSeq()).toBe(0);
    expect((await streamA1.sendAndAck(batch('county-a', '210112', 1))).accepted).toBe(1);
    expect((await streamB.sendAndAck(batch('county-b', '210124', 1))).accepted).toBe(1);

    await revokeLeaf(region, leaves.a1!.serial);

    const ended = await waitFor(() => streamA1.ended(), DEADLINE_MS, 'the revoked certificate’s stream to end');
    expect(ended).toMatchObject({ code: grpc.status.UNAUTHENTICATED, reason: 'PEER_CUT_OFF' });
    expect((ended as { details: string }).details).toContain('revoked');

    // A new call on the same channel (still on the old connection) is refused by the per-call check.
    const again = await pushBatches(clientA1, [batch('county-a', '210112', 2)], DEADLINE_MS);
    expect(again.error).toMatchObject({ code: grpc.status.UNAUTHENTICATED, reason: 'CERT_REVOKED' });
    expect(again.resumeSeq).toBeUndefined();

    // Its connection is closed; a new one fails the handshake (the CRL lists it).
    await waitFor(() => clientA1.getChannel().getConnectivityState(false) !== grpc.connectivityState.READY, DEADLINE_MS, 'the revoked certificate’s connection to close');
    const onNewConnection = await pushBatches(clientA1, [batch('county-a', '210112', 2)], DEADLINE_MS);
    expect(onNewConnection.error).toMatchObject({ code: grpc.status.UNAVAILABLE });

    // county-a with its other certificate: still connected and admitted; county-b's stream untouched.
    expect(clientA2.getChannel().getConnectivityState(false)).toBe(grpc.connectivityState.READY);
    expect(await probe(clientA2)).toBe('admitted');
    expect(streamB.ended()).toBeUndefined();
    expect((await streamB.sendAndAck(batch('county-b', '210124', 2))).accepted).toBe(1);
    expect(clientB.getChannel().getConnectivityState(false)).toBe(grpc.connectivityState.READY);

    const { rows } = await city.store.query<{ n: string }>(`SELECT count(*) AS n FROM records WHERE origin_id = 'county-a'`);
    expect(Number(rows[0]!.n)).toBe(1);
  });

  it('replacing the gateway’s certificate files reloads them for new handshakes; the open stream keeps running', async () => {
    const own = { certFile: path.join(dir, 'city.crt'), keyFile: path.join(dir, 'city.key') };
    expect(await serverSerial(leaves.b!, port)).toBe(leaves.city!.serial.replace(/^0+/, ''));
    fs.writeFileSync(own.keyFile, fs.readFileSync(leaves.city2!.keyFile));
    fs.writeFileSync(own.certFile, fs.readFileSync(leaves.city2!.certFile));
    await waitFor(async () => (await serverSerial(leaves.b!, port)) === leaves.city2!.serial.replace(/^0+/, ''), DEADLINE_MS, 'new handshakes to present the new certificate');

    expect(streamB.ended()).toBeUndefined();
    expect((await streamB.sendAndAck(batch('county-b', '210124', 3))).accepted).toBe(1);
    expect(clientB.getChannel().getConnectivityState(false)).toBe(grpc.connectivityState.READY);
    expect(await probe(await clientAs(leaves.a2!))).toBe('admitted');
  });

  it('an unusable replacement (a key that does not match, then garbage) keeps the last good material', async () => {
    const own = { certFile: path.join(dir, 'city.crt'), keyFile: path.join(dir, 'city.key') };
    fs.writeFileSync(own.keyFile, fs.readFileSync(leaves.b!.keyFile)); // county-b's key beside city2's certificate
    await new Promise((r) => setTimeout(r, 2_500)); // at least one refresh reads the bad pair
    expect(await serverSerial(leaves.b!, port)).toBe(leaves.city2!.serial.replace(/^0+/, ''));
    fs.writeFileSync(own.certFile, 'not a certificate\n');
    await new Promise((r) => setTimeout(r, 2_500));
    expect(await serverSerial(leaves.b!, port)).toBe(leaves.city2!.serial.replace(/^0+/, ''));
    expect(await probe(await clientAs(leaves.a2!))).toBe('admitted');
    expect((await streamB.sendAndAck(batch('county-b', '210124', 4))).accepted).toBe(1);
    streamB.close();
  });
});
