// The audit entry of a query is durable before its answer is sent: a gateway
// (a real `credfed serve` process) killed with SIGKILL right after answering
// QueryRecords still has the entry when its store is opened again.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEntries } from '../../../src/audit/audit-entries.js';
import { verifyAudit } from '../../../src/audit/audit-verify.js';
import { sealKeyFrom } from '../../../src/core/persons/seal.js';
import { Purpose } from '../../../src/gen/credfed/v1/agreement.js';
import type { QueryRecordsResponse } from '../../../src/gen/credfed/v1/federation.js';
import { ChunkWriter } from '../../../src/importer/chunk-writer.js';
import { openStore } from '../../../src/store/store.js';
import { enterprise, recordOf } from '../../helpers/agreement-records.js';
import { createPki, federationClientAs, freePort, spawnGateway, writeNodeConfig, type Pki } from '../../helpers/federation-fixture.js';
import { newUscc } from '../../helpers/id-codes.js';
import { TEST_PSEUDONYM_KEY } from '../../helpers/person-keys.js';
import { createTestStoreConfig, type TestStoreConfig } from '../../helpers/store-fixture.js';

const USCC = newUscc();
let pki: Pki;
let dir: string;
let storeConfig: TestStoreConfig;

beforeAll(async () => {
  pki = await createPki(['city', 'city-b']);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-audit-kill-'));
  storeConfig = await createTestStoreConfig();
  const s = await openStore({ dataDir: storeConfig.dataDir, databaseUrl: storeConfig.databaseUrl });
  try {
    const writer = new ChunkWriter(s, [], { policy: { keys: [TEST_PSEUDONYM_KEY] }, storage: 'encrypted', sealKey: sealKeyFrom(Buffer.alloc(32, 1)) });
    await writer.add(recordOf(enterprise('沈阳示例科技有限公司', USCC), { origin: 'city', id: 'k1', kind: 'penalty' }));
    await writer.flush();
  } finally {
    await s.close();
  }
});

afterAll(async () => {
  await storeConfig?.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(pki.dir, { recursive: true, force: true });
});

describe('an audit entry survives SIGKILL right after the answer', () => {
  it('finds the QueryRecords entry, and the chain verifies', async () => {
    const port = await freePort();
    const file = writeNodeConfig(pki, dir, { id: 'city', port, store: storeConfig, partners: [{ id: 'city-b', kind: 'peer_region' }] });
    const gateway = await spawnGateway(file);
    const client = await federationClientAs(pki.certs.nodes['city-b']!, 'city', port);
    try {
      const answer = await new Promise<QueryRecordsResponse>((resolve, reject) =>
        client.queryRecords(
          { identifier: USCC, scheme: 0, purpose: Purpose.PURPOSE_FINANCING, reference: 'loan 77', pageSize: 0, pageToken: '' },
          (e: grpc.ServiceError | null, res?: QueryRecordsResponse) => {
            // Killed in the very callback that delivers the answer.
            gateway.process.kill('SIGKILL');
            if (e) reject(e);
            else resolve(res!);
          },
        ),
      );
      expect(answer.records.map((r) => r.recordId)).toEqual(['k1']);
    } finally {
      client.close();
      await gateway.kill('SIGKILL');
    }
    const s = await openStore({ dataDir: storeConfig.dataDir, databaseUrl: storeConfig.databaseUrl });
    try {
      const { items } = await listEntries(s, { partner: 'city-b' }, { size: 100 });
      expect(items).toEqual([expect.objectContaining({ method: 'Federation/QueryRecords', decision: 'allow', purpose: 'financing', reference: 'loan 77', subject: USCC, recordsReturned: 1 })]);
      expect((await verifyAudit(s)).problems).toEqual([]);
    } finally {
      await s.close();
    }
  });
});
