// Change feeds (issue 8, point 4) across four real gateways over loopback
// mutual TLS: two counties push to the city; the neighbouring city (city-b)
// follows the city's feed (partners[].subscribe) and also reads it raw as a
// partner. From an empty cursor a subscriber gets a full pull, then live
// changes; one that disconnects and resumes from its cursor misses nothing
// and sees nothing twice; a repair at a county changes the neighbour's
// federated verdict within 5 seconds; a follower stopped during a repair
// catches up when it is back; watched subjects report level changes; a
// partner's own records are not sent back; the agreement is checked again
// on the stream; bad cursors and filters are refused, changing nothing.
import * as grpc from '@grpc/grpc-js';
import YAML from 'yaml';
import { putAgreement } from '../../../src/agreements/agreement-admin.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminRecognizeResponse, ChangeRecordStatusRequest, ChangeRecordStatusResponse } from '../../../src/gen/credfed/v1/admin.js';
import { Purpose } from '../../../src/gen/credfed/v1/agreement.js';
import { FeedEventKind, type SubscribeRequest } from '../../../src/gen/credfed/v1/feed.js';
import type { FederationClient } from '../../../src/gen/credfed/v1/federation.js';
import { RecordStatus, type RecordCategory } from '../../../src/gen/credfed/v1/record.js';
import { CreditLevel, type Recognition } from '../../../src/gen/credfed/v1/verdict.js';
import { shanghaiDate } from '../../../src/core/lifecycle/publicity.js';
import { pruneFeed } from '../../../src/store/repos/feed-repo.js';
import { enterprise, recordOf } from '../../helpers/agreement-records.js';
import { FeedReader } from '../../helpers/feed-reader.js';
import { federationClientAs, waitFor } from '../../helpers/federation-fixture.js';
import { refusal } from '../../helpers/grpc-refusal.js';
import { newUscc } from '../../helpers/id-codes.js';
import { LifecycleFederation } from '../../helpers/lifecycle-federation.js';
import { openAgreement } from '../../helpers/test-agreements.js';

const NODES = ['county-a', 'county-b', 'city', 'city-b'];
const FIRM = newUscc();
const { SNAPSHOT, NEW, REVOKED } = {
  SNAPSHOT: FeedEventKind.FEED_EVENT_KIND_SNAPSHOT,
  NEW: FeedEventKind.FEED_EVENT_KIND_NEW,
  REVOKED: FeedEventKind.FEED_EVENT_KIND_REVOKED,
};
const ACTIVE = RecordStatus.RECORD_STATUS_ACTIVE;

let fed: LifecycleFederation;
let asCityB: FederationClient;
const readers: FeedReader[] = [];

const feed = { pollMs: 50 };
function spec(id: string, f: LifecycleFederation) {
  switch (id) {
    case 'county-a':
    case 'county-b':
      return { feed, partners: [f.partner('city', 'parent_city', { push: true })] };
    case 'city':
      return { feed, partners: [f.partner('county-a', 'child_county'), f.partner('county-b', 'child_county'), f.partner('city-b', 'peer_region', { relay: true })] };
    default:
      // city-b follows the city's feed and may store the third-party (county) records it carries.
      return { feed, partners: [f.partner('city', 'peer_region', { relay: true, subscribe: true })], recognition: { partnerDeadlineMs: 1500 } };
  }
}

const importAt = (id: string, records: Parameters<LifecycleFederation['importAt']>[1]) => fed.importAt(id, records);
const statusAt = (id: string, recordId: string) => fed.statusAt(id, recordId);
const change = (id: string, req: Partial<ChangeRecordStatusRequest>): Promise<ChangeRecordStatusResponse> =>
  fed.call(id, (c) => c.changeRecordStatus, { recordId: '', status: 0, reason: '', commitmentRef: '', decidedOn: '', originId: '', ...req });
const revoke = (recordId: string) => change('county-a', { recordId, status: RecordStatus.RECORD_STATUS_REVOKED, reason: '列入决定已被依法撤销' });
const federated = (identifier: string): Promise<Recognition> =>
  fed
    .call('city-b', (c) => c.recognize, { subject: { identifier, scheme: 0 }, purpose: Purpose.PURPOSE_BIDDING_REVIEW, reference: 'feed', federated: true })
    .then((r: AdminRecognizeResponse) => r.recognition!);

function read(req: Partial<SubscribeRequest> = {}): FeedReader {
  const r = new FeedReader(asCityB, req);
  readers.push(r);
  return r;
}
const firm = (uscc: string) => enterprise('沈阳示例物流有限公司', uscc);
const dishonesty = (uscc: string, id: string) => recordOf(firm(uscc), { origin: 'county-a', id, kind: 'dishonesty' });

beforeAll(async () => {
  fed = await LifecycleFederation.start(NODES, spec);
  asCityB = await federationClientAs(fed.pki.certs.nodes['city-b']!, 'city', fed.ports.get('city')!);
  await importAt('county-a', [dishonesty(FIRM, 'a-1')]);
  await importAt('county-b', [recordOf(firm(FIRM), { origin: 'county-b', id: 'b-1', kind: 'penalty' })]);
  await waitFor(async () => (await statusAt('city', 'a-1')) && (await statusAt('city', 'b-1')), 30_000, 'both county records at the city');
}, 180_000);

afterAll(async () => {
  for (const r of readers) r.close();
  asCityB?.close();
  await fed?.close();
});

describe('change feeds', () => {
  it('from an empty cursor: every record allowed (full pull), then changes as they are stored', async () => {
    const feed = read();
    await feed.until('the full pull', (ms) => ms.some((m) => m.event?.$case === 'snapshotEnd'));
    const end = feed.messages.findIndex((m) => m.event?.$case === 'snapshotEnd');
    const pulled = feed.messages.slice(0, end);
    expect(pulled.every((m) => m.cursor === '' && m.event?.$case === 'record' && m.event.value.kind === SNAPSHOT)).toBe(true);
    expect(feed.records().slice(0, end).sort()).toEqual([`a-1@1:${ACTIVE}/${SNAPSHOT}`, `b-1@1:${ACTIVE}/${SNAPSHOT}`]);
    expect(feed.messages[end]!.event).toEqual({ $case: 'snapshotEnd', value: { records: 2 } });
    expect(feed.messages[end]!.cursor).toMatch(/^c1\./);
    await feed.until('caught up', (ms) => ms.some((m) => m.event?.$case === 'caughtUp'));

    const other = newUscc();
    await importAt('county-a', [dishonesty(other, 'a-2')]);
    await feed.until('the new dishonesty-list entry', () => feed.records().includes(`a-2@1:${ACTIVE}/${NEW}`));
    const entry = feed.messages.find((m) => m.event?.$case === 'record' && m.event.value.record!.recordId === 'a-2')!;
    expect(entry.cursor).toMatch(/^c1\./);
    if (entry.event?.$case !== 'record') throw new Error('a record');
    expect(entry.event.value.record!.originId).toBe('county-a');
    expect(entry.event.value.storedAt).toBeDefined();
  });

  it("a partner's own records are not sent back to it", async () => {
    // county-a's agreement at the city lets it see the city's records and its own (no third parties).
    await fed.importAt('city', [recordOf(firm(FIRM), { origin: 'city', id: 'c-1', kind: 'licence' })], []);
    const asCountyA = await federationClientAs(fed.pki.certs.nodes['county-a']!, 'city', fed.ports.get('city')!);
    try {
      const feed = new FeedReader(asCountyA);
      readers.push(feed);
      await feed.until('the full pull', (ms) => ms.some((m) => m.event?.$case === 'snapshotEnd'));
      expect(feed.records()).toEqual([`c-1@1:${ACTIVE}/${SNAPSHOT}`]);
    } finally {
      asCountyA.close();
    }
  });

  it('a subscriber that resumes from its cursor misses nothing and sees nothing twice', async () => {
    // A reference subscriber reads without interruption from the same point.
    const first = read();
    await first.until('the full pull', (ms) => ms.some((m) => m.event?.$case === 'snapshotEnd'));
    const from = first.lastCursor();
    first.close();
    const reference = read({ cursor: from });
    const interrupted = read({ cursor: from });
    const ids = ['r-1', 'r-2', 'r-3', 'r-4', 'r-5', 'r-6'];
    const subject = newUscc();
    await importAt('county-a', [dishonesty(subject, 'r-1'), dishonesty(subject, 'r-2')]);
    await interrupted.until('the first changes', () => interrupted.records().length >= 2);
    await reference.until('the first changes at the reference', () => reference.records().length >= 2);
    interrupted.close();
    // While it is away: more records, and a revocation of one it has seen.
    await importAt('county-a', ids.slice(2).map((id) => dishonesty(subject, id)));
    await revoke('r-1');
    await reference.until('every change at the reference subscriber', () => reference.records().length === 7);
    const resumed = read({ cursor: interrupted.lastCursor() });
    await resumed.until('the changes missed', () => interrupted.records().length + resumed.records().length >= 7);
    await new Promise((r) => setTimeout(r, 500)); // nothing more may come
    const seen = [...interrupted.records(), ...resumed.records()];
    expect(seen).toEqual(reference.records());
    expect(new Set(seen).size).toBe(7);
    expect(seen).toContain(`r-1@2:${RecordStatus.RECORD_STATUS_REVOKED}/${REVOKED}`);
    expect(reference.records().filter((r) => r.startsWith('r-')).map((r) => r.split('@')[0]).sort()).toEqual([...ids, 'r-1'].sort());
  });

  it("a repair at a county changes the neighbour's federated verdict within 5 seconds", async () => {
    const subject = newUscc();
    // Listed 400 days ago: past the 12 months before a dishonesty-list entry may be repaired.
    const listed = shanghaiDate(Date.now() - 400 * 86_400_000);
    const entry = dishonesty(subject, 'f-1');
    if (entry.details?.$case !== 'dishonestyList') throw new Error('a dishonesty-list entry');
    await importAt('county-a', [{ ...entry, decisionDate: listed, publicity: undefined, details: { $case: 'dishonestyList', value: { ...entry.details.value, listedOn: listed } } }]);
    await waitFor(async () => (await federated(subject)).level === CreditLevel.CREDIT_LEVEL_DISHONEST, 15_000, 'the dishonesty entry in the federated answer');
    // Asked again: the partners' verdicts now come from city-b's cache.
    expect((await federated(subject)).level).toBe(CreditLevel.CREDIT_LEVEL_DISHONEST);
    await change('county-a', { recordId: 'f-1', status: RecordStatus.RECORD_STATUS_REPAIRED, reason: '已履行法定义务并完成信用修复', commitmentRef: 'CN-2026-0501' });
    const after = (await waitFor(async () => {
      const r = await federated(subject);
      return r.level !== CreditLevel.CREDIT_LEVEL_DISHONEST ? r : undefined;
    }, 5_000, 'the federated verdict at the neighbour to change'))!;
    expect(after.partial).toBe(false);
    expect(after.verdicts.map((v) => v.verdict!.issuer)).toEqual(['city-b', 'city']);
    expect(after.verdicts.every((v) => v.verdict!.basis.every((b) => b.recordId !== 'f-1'))).toBe(true);
    // The follower stored the repair: city-b's own verdict no longer counts the record either.
    expect(await statusAt('city-b', 'f-1')).toEqual({ status: RecordStatus.RECORD_STATUS_REPAIRED, version: '2' });
  });

  it('a follower stopped during a repair catches up when it is back', async () => {
    const subject = newUscc();
    const r = recordOf(firm(subject), { origin: 'county-a', id: 'p-9', kind: 'penalty' });
    if (r.details?.$case !== 'penalty') throw new Error('a penalty');
    await importAt('county-a', [{ ...r, decisionDate: '2025-01-06', publicity: undefined, details: { $case: 'penalty', value: { ...r.details.value, severity: 2 } } }]);
    await waitFor(async () => (await statusAt('city-b', 'p-9'))?.status === ACTIVE, 15_000, 'the penalty at city-b');
    await fed.stopNode('city-b');
    await change('county-a', { recordId: 'p-9', status: RecordStatus.RECORD_STATUS_REPAIRED, reason: '已完成整改', commitmentRef: 'CN-9' });
    await waitFor(async () => (await statusAt('city', 'p-9'))?.status === RecordStatus.RECORD_STATUS_REPAIRED, 15_000, 'the repair at the city');
    await fed.startNode('city-b');
    await waitFor(async () => (await statusAt('city-b', 'p-9'))?.status === RecordStatus.RECORD_STATUS_REPAIRED, 15_000, 'the repair at city-b after its restart');
    expect(await statusAt('city-b', 'p-9')).toEqual({ status: RecordStatus.RECORD_STATUS_REPAIRED, version: '2' });
  });

  it('watched subjects: their level now, then each change', async () => {
    const subject = newUscc();
    await importAt('county-a', [dishonesty(subject, 'w-1')]);
    await waitFor(async () => (await statusAt('city', 'w-1'))?.status === ACTIVE, 15_000, 'the entry at the city');
    const first = read();
    await first.until('the full pull', (ms) => ms.some((m) => m.event?.$case === 'snapshotEnd'));
    first.close();
    const feed = read({ cursor: first.lastCursor(), watch: [{ identifier: subject.toLowerCase(), scheme: 0 }] });
    await feed.until('the baseline', (ms) => ms.some((m) => m.event?.$case === 'levelChange'));
    expect(feed.messages[0]!.event).toMatchObject({
      $case: 'levelChange',
      value: { subject: { identifier: subject.toLowerCase() }, previous: CreditLevel.CREDIT_LEVEL_UNSPECIFIED, level: CreditLevel.CREDIT_LEVEL_DISHONEST },
    });
    await revoke('w-1');
    await feed.until('the level change', (ms) => ms.filter((m) => m.event?.$case === 'levelChange').length === 2);
    const moved = feed.messages.filter((m) => m.event?.$case === 'levelChange')[1]!;
    expect(moved.event).toMatchObject({ $case: 'levelChange', value: { previous: CreditLevel.CREDIT_LEVEL_DISHONEST } });
    if (moved.event?.$case !== 'levelChange') throw new Error('a level change');
    expect(moved.event.value.level).not.toBe(CreditLevel.CREDIT_LEVEL_DISHONEST);
    expect(moved.cursor).toMatch(/^c1\./);
  });

  it('the agreement is checked again on the stream: one that no longer allows pulling ends it', async () => {
    const feed = read();
    await feed.until('the full pull', (ms) => ms.some((m) => m.event?.$case === 'snapshotEnd'));
    const allowed = openAgreement('test-relay-city-b', { partners: ['city-b'] }, true);
    await putAgreement(fed.gateway('city').store, YAML.stringify({ ...allowed, directions: ['push', 'query'] }), { actor: 'cli/test' });
    try {
      const e = await feed.end(5_000);
      if (e === 'end') throw new Error('the stream ended without a refusal');
      expect(e.code).toBe(grpc.status.PERMISSION_DENIED);
      expect((await refusal(Promise.reject(e))).reason).toBe('DIRECTION_NOT_ALLOWED');
      const refused = await read().end();
      expect(refused !== 'end' && refused.code).toBe(grpc.status.PERMISSION_DENIED);
    } finally {
      await putAgreement(fed.gateway('city').store, YAML.stringify(allowed), { actor: 'cli/test' });
    }
    // Allowed again once the gateway has read the new version (every 200 ms here).
    await waitFor(() => read().until('a full pull', (ms) => ms.some((m) => m.event?.$case === 'snapshotEnd'), 3_000), 10_000, 'a full pull once pulling is allowed again');

    // Pull without query: the feed, but no watch list (levels are recognition answers).
    const { purposes: _purposes, ...pullOnly } = allowed;
    await putAgreement(fed.gateway('city').store, YAML.stringify({ ...pullOnly, directions: ['pull'] }), { actor: 'cli/test' });
    try {
      await waitFor(async () => {
        const e = await read({ watch: [{ identifier: FIRM, scheme: 0 }] }).end(3_000);
        return e !== 'end' && e.code === grpc.status.PERMISSION_DENIED && (await refusal(Promise.reject(e))).reason === 'DIRECTION_NOT_ALLOWED';
      }, 10_000, 'a watch list refused without query');
      await read().until('a feed without a watch list', (ms) => ms.some((m) => m.event?.$case === 'snapshotEnd'));
    } finally {
      await putAgreement(fed.gateway('city').store, YAML.stringify(allowed), { actor: 'cli/test' });
    }
  });

  it('bad cursors and filters are refused with the reason', async () => {
    const ended = async (req: Partial<SubscribeRequest>) => {
      const e = await read(req).end();
      if (e === 'end') throw new Error('the stream ended without an error');
      return { code: e.code, reason: (await refusal(Promise.reject(e))).reason, details: e.details };
    };
    expect(await ended({ cursor: 'not-a-cursor' })).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, reason: 'CURSOR_INVALID' });
    expect(await ended({ cursor: 'c1.' + Buffer.from('12:x').toString('base64url') })).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, reason: 'CURSOR_INVALID' });
    // A well-formed cursor of another feed (another database, e.g. before a restore).
    const foreign = 'c1.' + Buffer.from('00000000000040008000000000000000:1:1').toString('base64url');
    expect(await ended({ cursor: foreign })).toMatchObject({ code: grpc.status.FAILED_PRECONDITION, reason: 'CURSOR_EXPIRED' });
    expect(await ended({ categories: [42 as RecordCategory] })).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, reason: 'FEED_FILTER_INVALID' });
    const many = Array.from({ length: 1001 }, () => ({ identifier: FIRM, scheme: 0 }));
    const tooMany = await ended({ watch: many });
    expect(tooMany).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, reason: 'FEED_FILTER_INVALID' });
    expect(tooMany.details).toContain('1000');
    const broken = FIRM.slice(0, -1) + (FIRM.endsWith('0') ? '1' : '0');
    const malformed = await ended({ watch: [{ identifier: FIRM, scheme: 0 }, { identifier: broken, scheme: 0 }] });
    expect(malformed).toMatchObject({ code: grpc.status.INVALID_ARGUMENT, reason: 'IDENTIFIER_INVALID' });
    expect(malformed.details).toContain('watch[1]');

    // History pruned past a cursor: the subscriber is told to pull in full.
    const old = read();
    await old.until('the full pull', (ms) => ms.some((m) => m.event?.$case === 'snapshotEnd'));
    old.close();
    await importAt('county-a', [dishonesty(newUscc(), 'x-1')]);
    await waitFor(async () => (await statusAt('city', 'x-1'))?.status === ACTIVE, 15_000, 'x-1 at the city');
    expect(await pruneFeed(fed.gateway('city').store, 0)).toBeGreaterThan(0);
    expect(await ended({ cursor: old.lastCursor() })).toMatchObject({ code: grpc.status.FAILED_PRECONDITION, reason: 'CURSOR_EXPIRED' });
    // A full pull still works.
    const fresh = read();
    await fresh.until('a full pull after pruning', (ms) => ms.some((m) => m.event?.$case === 'snapshotEnd'));
    expect(fresh.records()).toContain(`x-1@1:${ACTIVE}/${SNAPSHOT}`);
  });

  it('a gateway that stops ends its feed streams with UNAVAILABLE, so subscribers resume from their cursors', async () => {
    const feed = read();
    await feed.until('caught up', (ms) => ms.some((m) => m.event?.$case === 'caughtUp'));
    const stopping = fed.stopNode('city');
    const e = await feed.end(10_000);
    await stopping;
    if (e === 'end') throw new Error('the stream ended without a status');
    expect(e.code).toBe(grpc.status.UNAVAILABLE);
    expect(e.details).toContain('the gateway is stopping');
  });
});
