// Objections (异议) and joint-punishment feedback (联合奖惩反馈), issue 8,
// through four real gateways over loopback mutual TLS: county-a pushes its
// records to the city, county-b too, and the neighbouring city-b follows the
// city's feed. An objection filed at city-b travels hop by hop (city-b →
// city → county-a), marking the record disputed on its way; the county
// resolves it and the outcome comes back with the record's next version to
// every platform holding the record, closing the objection there. Feedback
// travels to the origin the same way; an objection passed on while a hop is
// offline arrives when it is back. Bad input changes nothing.
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileObjectionResponse, ListFeedbackResponse, ListObjectionsResponse, ResolveObjectionResponse } from '../../../src/gen/credfed/v1/admin.js';
import { ObjectionState, type Objection } from '../../../src/gen/credfed/v1/objection.js';
import { ObjectionOutcome, RecordStatus, type CreditRecord } from '../../../src/gen/credfed/v1/record.js';
import { enterprise, recordOf } from '../../helpers/agreement-records.js';
import { federationClientAs, waitFor } from '../../helpers/federation-fixture.js';
import { refusal } from '../../helpers/grpc-refusal.js';
import { newUscc } from '../../helpers/id-codes.js';
import { LifecycleFederation } from '../../helpers/lifecycle-federation.js';

const NODES = ['county-a', 'county-b', 'city', 'city-b'];
const { ACTIVE, DISPUTED, REVOKED } = { ACTIVE: RecordStatus.RECORD_STATUS_ACTIVE, DISPUTED: RecordStatus.RECORD_STATUS_DISPUTED, REVOKED: RecordStatus.RECORD_STATUS_REVOKED };
let fed: LifecycleFederation;

const feed = { pollMs: 50 };
function spec(id: string, f: LifecycleFederation) {
  switch (id) {
    case 'county-a':
    case 'county-b':
      return { feed, partners: [f.partner('city', 'parent_city', { push: true })] };
    case 'city':
      return { feed, partners: [f.partner('county-a', 'child_county'), f.partner('county-b', 'child_county'), f.partner('city-b', 'peer_region', { relay: true })] };
    default:
      return { feed, partners: [f.partner('city', 'peer_region', { relay: true, subscribe: true })] };
  }
}

const firm = enterprise('沈阳示例电子有限公司', newUscc());
const record = (id: string, kind: 'dishonesty' | 'penalty' = 'dishonesty', origin = 'county-a'): CreditRecord => recordOf(firm, { origin, id, kind });
const statusAt = (id: string, recordId: string) => fed.statusAt(id, recordId);
const file = (at: string, recordId: string, originId = 'county-a', reason = '该企业已于2026年3月履行全部义务，列入依据有误') =>
  fed.call(at, (c) => c.fileObjection, { originId, recordId, complainant: '沈阳示例电子有限公司 法定代表人', reason }).then((r: FileObjectionResponse) => r.objection!);
const objectionsAt = (at: string) => fed.call(at, (c) => c.listObjections, { state: 0, pageSize: 0, pageToken: '' }).then((r: ListObjectionsResponse) => r.objections);
const objectionAt = async (at: string, id: string): Promise<Objection | undefined> => (await objectionsAt(at)).find((o) => o.objectionId === id);
const resolve = (at: string, objectionId: string, outcome: ObjectionOutcome, reason = '经核查') =>
  fed.call(at, (c) => c.resolveObjection, { objectionId, outcome, reason }).then((r: ResolveObjectionResponse) => r);

beforeAll(async () => {
  fed = await LifecycleFederation.start(NODES, spec);
  await fed.importAt('county-a', [record('o-1'), record('o-2'), record('o-3', 'penalty'), record('o-4')]);
  await fed.importAt('county-b', [record('b-1', 'penalty', 'county-b')]);
  for (const id of ['o-1', 'o-2', 'o-3', 'o-4', 'b-1']) await waitFor(async () => (await statusAt('city-b', id))?.status === ACTIVE, 30_000, `${id} at city-b`);
}, 180_000);

afterAll(async () => {
  await fed?.close();
});

describe('objections', () => {
  it('filed at the neighbour, it reaches the county; the resolution comes back to every platform', async () => {
    const filed = await file('city-b', 'o-1');
    expect(filed).toMatchObject({ originId: 'county-a', recordId: 'o-1', version: 1, filedAt: 'city-b', state: ObjectionState.OBJECTION_STATE_OPEN, receivedFrom: '', forwardedTo: 'city' });
    expect(await statusAt('city-b', 'o-1')).toEqual({ status: DISPUTED, version: '1' });

    const atCounty = await waitFor(() => objectionAt('county-a', filed.objectionId), 15_000, 'the objection at the county');
    expect(atCounty).toMatchObject({ filedAt: 'city-b', receivedFrom: 'city', forwardedTo: '', forwarded: true, reason: filed.reason, complainant: filed.complainant });
    expect(await objectionAt('city', filed.objectionId)).toMatchObject({ receivedFrom: 'city-b', forwardedTo: 'county-a', forwarded: true });
    await waitFor(async () => (await objectionAt('city-b', filed.objectionId))?.forwarded, 15_000, 'the city to acknowledge the objection');
    // The origin marks it disputed everywhere: its next version goes wherever the record went.
    for (const node of ['county-a', 'city', 'city-b']) {
      await waitFor(async () => (await statusAt(node, 'o-1'))?.version === '2', 15_000, `the disputed version at ${node}`);
      expect(await statusAt(node, 'o-1')).toEqual({ status: DISPUTED, version: '2' });
    }

    const resolved = await resolve('county-a', filed.objectionId, ObjectionOutcome.OBJECTION_OUTCOME_REVOKED, '核查属实，撤销列入决定');
    expect(resolved.queuedFor).toEqual(['city']);
    expect(resolved.record!).toMatchObject({ version: 3, status: REVOKED, statusChange: { previous: DISPUTED, objectionId: filed.objectionId, outcome: ObjectionOutcome.OBJECTION_OUTCOME_REVOKED } });
    expect(resolved.objection).toMatchObject({ state: ObjectionState.OBJECTION_STATE_RESOLVED, outcome: ObjectionOutcome.OBJECTION_OUTCOME_REVOKED, resolution: '核查属实，撤销列入决定' });
    for (const node of ['city', 'city-b']) {
      await waitFor(async () => (await objectionAt(node, filed.objectionId))?.state === ObjectionState.OBJECTION_STATE_RESOLVED, 15_000, `the outcome at ${node}`);
      expect(await objectionAt(node, filed.objectionId)).toMatchObject({ outcome: ObjectionOutcome.OBJECTION_OUTCOME_REVOKED, resolution: '核查属实，撤销列入决定' });
      expect(await statusAt(node, 'o-1')).toEqual({ status: REVOKED, version: '3' });
    }
  });

  it('upheld: the record counts again everywhere; corrected: only once the corrected version is imported', async () => {
    const upheld = await file('city', 'o-2');
    expect(upheld.forwardedTo).toBe('county-a');
    await waitFor(() => objectionAt('county-a', upheld.objectionId), 15_000, 'the objection at the county');
    await resolve('county-a', upheld.objectionId, ObjectionOutcome.OBJECTION_OUTCOME_UPHELD, '列入依据充分，维持');
    for (const node of ['county-a', 'city', 'city-b']) await waitFor(async () => (await statusAt(node, 'o-2'))?.status === ACTIVE && (await statusAt(node, 'o-2'))?.version === '3', 15_000, `o-2 active again at ${node}`);

    const corrected = await file('county-a', 'o-3', '', '处罚金额录入错误');
    expect(corrected).toMatchObject({ filedAt: 'county-a', forwardedTo: '', forwarded: true });
    const early = await refusal(resolve('county-a', corrected.objectionId, ObjectionOutcome.OBJECTION_OUTCOME_CORRECTED));
    expect(early).toMatchObject({ code: grpc.status.FAILED_PRECONDITION, reason: 'RECORD_STATUS_REFUSED' });
    expect(early.details).toContain('import the corrected record first');
    const fixed = record('o-3', 'penalty');
    if (fixed.details?.$case !== 'penalty') throw new Error('a penalty');
    // Importing the original row again changes nothing: the dispute stands.
    await fed.importAt('county-a', [fixed]);
    expect(await statusAt('county-a', 'o-3')).toEqual({ status: DISPUTED, version: '2' });
    // The corrected row is a new version, still disputed until the objection is resolved.
    await fed.importAt('county-a', [{ ...fixed, details: { $case: 'penalty', value: { ...fixed.details.value, fineWanYuan: '0.5' } } }]);
    expect(await statusAt('county-a', 'o-3')).toEqual({ status: DISPUTED, version: '3' });
    const done = await resolve('county-a', corrected.objectionId, ObjectionOutcome.OBJECTION_OUTCOME_CORRECTED, '金额已更正');
    expect(done.record).toMatchObject({ version: 4, status: ACTIVE, statusChange: { previous: DISPUTED, outcome: ObjectionOutcome.OBJECTION_OUTCOME_CORRECTED } });
    if (done.record?.details?.$case !== 'penalty') throw new Error('a penalty');
    expect(done.record.details.value.fineWanYuan).toBe('0.5');
    await waitFor(async () => (await statusAt('city-b', 'o-3'))?.version === '4', 15_000, 'the corrected version at city-b');
    // And importing the corrected row once more changes nothing either.
    await fed.importAt('county-a', [{ ...fixed, details: { $case: 'penalty', value: { ...fixed.details.value, fineWanYuan: '0.5' } } }]);
    expect(await statusAt('county-a', 'o-3')).toEqual({ status: ACTIVE, version: '4' });
  });

  it('an objection passed on while the next hop is offline arrives when it is back', async () => {
    await fed.stopNode('city');
    const filed = await file('city-b', 'o-4');
    await new Promise((r) => setTimeout(r, 1000));
    expect((await objectionAt('city-b', filed.objectionId))?.forwarded).toBe(false);
    await fed.startNode('city');
    await waitFor(() => objectionAt('county-a', filed.objectionId), 20_000, 'the objection at the county after the city is back');
    expect(await objectionAt('city-b', filed.objectionId)).toMatchObject({ forwarded: true });
  });

  it('feedback on a measure applied reaches the origin', async () => {
    const reported = await fed
      .call('city-b', (c) => c.reportFeedback, { originId: 'county-b', recordId: 'b-1', measure: '限制参加政府采购活动', appliedOn: '' })
      .then((r) => r.feedback!);
    expect(reported).toMatchObject({ reportedBy: 'city-b', forwardedTo: 'city', originId: 'county-b' });
    const atOrigin = await waitFor(async () => {
      const list: ListFeedbackResponse = await fed.call('county-b', (c) => c.listFeedback, { recordId: 'b-1', pageSize: 0, pageToken: '' });
      return list.feedback.find((f) => f.feedbackId === reported.feedbackId);
    }, 15_000, 'the feedback at county-b');
    expect(atOrigin).toMatchObject({ reportedBy: 'city-b', measure: '限制参加政府采购活动', appliedOn: reported.appliedOn, receivedFrom: 'city', forwardedTo: '' });
  });

  it('bad input is refused with its reason and changes nothing', async () => {
    const before = (await objectionsAt('city-b')).length;
    expect(await refusal(file('city-b', 'no-such-record'))).toMatchObject({ code: grpc.status.NOT_FOUND, reason: 'RECORD_NOT_FOUND' });
    expect(await refusal(file('city-b', 'o-2', 'county-a', ' '))).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, reason: 'OBJECTION_INVALID' });
    expect((await objectionsAt('city-b')).length).toBe(before);
    expect(await statusAt('city-b', 'o-2')).toEqual({ status: ACTIVE, version: '3' });

    const open = await file('city', 'o-2');
    const notOrigin = await refusal(resolve('city', open.objectionId, ObjectionOutcome.OBJECTION_OUTCOME_UPHELD));
    expect(notOrigin).toMatchObject({ code: grpc.status.FAILED_PRECONDITION, reason: 'NOT_ORIGIN' });
    expect(await refusal(resolve('county-a', '6d1f3c1e-1111-4a3b-9c1d-000000000000', ObjectionOutcome.OBJECTION_OUTCOME_UPHELD))).toMatchObject({
      code: grpc.status.NOT_FOUND,
      reason: 'OBJECTION_NOT_FOUND',
    });
    await waitFor(() => objectionAt('county-a', open.objectionId), 15_000, 'the objection at the county');
    expect(await refusal(resolve('county-a', open.objectionId, ObjectionOutcome.OBJECTION_OUTCOME_UNSPECIFIED))).toMatchObject({ reason: 'OBJECTION_INVALID' });
    await resolve('county-a', open.objectionId, ObjectionOutcome.OBJECTION_OUTCOME_UPHELD);
    expect(await refusal(resolve('county-a', open.objectionId, ObjectionOutcome.OBJECTION_OUTCOME_REVOKED))).toMatchObject({ code: grpc.status.FAILED_PRECONDITION, reason: 'OBJECTION_CLOSED' });
    expect(await statusAt('county-a', 'o-2')).toEqual({ status: ACTIVE, version: '5' });
    const feedback = await refusal(fed.call('city-b', (c) => c.reportFeedback, { originId: 'county-b', recordId: 'b-1', measure: '', appliedOn: '' }));
    expect(feedback).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, reason: 'FEEDBACK_INVALID' });
    // o-1 was revoked: nothing left to object to.
    expect(await refusal(file('county-a', 'o-1'))).toMatchObject({ code: grpc.status.FAILED_PRECONDITION, reason: 'RECORD_STATUS_REFUSED' });

    // A partner may pass on objections only about records its agreement lets it see: county-b's agreement at the
    // city allows no third-party records, so county-a's o-2, held at the city, is answered as not held.
    const asCountyB = await federationClientAs(fed.pki.certs.nodes['county-b']!, 'city', fed.ports.get('city')!);
    try {
      const forwarded = (recordId: string) =>
        new Promise((resolve, reject) =>
          asCountyB.forwardObjection(
            { objection: { ...open, objectionId: randomUUID(), recordId, filedTime: { seconds: Math.floor(Date.now() / 1000), nanos: 0 } } },
            (e: grpc.ServiceError | null) => (e ? reject(e) : resolve(undefined)),
          ),
        );
      const before = (await objectionsAt('city')).length;
      expect(await refusal(forwarded('o-2'))).toMatchObject({ code: grpc.status.NOT_FOUND, reason: 'RECORD_NOT_FOUND' });
      expect(await refusal(forwarded('no-such-record'))).toMatchObject({ code: grpc.status.NOT_FOUND, reason: 'RECORD_NOT_FOUND' });
      expect((await objectionsAt('city')).length).toBe(before);
    } finally {
      asCountyB.close();
    }
  });
});
