// Data-sharing agreements on the Admin service through real mutual TLS:
// PutAgreement (every problem listed, nothing stored on a refusal; drafts;
// dry runs), GetAgreement by id and by partner, ListAgreementHistory,
// DiffAgreement, ActivateAgreement (rollback, overlap refused); a partner
// certificate may not call.
import fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminClient } from '../../../src/gen/credfed/v1/admin.js';
import type { Gateway } from '../../../src/server/gateway.js';
import { createTestStoreConfig, type TestStoreConfig } from '../../helpers/store-fixture.js';
import { adminClient, call, createAdminPki, refusal, startAdminGateway, type AdminPki } from './admin-fixture.js';

const DOC = {
  agreement: 'region-b',
  parties: { partners: ['region-b'] },
  valid: { from: '2026-01-01', until: '2027-12-31' },
  directions: ['query'],
  categories: ['dishonesty_list', 'dishonest_debtor'],
  disclosure: ['public'],
  purposes: ['bidding_review'],
};

let store: TestStoreConfig;
let pki: AdminPki;
let gateway: Gateway | undefined;
let ops: AdminClient;
let countyA: AdminClient;

beforeAll(async () => {
  store = await createTestStoreConfig();
  pki = await createAdminPki(store);
  let port: number;
  ({ gateway, port } = await startAdminGateway(pki, store, { passphrase: false }));
  ops = await adminClient(pki, 'ops', port);
  countyA = await adminClient(pki, 'county-a', port);
  await call(ops, ops.addPartner, { partnerId: 'region-b', displayName: '本溪市', kind: 'peer_region', endpoint: '', reason: '' });
}, 180_000);

afterAll(async () => {
  ops?.close();
  countyA?.close();
  await gateway?.stop();
  await store?.cleanup();
  if (pki) fs.rmSync(pki.dir, { recursive: true, force: true });
});

const put = (doc: unknown, flags: { draft?: boolean; dryRun?: boolean } = {}) =>
  call(ops, ops.putAgreement, { document: typeof doc === 'string' ? doc : YAML.stringify(doc), draft: flags.draft ?? false, dryRun: flags.dryRun ?? false });

describe('agreements on the Admin service', () => {
  it('refuses a document with every problem in the message, storing nothing', async () => {
    const e = await put({ ...DOC, parties: { partners: ['region-b', 'ghost'] }, purposes: ['gossip'], disclosure: [] }).catch((x: grpc.ServiceError) => x);
    expect((e as grpc.ServiceError).code).toBe(grpc.status.INVALID_ARGUMENT);
    const details = (e as grpc.ServiceError).details;
    for (const p of ['unknown partner "ghost"', 'purposes[0]', 'disclosure: must not be empty']) expect(details).toContain(p);
    expect(await refusal(call(ops, ops.getAgreement, { agreementId: 'region-b', partnerId: '', version: 0 }))).toEqual({ code: grpc.status.NOT_FOUND, reason: 'AGREEMENT_NOT_FOUND' });
  });

  it('validates without storing on a dry run', async () => {
    const dry = await put(DOC, { dryRun: true });
    expect(dry.agreement).toMatchObject({ agreementId: 'region-b', version: 0 });
    expect(await refusal(call(ops, ops.listAgreementHistory, { agreementId: 'region-b', pageSize: 0, pageToken: '' }))).toMatchObject({ reason: 'AGREEMENT_NOT_FOUND' });
  });

  it('puts, drafts, activates, rolls back, diffs and lists, with the admin as actor', async () => {
    const v1 = await put(DOC);
    expect(v1.agreement).toMatchObject({ agreementId: 'region-b', version: 1, state: 'active', partners: ['region-b'], createdBy: 'admin/ops', activatedBy: 'admin/ops' });
    const v2 = await put({ ...DOC, purposes: ['bidding_review', 'financing'], quotas: { perMinute: 60 } }, { draft: true });
    expect(v2.agreement).toMatchObject({ version: 2, state: 'draft', activatedBy: '' });
    const byPartner = await call(ops, ops.getAgreement, { agreementId: '', partnerId: 'region-b', version: 0 });
    expect(byPartner.agreement).toMatchObject({ version: 1, state: 'active' });
    expect(byPartner.agreement!.document).toBe(YAML.stringify(DOC));

    const diff = await call(ops, ops.diffAgreement, { agreementId: 'region-b', fromVersion: 0, toVersion: 0 });
    expect(diff).toMatchObject({ fromVersion: 1, toVersion: 2 });
    expect(diff.changes).toEqual([
      { path: 'purposes', before: '["bidding_review"]', after: '["bidding_review","financing"]' },
      { path: 'quotas.perMinute', before: '', after: '60' },
    ]);

    await call(ops, ops.activateAgreement, { agreementId: 'region-b', version: 2 });
    await call(ops, ops.activateAgreement, { agreementId: 'region-b', version: 1 });
    const history = await call(ops, ops.listAgreementHistory, { agreementId: 'region-b', pageSize: 1, pageToken: '' });
    expect(history.versions.map((v) => [v.version, v.state])).toEqual([[2, 'superseded']]);
    const rest = await call(ops, ops.listAgreementHistory, { agreementId: 'region-b', pageSize: 1, pageToken: history.nextPageToken });
    expect(rest.versions.map((v) => [v.version, v.state])).toEqual([[1, 'active']]);
  });

  it('refuses activating a version whose partner another active agreement governs', async () => {
    await put({ ...DOC, agreement: 'region-b-bis' }, { draft: true });
    expect(await refusal(call(ops, ops.activateAgreement, { agreementId: 'region-b-bis', version: 1 }))).toEqual({ code: grpc.status.FAILED_PRECONDITION, reason: 'AGREEMENT_CONFLICT' });
    expect(await refusal(call(ops, ops.activateAgreement, { agreementId: 'region-b', version: 7 }))).toEqual({ code: grpc.status.NOT_FOUND, reason: 'AGREEMENT_NOT_FOUND' });
  });

  it('refuses a partner certificate', async () => {
    expect(await refusal(call(countyA, countyA.putAgreement, { document: YAML.stringify(DOC), draft: false, dryRun: false }))).toMatchObject({ code: grpc.status.PERMISSION_DENIED, reason: 'PEER_NOT_ALLOWED' });
  });
});
