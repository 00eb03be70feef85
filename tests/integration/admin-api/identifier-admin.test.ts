// The identifier graph on the Admin service through real mutual TLS:
// ResolveIdentifier finds a subject and its records by any identifier as
// typed (a legacy code finds the records stored under a USCC after a merge),
// ListIdentifierConflicts shows what was refused, DecideIdentifierConflict
// applies or rejects it with the admin as actor; refusals carry status and
// credfed-reason; a partner certificate may not call.
import fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictDecision, type AdminClient } from '../../../src/gen/credfed/v1/admin.js';
import { IdentifierScheme } from '../../../src/gen/credfed/v1/subject.js';
import type { Gateway } from '../../../src/server/gateway.js';
import { legalPerson, ORG, recordAbout, REGNO, storeDelivered, USCC } from '../../helpers/graph-records.js';
import { newRegNo, newUscc } from '../../helpers/id-codes.js';
import { createTestStoreConfig, type TestStoreConfig } from '../../helpers/store-fixture.js';
import { adminClient, call, createAdminPki, refusal, startAdminGateway, type AdminPki } from './admin-fixture.js';

const SLOW = 180_000;
const [u1, u2, r, r2] = [newUscc(), newUscc(), newRegNo(), newRegNo()];
const org1 = u1.slice(8, 17);

let store: TestStoreConfig;
let pki: AdminPki;
let gateway: Gateway | undefined;
let ops: AdminClient;
let countyA: AdminClient;

beforeAll(async () => {
  store = await createTestStoreConfig();
  pki = await createAdminPki(store);
  // county-a knew the company by its organisation code only; county-b by its USCC and registration number;
  // county-c names the registration number with another USCC (a conflict).
  await storeDelivered(store, 'county-a', [recordAbout('county-a', 'A-1', legalPerson('沈阳甲科技有限公司', [ORG, `${org1.slice(0, 8)}-${org1[8]}`]))]);
  await storeDelivered(store, 'county-b', [recordAbout('county-b', 'B-1', legalPerson('沈阳甲科技有限公司', [USCC, u1], [REGNO, r]))]);
  await storeDelivered(store, 'county-c', [recordAbout('county-c', 'C-1', legalPerson('本溪乙商贸有限公司', [USCC, u2], [REGNO, r]))]);
  // county-d knew it by another registration number only (a subject of its own) until county-e named both.
  await storeDelivered(store, 'county-d', [recordAbout('county-d', 'D-1', legalPerson('沈阳甲科技有限公司', [REGNO, r2]))]);
  await storeDelivered(store, 'county-e', [recordAbout('county-e', 'E-1', legalPerson('沈阳甲科技有限公司', [USCC, u1], [REGNO, r2]))]);
  let port: number;
  ({ gateway, port } = await startAdminGateway(pki, store, { passphrase: false }));
  ops = await adminClient(pki, 'ops', port);
  countyA = await adminClient(pki, 'county-a', port);
}, SLOW);

afterAll(async () => {
  ops?.close();
  countyA?.close();
  await gateway?.stop();
  await store?.cleanup();
  if (pki) fs.rmSync(pki.dir, { recursive: true, force: true });
});

const resolve = (value: string, scheme = IdentifierScheme.IDENTIFIER_SCHEME_UNSPECIFIED, pageSize = 0, pageToken = '') =>
  call(ops, ops.resolveIdentifier, { value, scheme, pageSize, pageToken });

describe('ResolveIdentifier', () => {
  it('finds the subject by its USCC, with every identifier, who linked it, the merged subject and all records', async () => {
    const res = await resolve(u1);
    expect(res.identifier).toEqual({ scheme: USCC, value: u1, masked: '' });
    const s = res.subject!;
    expect(s.name).toBe('沈阳甲科技有限公司');
    expect(s.identifiers.map((i) => [i.identifier!.scheme, i.identifier!.value])).toEqual([
      [USCC, u1],
      [ORG, org1],
      ...[r, r2].sort().map((v) => [REGNO, v]),
    ]);
    expect(s.identifiers.find((i) => i.identifier!.value === u1)!.source).toBe('county-b');
    // county-b's USCC joined the subject county-a's organisation code made; county-d's subject was merged into it.
    expect(s.mergedSubjectIds).toHaveLength(1);
    expect(s.mergedSubjectIds[0]).not.toBe(s.subjectId);
    expect(s.uscc).toMatchObject({ authority: '9', authorityName: '工商', entityType: '91', entityTypeName: '企业', divisionCode: '210100', provinceName: '辽宁省', orgCode: org1 });
    expect(s.openConflicts).toBe(1);
    expect(res.records.map((x) => `${x.originId}/${x.recordId}`)).toEqual(['county-a/A-1', 'county-b/B-1', 'county-d/D-1', 'county-e/E-1']);
    expect(res.nextPageToken).toBe('');
  });

  it('finds the same subject by the legacy code as typed (full-width, hyphen, lower case) and pages its records', async () => {
    const typed = ` ${org1.slice(0, 8).toLowerCase()}－${org1[8]} `.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
    const first = await resolve(typed, IdentifierScheme.IDENTIFIER_SCHEME_UNSPECIFIED, 1);
    expect(first.identifier).toMatchObject({ scheme: ORG, value: org1 });
    expect(first.records.map((x) => x.recordId)).toEqual(['A-1']);
    const second = await resolve(typed, IdentifierScheme.IDENTIFIER_SCHEME_UNSPECIFIED, 1, first.nextPageToken);
    expect(second.records.map((x) => x.recordId)).toEqual(['B-1']);
    expect(second.nextPageToken).not.toBe('');
    expect(second.subject!.subjectId).toBe(first.subject!.subjectId);
  });

  it('refuses an invalid identifier naming the rule, an unknown one, and a page token from elsewhere', async () => {
    const bad = `${u1.slice(0, 17)}${u1[17] === '0' ? '1' : '0'}`;
    expect(await refusal(resolve(bad, USCC))).toEqual({ code: grpc.status.INVALID_ARGUMENT, reason: 'IDENTIFIER_INVALID' });
    expect(await refusal(resolve(newUscc()))).toEqual({ code: grpc.status.NOT_FOUND, reason: 'SUBJECT_NOT_FOUND' });
    expect(await refusal(resolve(u1, USCC, 1, 'bm90LWEtdG9rZW4'))).toEqual({ code: grpc.status.INVALID_ARGUMENT, reason: 'PAGE_TOKEN_INVALID' });
    expect(await refusal(resolve('x'.repeat(10_000)))).toEqual({ code: grpc.status.INVALID_ARGUMENT, reason: 'IDENTIFIER_INVALID' });
  });
});

describe('identifier conflicts', () => {
  it('lists the refused link, accepts it with the admin as actor, and refuses to decide it twice', async () => {
    const open = await call(ops, ops.listIdentifierConflicts, { status: '', pageSize: 0, pageToken: '' });
    expect(open.conflicts).toHaveLength(1);
    const c = open.conflicts[0]!;
    expect(c).toMatchObject({ kind: 'legacy_two_usccs', identifier: { scheme: REGNO, value: r }, proposed: { scheme: USCC, value: u2 }, source: 'county-c', evidence: 'county-c/C-1', status: 'open' });
    const before = await resolve(r, REGNO);
    expect(before.subject!.identifiers.map((i) => i.identifier!.value)).toContain(u1);

    const noReason = call(ops, ops.decideIdentifierConflict, { conflictId: c.conflictId, decision: ConflictDecision.CONFLICT_DECISION_ACCEPT, reason: ' ' });
    expect(await refusal(noReason)).toEqual({ code: grpc.status.INVALID_ARGUMENT, reason: 'ADMIN_REQUEST_INVALID' });
    const decided = await call(ops, ops.decideIdentifierConflict, {
      conflictId: c.conflictId,
      decision: ConflictDecision.CONFLICT_DECISION_ACCEPT,
      reason: 'the registration number is 乙商贸\'s (checked with the registry)',
    });
    expect(decided.conflict).toMatchObject({ status: 'accepted', decidedBy: 'admin/ops' });
    const after = await resolve(r, REGNO);
    expect(after.subject!.identifiers.map((i) => i.identifier!.value)).toContain(u2);
    expect(after.subject!.identifiers.find((i) => i.identifier!.value === r)!.source).toBe('review:admin/ops');

    const again = call(ops, ops.decideIdentifierConflict, { conflictId: c.conflictId, decision: ConflictDecision.CONFLICT_DECISION_REJECT, reason: 'changed my mind' });
    expect(await refusal(again)).toEqual({ code: grpc.status.FAILED_PRECONDITION, reason: 'CONFLICT_DECIDED' });
    const missing = call(ops, ops.decideIdentifierConflict, { conflictId: 999_999, decision: ConflictDecision.CONFLICT_DECISION_REJECT, reason: 'x' });
    expect(await refusal(missing)).toEqual({ code: grpc.status.NOT_FOUND, reason: 'CONFLICT_NOT_FOUND' });
    expect((await call(ops, ops.listIdentifierConflicts, { status: '', pageSize: 0, pageToken: '' })).conflicts).toEqual([]);
    expect((await call(ops, ops.listIdentifierConflicts, { status: 'accepted', pageSize: 0, pageToken: '' })).conflicts).toHaveLength(1);
    expect(await refusal(call(ops, ops.listIdentifierConflicts, { status: 'closed', pageSize: 0, pageToken: '' }))).toEqual({
      code: grpc.status.INVALID_ARGUMENT,
      reason: 'ADMIN_REQUEST_INVALID',
    });
  });

  it('a partner certificate may not call the identifier RPCs', async () => {
    expect(await refusal(call(countyA, countyA.resolveIdentifier, { value: u1, scheme: 0, pageSize: 0, pageToken: '' }))).toEqual({
      code: grpc.status.PERMISSION_DENIED,
      reason: 'PEER_NOT_ALLOWED',
    });
    expect(await refusal(call(countyA, countyA.listIdentifierConflicts, { status: '', pageSize: 0, pageToken: '' }))).toMatchObject({ code: grpc.status.PERMISSION_DENIED });
  });
});
