// Two city gateway replicas on one PostgreSQL database: a certificate revoked
// through the CA (as `credfed cert revoke` does, on the administrator's own
// connection) is applied by both within 5 s — the stream made with it on
// each replica ends with UNAUTHENTICATED / PEER_CUT_OFF, a new call on each
// channel is refused, and new handshakes fail.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleRecord } from '../../../src/sample/sample-records.js';
import { openStore, type Store } from '../../../src/store/store.js';
import { freePort } from '../../helpers/federation-fixture.js';
import { pushBatches } from '../../helpers/push-call.js';
import { createTestStoreConfig, type TestStoreConfig } from '../../helpers/store-fixture.js';
import { HANDSHAKE_REFUSED, clientWith, probeNew, startTrustGateway } from '../../helpers/trust-gateway.js';
import { initRegion, issueLeaf, publishRegionCrl, registerPartners, revokeLeaf, type Leaf, type Region } from '../../helpers/trust-pki.js';
import { endingsOf, openPushOnEach, stopReplicas, type Replica } from '../partners/replica-streams.js';

const DEADLINE_MS = 5_000;

describe.runIf(process.env.DATABASE_URL)('two city replicas on one PostgreSQL', () => {
  let dir: string;
  let cityStore: TestStoreConfig;
  let admin: Store;
  let region: Region;
  let leafA: Leaf;
  const replicas: Replica[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-trust-replicas-'));
    cityStore = await createTestStoreConfig();
    // The administrator's own connection, as the CLI would open it.
    admin = await openStore({ databaseUrl: cityStore.databaseUrl });
    await registerPartners(admin, ['county-a']);
    region = await initRegion(admin, { nodeId: 'city' });
    const cityLeaf = await issueLeaf(region, 'city');
    leafA = await issueLeaf(region, 'county-a');
    await publishRegionCrl(region);
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const gateway = await startTrustGateway({
        id: 'city',
        port,
        store: cityStore,
        dir,
        tls: cityLeaf,
        partners: [{ id: 'county-a', kind: 'child_county' }],
      });
      replicas.push({ gateway, port });
    }
  });

  afterAll(async () => {
    await stopReplicas(replicas);
    await admin?.close();
    await cityStore?.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
    if (region) fs.rmSync(region.dir, { recursive: true, force: true });
  });

  it('each replica cuts a revoked certificate within 5 s', async () => {
    const streams = await openPushOnEach(replicas, (port) => clientWith(leafA, 'city', port));

    await revokeLeaf(region, leafA.serial);

    // One deadline for both: they apply the change independently.
    const ended = await endingsOf(streams, DEADLINE_MS);
    for (const e of ended) expect(e).toMatchObject({ code: grpc.status.UNAUTHENTICATED, reason: 'PEER_CUT_OFF' });
    for (const r of replicas) {
      const out = await pushBatches(r.client!, [[{ seq: 1, record: sampleRecord('county-a', '210112', 1) }]], DEADLINE_MS);
      // Refused on the old connection by the per-call check, or at the handshake once the gateway closed it.
      const refused = (out.error?.code === grpc.status.UNAUTHENTICATED && out.error.reason === 'CERT_REVOKED') || out.error?.code === grpc.status.UNAVAILABLE;
      expect(refused, JSON.stringify(out.error)).toBe(true);
      expect(await probeNew(leafA, 'city', r.port)).toMatchObject(HANDSHAKE_REFUSED);
    }
  });
});
