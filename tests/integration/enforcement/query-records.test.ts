// Federation.QueryRecords and PushRecords under data-sharing agreements,
// through a real city gateway over loopback mutual TLS: each rule and each
// refusal, changes taking effect without a restart, open streams ended when
// their agreement no longer allows them, and every call in the audit log.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putAgreement } from '../../../src/agreements/agreement-admin.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { fixedClock } from '../../../src/core/clock.js';
import { Purpose } from '../../../src/gen/credfed/v1/agreement.js';
import type { FederationClient, ListAuditEntriesResponse, QueryRecordsRequest, QueryRecordsResponse } from '../../../src/gen/credfed/v1/federation.js';
import { IdentifierScheme } from '../../../src/gen/credfed/v1/subject.js';
import { reasonOf } from '../../../src/grpc/to-grpc-error.js';
import { ChunkWriter } from '../../../src/importer/chunk-writer.js';
import { createLogger } from '../../../src/obs/logger.js';
import { loadPersonsProtection } from '../../../src/persons/persons-protection.js';
import { startGateway, type Gateway } from '../../../src/server/gateway.js';
import { enterprise, person, recordOf } from '../../helpers/agreement-records.js';
import { createPki, federationClientAs, freePort, waitFor, writeNodeConfig, type Pki } from '../../helpers/federation-fixture.js';
import { newUscc } from '../../helpers/id-codes.js';
import { openPush } from '../partners/open-push.js';
import { createTestStoreConfig, type TestStoreConfig } from '../../helpers/store-fixture.js';

const RIC = '11010519491231002X';
const U1 = newUscc();
const STRANGER = newUscc();
const VALID = { from: '2026-01-01', until: '2026-12-31' };

/** city-b may query penalties and dishonesty entries that are public and the city's own, for bidding review. */
const B_QUERY = {
  agreement: 'b-query',
  parties: { partners: ['city-b'] },
  valid: VALID,
  directions: ['query'],
  categories: ['administrative_penalty', 'dishonesty_list'],
  disclosure: ['public'],
  purposes: ['bidding_review'],
  fields: [
    { field: 'penalty.violation_facts', action: 'drop' },
    { field: 'subject.legal_representative', action: 'mask' },
  ],
};
/** county-a may push licences and penalties (public or conditional) of its own. */
const COUNTY_PUSH = {
  agreement: 'county-push',
  parties: { partners: ['county-a'] },
  valid: VALID,
  directions: ['push'],
  categories: ['administrative_licence', 'administrative_penalty'],
  disclosure: ['public', 'conditional'],
};

const clock = fixedClock(new Date('2026-06-01T02:00:00Z'));
let pki: Pki;
let dir: string;
let storeConfig: TestStoreConfig;
let city: Gateway;
let port: number;
const clients = new Map<string, FederationClient>();

beforeAll(async () => {
  pki = await createPki(['city', 'city-b', 'city-c', 'county-a']);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-agreements-'));
  storeConfig = await createTestStoreConfig();
  port = await freePort();
  const file = writeNodeConfig(pki, dir, {
    id: 'city',
    port,
    store: storeConfig,
    partners: [
      { id: 'city-b', kind: 'peer_region' },
      { id: 'city-c', kind: 'peer_region' },
      { id: 'county-a', kind: 'child_county' },
    ],
    agreements: [B_QUERY, COUNTY_PUSH],
  });
  city = await startGateway(loadConfig(file, {}), { log: createLogger({ level: 'error', node: 'city' }), clock, agreementRefreshMs: 200 });
  const writer = new ChunkWriter(city.store, [], loadPersonsProtection(city.config.persons));
  const firm = enterprise('沈阳示例科技有限公司', U1);
  for (const r of [
    recordOf(firm, { origin: 'city', id: 'r1', kind: 'penalty' }),
    recordOf(firm, { origin: 'city', id: 'r2', kind: 'penalty', disclosure: 'conditional' }),
    recordOf(firm, { origin: 'city', id: 'r3', kind: 'licence' }),
    recordOf(firm, { origin: 'county-a', id: 'r4', kind: 'dishonesty' }),
    recordOf(firm, { origin: 'city', id: 'r5', kind: 'penalty', status: 'revoked' }),
    recordOf(firm, { origin: 'city', id: 'r6', kind: 'penalty', disclosure: 'not_shared' }),
    recordOf(person('张三丰', RIC), { origin: 'city', id: 'p1', kind: 'penalty' }),
  ]) {
    const refused = await writer.add(r);
    if (refused) throw new Error(`seed refused: ${refused.reason}`);
  }
  await writer.flush();
  for (const id of ['city-b', 'city-c', 'county-a']) clients.set(id, await federationClientAs(pki.certs.nodes[id]!, 'city', port));
});

afterAll(async () => {
  clients.forEach((c) => c.close());
  await city?.stop();
  await storeConfig?.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(pki.dir, { recursive: true, force: true });
});

type Outcome = { ok: QueryRecordsResponse } | { code: number; reason?: string };

function query(as: string, req: Partial<QueryRecordsRequest>): Promise<Outcome> {
  const full: QueryRecordsRequest = { identifier: U1, scheme: 0, purpose: Purpose.PURPOSE_BIDDING_REVIEW, reference: '招标 2026-001', pageSize: 0, pageToken: '', ...req };
  return new Promise((resolve) =>
    clients.get(as)!.queryRecords(full, (e: grpc.ServiceError | null, res?: QueryRecordsResponse) => resolve(e ? { code: e.code, reason: reasonOf(e) } : { ok: res! })),
  );
}

function answered(o: Outcome): QueryRecordsResponse {
  if (!('ok' in o)) throw new Error(`refused: ${o.code} ${o.reason}`);
  return o.ok;
}

const ids = (res: QueryRecordsResponse) => res.records.map((r) => r.recordId).sort();

/** Puts a new version of an agreement (active at once) through the store, as `credfed agreement put` does. */
async function put(doc: Record<string, unknown>): Promise<number> {
  const stored = await putAgreement(city.store, YAML.stringify(doc), { actor: 'cli/test' });
  return stored.version;
}

describe('QueryRecords under an agreement', () => {
  it('returns only the records the agreement lets the caller see, field rules applied, with the agreement version', async () => {
    const res = answered(await query('city-b', {}));
    // r2 conditional, r3 a licence, r4 a county's (third party), r5 revoked, r6 not shared: all withheld.
    expect(ids(res)).toEqual(['r1']);
    const r1 = res.records[0]!;
    expect(r1.details?.$case === 'penalty' && r1.details.value.violationFacts).toBe('');
    expect(r1.details?.$case === 'penalty' && r1.details.value.fineWanYuan).toBe('1.5');
    expect(r1.subject!.legalRepresentative).toBe('王*明');
    expect(res.subject!.name).toBe('沈阳示例科技有限公司');
    expect(res.subject!.identifiers.map((i) => i.value)).toContain(U1);
    expect([res.agreementId, res.agreementVersion]).toEqual(['b-query', 1]);
  });

  it.each([
    ['no purpose stated', 'city-b', { purpose: Purpose.PURPOSE_UNSPECIFIED }, grpc.status.PERMISSION_DENIED, 'PURPOSE_NOT_ALLOWED'],
    ['a purpose the agreement does not list', 'city-b', { purpose: Purpose.PURPOSE_FINANCING }, grpc.status.PERMISSION_DENIED, 'PURPOSE_NOT_ALLOWED'],
    ['a partner without an agreement', 'city-c', {}, grpc.status.PERMISSION_DENIED, 'AGREEMENT_MISSING'],
    ['a partner whose agreement does not allow queries', 'county-a', {}, grpc.status.PERMISSION_DENIED, 'DIRECTION_NOT_ALLOWED'],
    ['a subject nobody holds', 'city-b', { identifier: STRANGER }, grpc.status.NOT_FOUND, 'SUBJECT_NOT_FOUND'],
    ['a malformed identifier', 'city-b', { identifier: '91210100MA0XXXXXX1' }, grpc.status.INVALID_ARGUMENT, 'IDENTIFIER_INVALID'],
    ['an overlong reference', 'city-b', { reference: 'x'.repeat(201) }, grpc.status.INVALID_ARGUMENT, 'QUERY_INVALID'],
  ])('refuses %s', async (_what, as, req, code, reason) => {
    expect(await query(as, req)).toEqual({ code, reason });
  });

  it('shows a natural person masked, never the clear number', async () => {
    const res = answered(await query('city-b', { identifier: RIC }));
    expect(ids(res)).toEqual(['p1']);
    const shown = JSON.stringify(res);
    expect(shown).not.toContain(RIC);
    const pseudonym = res.subject!.identifiers.find((i) => i.scheme === IdentifierScheme.IDENTIFIER_SCHEME_RESIDENT_ID_PSEUDONYM)!;
    expect(pseudonym.masked).toBe('110105********002X');
  });

  it('applies a new version of the agreement without a restart, within 5 s', async () => {
    const version = await put({ ...B_QUERY, categories: ['all'], disclosure: ['public', 'conditional'], thirdParty: true, personIds: 'clear', fields: [] });
    expect(version).toBe(2);
    const res = (await waitFor(async () => {
      const o = await query('city-b', {});
      return 'ok' in o && o.ok.agreementVersion === 2 ? o.ok : undefined;
    }, 5_000, 'version 2 in force'))!;
    // Still never: r5 (revoked) and r6 (not shared).
    expect(ids(res)).toEqual(['r1', 'r2', 'r3', 'r4']);
    expect(res.records.find((r) => r.recordId === 'r1')!.subject!.legalRepresentative).toBe('王大明');
  });

  it('shows the clear number where the agreement says personIds: clear', async () => {
    const res = answered(await query('city-b', { identifier: RIC }));
    const clear = res.subject!.identifiers.find((i) => i.scheme === IdentifierScheme.IDENTIFIER_SCHEME_RESIDENT_ID);
    expect(clear).toMatchObject({ value: RIC, masked: '110105********002X' });
  });

  it('pages the results', async () => {
    const first = answered(await query('city-b', { pageSize: 3 }));
    expect(first.records).toHaveLength(3);
    const second = answered(await query('city-b', { pageSize: 3, pageToken: first.nextPageToken }));
    expect([...first.records, ...second.records].map((r) => r.recordId).sort()).toEqual(['r1', 'r2', 'r3', 'r4']);
    expect(second.nextPageToken).toBe('');
  });

  it('refuses with RESOURCE_EXHAUSTED once the quota is spent, and counts refused calls for nothing', async () => {
    await put({ agreement: 'c-query', parties: { partners: ['city-c'] }, valid: VALID, directions: ['query'], categories: ['all'], disclosure: ['public'], purposes: ['bidding_review'], quotas: { perMinute: 2 } });
    await waitFor(async () => 'ok' in (await query('city-c', {})), 5_000, 'c-query in force');
    expect(await query('city-c', { purpose: Purpose.PURPOSE_FINANCING })).toMatchObject({ reason: 'PURPOSE_NOT_ALLOWED' });
    expect('ok' in (await query('city-c', {}))).toBe(true);
    expect(await query('city-c', {})).toEqual({ code: grpc.status.RESOURCE_EXHAUSTED, reason: 'QUOTA_EXCEEDED' });
    clock.advance(60_000);
    expect('ok' in (await query('city-c', {}))).toBe(true);
  });
});

describe('PushRecords under an agreement', () => {
  it('rejects, per record, what the agreement does not cover, and stores the rest', async () => {
    const firm = enterprise('法库示例商贸有限公司', newUscc());
    const push = openPush(clients.get('county-a')!);
    const after = await push.resumeSeq();
    const records = [
      recordOf(firm, { origin: 'county-a', id: 'a1', kind: 'licence' }),
      recordOf(firm, { origin: 'county-a', id: 'a2', kind: 'dishonesty' }),
      recordOf(firm, { origin: 'county-a', id: 'a3', kind: 'penalty', disclosure: 'not_shared' }),
      recordOf(firm, { origin: 'county-z', id: 'a4', kind: 'penalty' }),
    ].map((record, i) => ({ seq: after + i + 1, record }));
    const ack = await push.sendAndAck(records);
    push.close();
    expect(ack.accepted).toBe(1);
    expect(ack.rejections.map((r) => [r.recordId, r.reason])).toEqual([
      ['a2', 'CATEGORY_NOT_ALLOWED'],
      ['a3', 'DISCLOSURE_NOT_ALLOWED'],
      ['a4', 'RECORD_ORIGIN_MISMATCH'],
    ]);
  });

  it('refuses a stream from a partner whose agreement does not allow pushing', async () => {
    const push = openPush(clients.get('city-b')!);
    await waitFor(() => push.ended(), 5_000, 'stream end');
    expect(push.ended()).toMatchObject({ code: grpc.status.PERMISSION_DENIED, reason: 'DIRECTION_NOT_ALLOWED' });
  });

  it('ends an open stream within 5 s when a new version no longer allows it', async () => {
    const push = openPush(clients.get('county-a')!);
    await push.resumeSeq();
    await put({ ...COUNTY_PUSH, directions: ['query'], purposes: ['public_service'] });
    await waitFor(() => push.ended(), 5_000, 'stream end');
    expect(push.ended()).toMatchObject({ code: grpc.status.PERMISSION_DENIED, reason: 'DIRECTION_NOT_ALLOWED' });
    await put(COUNTY_PUSH);
  });
});

describe('the audit log', () => {
  function ownEntries(as: string): Promise<ListAuditEntriesResponse> {
    return new Promise((resolve, reject) =>
      clients.get(as)!.listAuditEntries({ from: undefined, to: undefined, pageSize: 1000, pageToken: '' }, (e: grpc.ServiceError | null, res?: ListAuditEntriesResponse) => (e ? reject(e) : resolve(res!))),
    );
  }

  it('holds every call of a partner, allowed and refused, with purpose, subject, agreement version and counts; a partner sees only its own', async () => {
    const { entries } = await ownEntries('city-b');
    expect(entries.every((e) => e.partner === 'city-b')).toBe(true);
    const queries = entries.filter((e) => e.method === 'Federation/QueryRecords');
    expect(queries[0]).toMatchObject({ actor: 'partner/city-b', decision: 'allow', purpose: 'bidding_review', subject: U1, agreementId: 'b-query', agreementVersion: 1, recordsReturned: 1, reference: '招标 2026-001' });
    expect(queries[0]!.certificateFingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(queries.some((e) => e.decision === 'deny' && e.reason === 'PURPOSE_NOT_ALLOWED' && e.purpose === 'financing')).toBe(true);
    expect(queries.some((e) => e.subject === '110105********002X' && e.recordsReturned === 1)).toBe(true);
    expect(entries.some((e) => e.method === 'Federation/PushRecords' && e.decision === 'deny' && e.reason === 'DIRECTION_NOT_ALLOWED')).toBe(true);
    const county = await ownEntries('county-a');
    expect(county.entries.some((e) => e.method === 'Federation/PushRecords' && e.recordsAccepted === 1 && e.recordsRejected === 3 && e.agreementId === 'county-push')).toBe(true);
  });
});

describe('expiry', () => {
  it('denies everything once the agreement expired', async () => {
    clock.set(new Date('2027-01-01T00:00:00Z'));
    expect(await query('city-b', {})).toEqual({ code: grpc.status.PERMISSION_DENIED, reason: 'AGREEMENT_EXPIRED' });
    const push = openPush(clients.get('county-a')!);
    await waitFor(() => push.ended(), 5_000, 'stream end');
    expect(push.ended()).toMatchObject({ code: grpc.status.PERMISSION_DENIED, reason: 'AGREEMENT_EXPIRED' });
  });
});
