// Credit repair and revocation at the origin (issue 8, point 3), through real
// gateways over loopback mutual TLS: a county repairs or revokes its own
// record with Admin.ChangeRecordStatus; the new version reaches the city
// through the county's outbox, and the record leaves the city's verdicts and
// QueryRecords answers (asked as the neighbouring city). A city stopped while
// the county revokes receives the revocation when it is back. Refusals
// (another origin, an unknown record, an early repair, a record no longer in
// force, a positive record, a repair without commitment) change nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { shanghaiDate } from '../../../src/core/lifecycle/publicity.js';
import { AdminClient, type ChangeRecordStatusRequest, type ChangeRecordStatusResponse } from '../../../src/gen/credfed/v1/admin.js';
import { Purpose } from '../../../src/gen/credfed/v1/agreement.js';
import type { FederationClient, QueryRecordsResponse, RecognizeResponse } from '../../../src/gen/credfed/v1/federation.js';
import { ObjectionOutcome, RecordStatus, type CreditRecord } from '../../../src/gen/credfed/v1/record.js';
import { CreditLevel, type Verdict } from '../../../src/gen/credfed/v1/verdict.js';
import { ChunkWriter } from '../../../src/importer/chunk-writer.js';
import { createLogger } from '../../../src/obs/logger.js';
import { loadPersonsProtection } from '../../../src/persons/persons-protection.js';
import { clientCredentials } from '../../../src/pki/grpc-credentials.js';
import { loadTlsFiles } from '../../../src/pki/tls-files.js';
import { startGateway, type Gateway } from '../../../src/server/gateway.js';
import { enterprise, recordOf } from '../../helpers/agreement-records.js';
import { createPki, FEDERATION, federationClientAs, freePort, waitFor, writeNodeConfig, type NodeSpec, type Pki } from '../../helpers/federation-fixture.js';
import { refusal } from '../../helpers/grpc-refusal.js';
import { newUscc } from '../../helpers/id-codes.js';
import { createTestStoreConfig, type TestStoreConfig } from '../../helpers/store-fixture.js';

const FIRM = newUscc();
const NODES = ['county-a', 'city'];
const daysAgo = (n: number) => shanghaiDate(Date.now() - n * 86_400_000);

let pki: Pki;
let dir: string;
const stores = new Map<string, TestStoreConfig>();
const ports = new Map<string, number>();
const files = new Map<string, string>();
const gateways = new Map<string, Gateway>();
const admins = new Map<string, AdminClient>();
let asCityB: FederationClient;

function spec(id: string): NodeSpec {
  const port = ports.get(id)!;
  const store = stores.get(id)!;
  if (id === 'county-a') return { id, port, store, partners: [{ id: 'city', kind: 'parent_city', port: ports.get('city')!, push: true }] };
  return { id, port, store, partners: [{ id: 'county-a', kind: 'child_county', port: ports.get('county-a')! }, { id: 'city-b', kind: 'peer_region', relay: true }] };
}

async function start(id: string): Promise<Gateway> {
  const gw = await startGateway(loadConfig(files.get(id)!, {}), { log: createLogger({ level: 'error', node: id }) });
  gateways.set(id, gw);
  return gw;
}

async function adminOf(id: string): Promise<AdminClient> {
  const tls = await loadTlsFiles(pki.certs.admins.ops!);
  return new AdminClient(`127.0.0.1:${ports.get(id)}`, clientCredentials(tls, { federation: FEDERATION, kind: 'partner', id }), { 'grpc.ssl_target_name_override': id });
}

const change = (id: string, req: Partial<ChangeRecordStatusRequest>): Promise<ChangeRecordStatusResponse> => {
  const admin = admins.get(id)!;
  const full: ChangeRecordStatusRequest = { recordId: '', status: 0, reason: '', commitmentRef: '', decidedOn: '', originId: '', ...req };
  return new Promise((resolve, reject) => admin.changeRecordStatus(full, (e, r) => (e ? reject(e) : resolve(r!))));
};
const cityVerdict = () =>
  new Promise<Verdict>((resolve, reject) =>
    asCityB.recognize({ subject: { identifier: FIRM, scheme: 0 }, purpose: Purpose.PURPOSE_BIDDING_REVIEW, reference: 'repair' }, (e: grpc.ServiceError | null, r?: RecognizeResponse) =>
      e ? reject(e) : resolve(r!.verdict!.verdict!),
    ),
  );
const cityQuery = () =>
  new Promise<string[]>((resolve, reject) =>
    asCityB.queryRecords(
      { identifier: FIRM, scheme: 0, purpose: Purpose.PURPOSE_BIDDING_REVIEW, reference: 'repair', pageSize: 0, pageToken: '' },
      (e: grpc.ServiceError | null, r?: QueryRecordsResponse) => (e ? reject(e) : resolve(r!.records.map((x) => x.recordId).sort())),
    ),
  );
const basis = async () => (await cityVerdict()).basis.map((b) => b.recordId).sort();
const statusAt = async (id: string, recordId: string) =>
  (await gateways.get(id)!.store.query<{ status: number; version: string }>('SELECT status, version FROM records WHERE record_id = $1', [recordId])).rows[0];

const firm = enterprise('沈阳示例化工有限公司', FIRM);
/** A penalty of a severity decided `days` ago, with no publicity end of its own. */
const penalty = (id: string, severity: number, days: number): CreditRecord => {
  const r = recordOf(firm, { origin: 'county-a', id, kind: 'penalty' });
  if (r.details?.$case !== 'penalty') throw new Error('a penalty');
  return { ...r, decisionDate: daysAgo(days), publicity: undefined, details: { $case: 'penalty', value: { ...r.details.value, severity } } };
};

beforeAll(async () => {
  pki = await createPki(['county-a', 'city', 'city-b'], { verdictSigners: ['city'] });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-repair-'));
  for (const id of NODES) {
    stores.set(id, await createTestStoreConfig());
    ports.set(id, await freePort());
  }
  for (const id of NODES) files.set(id, writeNodeConfig(pki, dir, spec(id)));
  for (const id of NODES) await start(id);
  for (const id of NODES) admins.set(id, await adminOf(id));
  asCityB = await federationClientAs(pki.certs.nodes['city-b']!, 'city', ports.get('city')!);

  const county = gateways.get('county-a')!;
  const writer = new ChunkWriter(county.store, ['city'], loadPersonsProtection(county.config.persons));
  for (const r of [
    penalty('p-general', 2, 120), // general: repairable after 3 months
    penalty('p-serious', 3, 30), // serious: not before 12 months
    recordOf(firm, { origin: 'county-a', id: 'd-1', kind: 'dishonesty' }),
    recordOf(firm, { origin: 'county-a', id: 'l-1', kind: 'licence' }),
  ]) {
    expect(await writer.add(r)).toBeUndefined();
  }
  await writer.flush();
  county.notifyOutbox();
  await waitFor(async () => (await basis()).length === 4, 30_000, 'the county records at the city');
}, 180_000);

afterAll(async () => {
  asCityB?.close();
  for (const a of admins.values()) a.close();
  for (const gw of gateways.values()) await gw.stop();
  for (const s of stores.values()) await s.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('credit repair and revocation at the origin', () => {
  it('a repair at the county takes the record out of the city verdict and query results', async () => {
    const res = await change('county-a', { recordId: 'p-general', status: RecordStatus.RECORD_STATUS_REPAIRED, reason: '已履行行政处罚决定并完成整改', commitmentRef: 'CN-2026-0042' });
    expect(res.queuedFor).toEqual(['city']);
    expect(res.record!.status).toBe(RecordStatus.RECORD_STATUS_REPAIRED);
    expect(res.record!.version).toBe(2);
    expect(res.record!.statusChange).toEqual({
      previous: RecordStatus.RECORD_STATUS_ACTIVE,
      decidedOn: daysAgo(0),
      reason: '已履行行政处罚决定并完成整改',
      commitmentRef: 'CN-2026-0042',
      decidedBy: 'admin/ops',
      objectionId: '',
      outcome: ObjectionOutcome.OBJECTION_OUTCOME_UNSPECIFIED,
    });
    await waitFor(async () => !(await basis()).includes('p-general'), 10_000, 'the repaired penalty to leave the city verdict');
    expect(await basis()).toEqual(['d-1', 'l-1', 'p-serious']);
    expect(await cityQuery()).toEqual(['d-1', 'l-1', 'p-serious']);
    expect(await statusAt('city', 'p-general')).toEqual({ status: RecordStatus.RECORD_STATUS_REPAIRED, version: '2' });
    // The county's next full export still holds the row: importing it again does not undo the repair,
    // and a corrected row is a new version that stays repaired.
    const county = gateways.get('county-a')!;
    const writer = new ChunkWriter(county.store, ['city'], loadPersonsProtection(county.config.persons));
    const original = penalty('p-general', 2, 120);
    await writer.add(original);
    await writer.flush();
    expect(await statusAt('county-a', 'p-general')).toEqual({ status: RecordStatus.RECORD_STATUS_REPAIRED, version: '2' });
    await writer.add({ ...original, authority: { ...original.authority!, name: `${original.authority!.name}（更正）` } });
    await writer.flush();
    expect(await statusAt('county-a', 'p-general')).toEqual({ status: RecordStatus.RECORD_STATUS_REPAIRED, version: '3' });
  });

  it('refusals name the rule and change nothing', async () => {
    const early = await refusal(change('county-a', { recordId: 'p-serious', status: RecordStatus.RECORD_STATUS_REPAIRED, reason: '整改完成', commitmentRef: 'CN-1' }));
    expect(early).toMatchObject({ code: grpc.status.FAILED_PRECONDITION, reason: 'RECORD_STATUS_REFUSED' });
    expect(early.details).toContain('12 months');
    const licence = await refusal(change('county-a', { recordId: 'l-1', status: RecordStatus.RECORD_STATUS_REPAIRED, reason: '整改完成', commitmentRef: 'CN-1' }));
    expect(licence).toMatchObject({ code: grpc.status.FAILED_PRECONDITION, reason: 'RECORD_STATUS_REFUSED' });
    const again = await refusal(change('county-a', { recordId: 'p-general', status: RecordStatus.RECORD_STATUS_REVOKED, reason: '撤销' }));
    expect(again).toMatchObject({ code: grpc.status.FAILED_PRECONDITION, reason: 'RECORD_STATUS_REFUSED' });
    expect(again.details).toContain('repaired');
    expect(await refusal(change('county-a', { recordId: 'nope', status: RecordStatus.RECORD_STATUS_REVOKED, reason: '撤销' }))).toMatchObject({
      code: grpc.status.NOT_FOUND,
      reason: 'RECORD_NOT_FOUND',
    });
    expect(await refusal(change('city', { originId: 'county-a', recordId: 'd-1', status: RecordStatus.RECORD_STATUS_REVOKED, reason: '撤销' }))).toMatchObject({
      code: grpc.status.FAILED_PRECONDITION,
      reason: 'NOT_ORIGIN',
    });
    const noCommitment = await refusal(change('county-a', { recordId: 'd-1', status: RecordStatus.RECORD_STATUS_REPAIRED, reason: '整改完成' }));
    expect(noCommitment).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, reason: 'ADMIN_REQUEST_INVALID' });
    expect(noCommitment.details).toContain('commitment_ref');
    const future = await refusal(change('county-a', { recordId: 'd-1', status: RecordStatus.RECORD_STATUS_REVOKED, reason: '撤销', decidedOn: '2999-01-01' }));
    expect(future).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, reason: 'ADMIN_REQUEST_INVALID' });
    expect(await statusAt('county-a', 'p-serious')).toEqual({ status: RecordStatus.RECORD_STATUS_ACTIVE, version: '1' });
    expect(await statusAt('county-a', 'l-1')).toEqual({ status: RecordStatus.RECORD_STATUS_ACTIVE, version: '1' });
    expect(await statusAt('county-a', 'd-1')).toEqual({ status: RecordStatus.RECORD_STATUS_ACTIVE, version: '1' });
    expect(await basis()).toEqual(['d-1', 'l-1', 'p-serious']);
  });

  it('a city stopped during a revocation receives it when it is back', async () => {
    expect((await cityVerdict()).level).toBe(CreditLevel.CREDIT_LEVEL_DISHONEST);
    await gateways.get('city')!.stop();
    const res = await change('county-a', { recordId: 'd-1', status: RecordStatus.RECORD_STATUS_REVOKED, reason: '列入决定已被依法撤销' });
    expect(res.record!.status).toBe(RecordStatus.RECORD_STATUS_REVOKED);
    expect(await statusAt('county-a', 'd-1')).toEqual({ status: RecordStatus.RECORD_STATUS_REVOKED, version: '2' });
    await start('city');
    await waitFor(async () => (await statusAt('city', 'd-1'))?.status === RecordStatus.RECORD_STATUS_REVOKED, 30_000, 'the revocation at the city after its restart');
    const v = await cityVerdict();
    expect(v.basis.map((b) => b.recordId).sort()).toEqual(['l-1', 'p-serious']);
    expect(v.level).not.toBe(CreditLevel.CREDIT_LEVEL_DISHONEST);
    expect(await cityQuery()).toEqual(['l-1', 'p-serious']);
  });
});
