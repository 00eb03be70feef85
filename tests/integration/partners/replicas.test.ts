// Two city gateway replicas on one PostgreSQL database: a suspension written
// to the registry (as `credfed partner suspend` does) is applied by both
// within 5 s — the partner's stream on each ends with UNAUTHENTICATED and a
// new call to each is refused — and a resume by both as well.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleRecord } from '../../../src/sample/sample-records.js';
import { setPartnerStatus } from '../../../src/store/repos/partners-repo.js';
import { openStore, type Store } from '../../../src/store/store.js';
import { createPki, federationClientAs, freePort, startInProcess, waitFor, writeNodeConfig, type Pki } from '../../helpers/federation-fixture.js';
import { pushBatches } from '../../helpers/push-call.js';
import { createTestStoreConfig, type TestStoreConfig } from '../../helpers/store-fixture.js';
import { endingsOf, openPushOnEach, stopReplicas, type Replica } from './replica-streams.js';

const DEADLINE_MS = 5_000;

describe.runIf(process.env.DATABASE_URL)('two city replicas on one PostgreSQL', () => {
  let pki: Pki;
  let dir: string;
  let cityStore: TestStoreConfig;
  let admin: Store;
  const replicas: Replica[] = [];

  beforeAll(async () => {
    pki = await createPki(['city', 'county-a']);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-replicas-'));
    cityStore = await createTestStoreConfig();
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const file = writeNodeConfig(pki, dir, { id: 'city', port, store: cityStore, partners: [{ id: 'county-a', kind: 'child_county' }] });
      replicas.push({ gateway: await startInProcess(file), port });
    }
    // The administrator's own connection, as the CLI would open it.
    admin = await openStore({ databaseUrl: cityStore.databaseUrl });
  });

  afterAll(async () => {
    await stopReplicas(replicas);
    await admin?.close();
    await cityStore?.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(pki.dir, { recursive: true, force: true });
  });

  it('each replica applies a suspension and a resume within 5 s', async () => {
    const streams = await openPushOnEach(replicas, (port) => federationClientAs(pki.certs.nodes['county-a']!, 'city', port));
    expect((await streams[0]!.sendAndAck([{ seq: 1, record: sampleRecord('county-a', '210112', 1) }])).accepted).toBe(1);

    await setPartnerStatus(admin, 'county-a', 'suspended', { actor: 'cli:ops' });

    // One deadline for both: they apply the change independently.
    const ended = await endingsOf(streams, DEADLINE_MS);
    for (const e of ended) expect(e).toMatchObject({ code: grpc.status.UNAUTHENTICATED, reason: 'PEER_CUT_OFF' });
    for (const r of replicas) {
      const out = await pushBatches(r.client!, [[{ seq: 2, record: sampleRecord('county-a', '210112', 2) }]], DEADLINE_MS);
      expect(out.error).toMatchObject({ code: grpc.status.PERMISSION_DENIED, reason: 'PEER_NOT_ALLOWED' });
    }

    await setPartnerStatus(admin, 'county-a', 'active', { actor: 'cli:ops' });
    const accepted = await Promise.all(
      replicas.map((r, i) =>
        waitFor(
          async () => {
            const res = await pushBatches(r.client!, [[{ seq: 2 + i, record: sampleRecord('county-a', '210112', 2 + i) }]], DEADLINE_MS);
            return res.error ? undefined : res;
          },
          DEADLINE_MS,
          `replica ${i} to accept the resumed partner`,
        ),
      ),
    );
    for (const out of accepted) expect(out!.acks).toHaveLength(1);
  });
});
