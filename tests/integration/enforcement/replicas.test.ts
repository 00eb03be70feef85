// Two replicas of the city's gateway on one PostgreSQL: an agreement change
// made through one store connection takes effect on both within 5 s, with
// no restart, and each keeps an audit chain of its own.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putAgreement } from '../../../src/agreements/agreement-admin.js';
import { verifyAudit } from '../../../src/audit/audit-verify.js';
import { Purpose } from '../../../src/gen/credfed/v1/agreement.js';
import type { FederationClient, QueryRecordsResponse } from '../../../src/gen/credfed/v1/federation.js';
import { reasonOf } from '../../../src/grpc/to-grpc-error.js';
import type { Gateway } from '../../../src/server/gateway.js';
import { createPki, federationClientAs, freePort, startInProcess, waitFor, writeNodeConfig, type Pki } from '../../helpers/federation-fixture.js';
import { newUscc } from '../../helpers/id-codes.js';
import { createTestStoreConfig, type TestStoreConfig } from '../../helpers/store-fixture.js';

const onPostgres = Boolean(process.env.DATABASE_URL);
const B = {
  agreement: 'b',
  parties: { partners: ['city-b'] },
  valid: { from: '2020-01-01', until: '2099-12-31' },
  directions: ['query'],
  categories: ['all'],
  disclosure: ['public'],
  purposes: ['bidding_review'],
};

describe.runIf(onPostgres)('agreement changes on two replicas (PostgreSQL)', () => {
  let pki: Pki;
  let dir: string;
  let storeConfig: TestStoreConfig;
  const gateways: Gateway[] = [];
  const clients: FederationClient[] = [];

  beforeAll(async () => {
    pki = await createPki(['city', 'city-b']);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-replicas-'));
    storeConfig = await createTestStoreConfig();
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      gateways.push(await startInProcess(writeNodeConfig(pki, dir, { id: 'city', port, store: storeConfig, partners: [{ id: 'city-b', kind: 'peer_region' }], agreements: [B] })));
      clients.push(await federationClientAs(pki.certs.nodes['city-b']!, 'city', port));
    }
  });
  afterAll(async () => {
    clients.forEach((c) => c.close());
    for (const g of gateways) await g.stop();
    await storeConfig?.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(pki.dir, { recursive: true, force: true });
  });

  const reason = (client: FederationClient, purpose: Purpose) =>
    new Promise<string>((resolve) =>
      client.queryRecords({ identifier: newUscc(), scheme: 0, purpose, reference: '', pageSize: 0, pageToken: '' }, (e: grpc.ServiceError | null, _r?: QueryRecordsResponse) =>
        resolve(e ? (reasonOf(e) ?? String(e.code)) : 'OK'),
      ),
    );

  it('both replicas apply a new version within 5 s', async () => {
    // Allowed (the subject is unknown: the agreement let the call through).
    for (const c of clients) expect(await reason(c, Purpose.PURPOSE_FINANCING)).toBe('PURPOSE_NOT_ALLOWED');
    for (const c of clients) expect(await reason(c, Purpose.PURPOSE_BIDDING_REVIEW)).toBe('SUBJECT_NOT_FOUND');
    await putAgreement(gateways[0]!.store, YAML.stringify({ ...B, purposes: ['financing'] }), { actor: 'cli/test' });
    for (const c of clients) {
      await waitFor(async () => (await reason(c, Purpose.PURPOSE_FINANCING)) === 'SUBJECT_NOT_FOUND', 5_000, 'financing allowed');
      expect(await reason(c, Purpose.PURPOSE_BIDDING_REVIEW)).toBe('PURPOSE_NOT_ALLOWED');
    }
    const report = await verifyAudit(gateways[0]!.store);
    expect(report.problems).toEqual([]);
    expect(report.chains).toBeGreaterThanOrEqual(2);
  });
});
