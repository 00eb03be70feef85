// Two replicas of the city's gateway on one PostgreSQL: a verdict cached by
// one replica is never served once another replica has stored a change to
// the subject's records (the cache is checked against the records' state on
// every call, not against what this process wrote).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Purpose } from '../../../src/gen/credfed/v1/agreement.js';
import type { FederationClient, RecognizeResponse } from '../../../src/gen/credfed/v1/federation.js';
import { CreditLevel, type SignedVerdict } from '../../../src/gen/credfed/v1/verdict.js';
import { ChunkWriter } from '../../../src/importer/chunk-writer.js';
import { loadPersonsProtection } from '../../../src/persons/persons-protection.js';
import type { Gateway } from '../../../src/server/gateway.js';
import { enterprise, recordOf } from '../../helpers/agreement-records.js';
import { createPki, federationClientAs, freePort, startInProcess, writeNodeConfig, type Pki } from '../../helpers/federation-fixture.js';
import { newUscc } from '../../helpers/id-codes.js';
import { createTestStoreConfig, type TestStoreConfig } from '../../helpers/store-fixture.js';

const onPostgres = Boolean(process.env.DATABASE_URL);
const FIRM = newUscc();

describe.runIf(onPostgres)('verdict cache on two replicas (PostgreSQL)', () => {
  let pki: Pki;
  let dir: string;
  let storeConfig: TestStoreConfig;
  const gateways: Gateway[] = [];
  const clients: FederationClient[] = [];

  beforeAll(async () => {
    pki = await createPki(['city', 'city-b'], { verdictSigners: ['city'] });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-replica-cache-'));
    storeConfig = await createTestStoreConfig();
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      gateways.push(await startInProcess(writeNodeConfig(pki, dir, { id: 'city', port, store: storeConfig, partners: [{ id: 'city-b', kind: 'peer_region' }] })));
      clients.push(await federationClientAs(pki.certs.nodes['city-b']!, 'city', port));
    }
  }, 120_000);
  afterAll(async () => {
    clients.forEach((c) => c.close());
    for (const g of gateways) await g.stop();
    await storeConfig?.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const recognize = (client: FederationClient) =>
    new Promise<SignedVerdict>((resolve, reject) =>
      client.recognize({ subject: { identifier: FIRM, scheme: 0 }, purpose: Purpose.PURPOSE_BIDDING_REVIEW, reference: '' }, (e: grpc.ServiceError | null, r?: RecognizeResponse) =>
        e ? reject(e) : resolve(r!.verdict!),
      ),
    );

  it("a record stored through one replica changes the other replica's next verdict", async () => {
    const firm = enterprise('沈阳示例制造有限公司', FIRM);
    const importAt = async (g: Gateway, record: ReturnType<typeof recordOf>) => {
      const writer = new ChunkWriter(g.store, [], loadPersonsProtection(g.config.persons));
      expect(await writer.add(record)).toBeUndefined();
      await writer.flush();
    };
    await importAt(gateways[0]!, recordOf(firm, { origin: 'city', id: 'p-1', kind: 'penalty' }));
    const first = await recognize(clients[1]!);
    expect(first.verdict!.level).toBe(CreditLevel.CREDIT_LEVEL_NORMAL);
    expect((await recognize(clients[1]!)).verdict!.verdictId).toBe(first.verdict!.verdictId); // cached

    await importAt(gateways[0]!, recordOf(firm, { origin: 'city', id: 'd-1', kind: 'dishonesty' }));
    const after = await recognize(clients[1]!);
    expect(after.verdict!.verdictId).not.toBe(first.verdict!.verdictId);
    expect(after.verdict!.level).toBe(CreditLevel.CREDIT_LEVEL_DISHONEST);
    expect(after.verdict!.basis.map((b) => b.recordId).sort()).toEqual(['d-1', 'p-1']);
  });
});
