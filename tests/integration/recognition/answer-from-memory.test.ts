// A partner's Recognize may be answered from memory (no store read) while the
// subject's records are unchanged, resting on a premise that its audit
// entry's commit checks. A change stored meanwhile (here straight into the
// store, as the importer or another replica would) is answered afresh, and
// the audit log holds exactly one entry per call, each describing the answer
// that was sent.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEntries } from '../../../src/audit/audit-entries.js';
import { verifyAudit } from '../../../src/audit/audit-verify.js';
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

const FIRM = newUscc();

describe('a remembered verdict and a change to its subject', () => {
  let pki: Pki;
  let dir: string;
  let storeConfig: TestStoreConfig;
  let gateway: Gateway;
  let client: FederationClient;

  beforeAll(async () => {
    pki = await createPki(['city', 'city-b'], { verdictSigners: ['city'] });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-from-memory-'));
    storeConfig = await createTestStoreConfig();
    const port = await freePort();
    gateway = await startInProcess(writeNodeConfig(pki, dir, { id: 'city', port, store: storeConfig, partners: [{ id: 'city-b', kind: 'peer_region' }] }));
    client = await federationClientAs(pki.certs.nodes['city-b']!, 'city', port);
  }, 120_000);
  afterAll(async () => {
    client?.close();
    await gateway?.stop();
    await storeConfig?.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const recognize = () =>
    new Promise<SignedVerdict>((resolve, reject) =>
      client.recognize({ subject: { identifier: FIRM, scheme: 0 }, purpose: Purpose.PURPOSE_BIDDING_REVIEW, reference: 'tender 7' }, (e: grpc.ServiceError | null, r?: RecognizeResponse) =>
        e ? reject(e) : resolve(r!.verdict!),
      ),
    );
  const store = async (record: ReturnType<typeof recordOf>) => {
    const writer = new ChunkWriter(gateway.store, [], loadPersonsProtection(gateway.config.persons));
    expect(await writer.add(record)).toBeUndefined();
    await writer.flush();
  };

  it('is answered afresh once the records changed, with one audit entry per call describing the answer sent', async () => {
    const firm = enterprise('沈阳示例物流有限公司', FIRM);
    await store(recordOf(firm, { origin: 'city', id: 'p-1', kind: 'penalty' }));
    const first = await recognize();
    expect(first.verdict!.level).toBe(CreditLevel.CREDIT_LEVEL_NORMAL);
    const again = await recognize();
    expect(again.verdict!.verdictId).toBe(first.verdict!.verdictId);

    await store(recordOf(firm, { origin: 'city', id: 'd-1', kind: 'dishonesty' }));
    const changed = await recognize();
    expect(changed.verdict!.verdictId).not.toBe(first.verdict!.verdictId);
    expect(changed.verdict!.level).toBe(CreditLevel.CREDIT_LEVEL_DISHONEST);
    expect(changed.verdict!.basis.map((b) => b.recordId).sort()).toEqual(['d-1', 'p-1']);
    const remembered = await recognize();
    expect(remembered.verdict!.verdictId).toBe(changed.verdict!.verdictId);

    const { items } = await listEntries(gateway.store, { partner: 'city-b' }, { size: 100 });
    const recognized = items.filter((e) => e.method === 'Federation/Recognize');
    expect(recognized.map((e) => [e.decision, e.subject, e.reference, e.recordsReturned])).toEqual([
      ['allow', FIRM, 'tender 7', 1],
      ['allow', FIRM, 'tender 7', 1],
      ['allow', FIRM, 'tender 7', 2],
      ['allow', FIRM, 'tender 7', 2],
    ]);
    expect((await verifyAudit(gateway.store)).problems).toEqual([]);
  });
});
