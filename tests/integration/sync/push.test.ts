import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushRecordsResponse } from '../../../src/gen/credfed/v1/federation.js';
import { CreditRecord } from '../../../src/gen/credfed/v1/record.js';
import { IdentifierScheme } from '../../../src/gen/credfed/v1/subject.js';
import { reasonOf } from '../../../src/grpc/to-grpc-error.js';
import { ensureDevCertificates } from '../../../src/pki/dev-certs.js';
import { clientCredentials } from '../../../src/pki/grpc-credentials.js';
import { loadTlsFiles } from '../../../src/pki/tls-files.js';
import { generateRecords, sampleRecord } from '../../../src/sample/sample-records.js';
import type { Gateway } from '../../../src/server/gateway.js';
import { applyRecords } from '../../../src/store/repos/apply-records.js';
import {
  adminStatus,
  createPki,
  federationClientAs,
  freePort,
  partnerOf,
  seedRecords,
  startInProcess,
  waitFor,
  writeNodeConfig,
  type Pki,
} from '../../helpers/federation-fixture.js';
import { pushBatches } from '../../helpers/push-call.js';
import { createTestStoreConfig, type TestStoreConfig } from '../../helpers/store-fixture.js';
import { protectPersons } from '../../../src/core/persons/protect-persons.js';
import { TEST_PSEUDONYM_KEY } from '../../helpers/person-keys.js';

const SEEDED = 1234;
const LIMIT = 256 * 1024;

let pki: Pki;
let dir: string;
let cityStore: TestStoreConfig;
let countyStore: TestStoreConfig;
let city: Gateway;
let county: Gateway;
let cityPort: number;

beforeAll(async () => {
  pki = await createPki(['city', 'county-a', 'county-b', 'county-c', 'stranger']);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-push-'));
  [cityStore, countyStore] = await Promise.all([createTestStoreConfig(), createTestStoreConfig()]);
  cityPort = await freePort();
  const countyPort = await freePort();
  await seedRecords(countyStore, 'county-a', SEEDED, ['city']);
  city = await startInProcess(
    writeNodeConfig(pki, dir, {
      id: 'city',
      port: cityPort,
      store: cityStore,
      partners: [
        { id: 'county-a', kind: 'child_county' },
        { id: 'county-b', kind: 'child_county' },
        { id: 'county-c', kind: 'child_county' },
      ],
      limits: { maxMessageBytes: LIMIT },
    }),
  );
  county = await startInProcess(
    writeNodeConfig(pki, dir, {
      id: 'county-a',
      port: countyPort,
      store: countyStore,
      partners: [{ id: 'city', kind: 'parent_city', port: cityPort }],
      sync: { batchSize: 100, window: 3 },
      limits: { maxMessageBytes: LIMIT },
    }),
  );
});

afterAll(async () => {
  await Promise.allSettled([city?.stop(), county?.stop()]);
  await Promise.allSettled([cityStore?.cleanup(), countyStore?.cleanup()]);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(pki.dir, { recursive: true, force: true });
});

async function cityVersion(recordId: string): Promise<number | undefined> {
  const { rows } = await city.store.query<{ version: string }>(
    `SELECT version FROM records WHERE origin_id = 'county-a' AND record_id = $1`,
    [recordId],
  );
  return rows[0] ? Number(rows[0].version) : undefined;
}

describe('county to city push over mutual TLS', () => {
  it('delivers every queued record exactly once, across many batches', async () => {
    await waitFor(async () => partnerOf(await county.status(), 'city').pending === 0, 60_000, 'county outbox drained');
    const cityStatus = await adminStatus(pki, 'city', cityPort);
    const fromCounty = partnerOf(cityStatus, 'county-a');
    expect(cityStatus.recordsHeld).toBe(SEEDED);
    expect(fromCounty.inboundLastSeq).toBe(SEEDED);
    expect(fromCounty.inboundAccepted).toBe(SEEDED);
    expect(fromCounty.inboundUnchanged).toBe(0);
    const countyToCity = partnerOf(await county.status(), 'city');
    expect(countyToCity.lastAckedSeq).toBe(SEEDED);
    expect(countyToCity.lastSeq).toBe(SEEDED);
  });

  it('re-importing unchanged records queues nothing; a changed record arrives as the next version', async () => {
    // As stored at import: natural persons under their pseudonyms (seedRecords).
    const records = generateRecords({ originId: 'county-a', count: 50 }).map((r) => protectPersons(r, { keys: [TEST_PSEUDONYM_KEY] }).value!.record);
    const again = await county.store.transaction((tx) =>
      applyRecords(tx, records, { receivedFrom: 'local', assignVersions: true, outboxPartners: ['city'] }),
    );
    expect(again.every((o) => o === 'unchanged')).toBe(true);
    expect(partnerOf(await county.status(), 'city').lastSeq).toBe(SEEDED);

    const changed = { ...records[7]!, subject: { ...records[7]!.subject!, name: '更名后的公司' } };
    const outcome = await county.store.transaction((tx) =>
      applyRecords(tx, [changed], { receivedFrom: 'local', assignVersions: true, outboxPartners: ['city'] }),
    );
    expect(outcome).toEqual(['accepted']);
    county.notifyOutbox();
    await waitFor(async () => (await cityVersion(changed.recordId)) === 2, 20_000, 'version 2 at the city');
    expect((await adminStatus(pki, 'city', cityPort)).recordsHeld).toBe(SEEDED);
  });

  it('rejects bad records one by one with reasons and stores the rest of the batch', async () => {
    const client = await federationClientAs(pki.certs.nodes['county-b']!, 'city', cityPort);
    const good = sampleRecord('county-b', '210124', 1);
    const badId = sampleRecord('county-b', '210124', 2);
    const usccAt = badId.subject!.identifiers.findIndex((i) => i.scheme === IdentifierScheme.IDENTIFIER_SCHEME_USCC);
    const wrongUscc = sampleRecord('county-b', '210124', 2).subject!.identifiers[usccAt]!.value.slice(0, 17) + '0';
    badId.subject!.identifiers[usccAt] = { scheme: IdentifierScheme.IDENTIFIER_SCHEME_USCC, value: wrongUscc === badId.subject!.identifiers[usccAt]!.value ? `${wrongUscc.slice(0, 17)}1` : wrongUscc, masked: '' };
    const foreign = sampleRecord('county-a', '210112', 999_999);
    const noCategory = { ...sampleRecord('county-b', '210124', 3), category: 0 };
    const out = await pushBatches(client, [
      [
        { seq: 1, record: good },
        { seq: 2, record: badId },
        { seq: 3, record: foreign },
        { seq: 4, record: noCategory },
      ],
    ]);
    client.close();
    expect(out.error).toBeUndefined();
    expect(out.resumeSeq).toBe(0);
    expect(out.acks).toHaveLength(1);
    const ack = out.acks[0]!;
    expect(ack.throughSeq).toBe(4);
    expect(ack.accepted).toBe(1);
    expect(ack.rejections.map((r) => [r.seq, r.reason])).toEqual([
      [2, 'IDENTIFIER_INVALID'],
      [3, 'RECORD_ORIGIN_MISMATCH'],
      [4, 'RECORD_CATEGORY_UNKNOWN'],
    ]);
    expect(ack.rejections[0]!.field).toBe(`subject.identifiers[${usccAt}].value`);
  });

  it('is idempotent: a resent batch and an older version change nothing, a newer version replaces', async () => {
    const client = await federationClientAs(pki.certs.nodes['county-b']!, 'city', cityPort);
    const v1 = sampleRecord('county-b', '210124', 10);
    const v3 = { ...v1, version: 3, subject: { ...v1.subject!, name: '第三版名称' } };
    const first = await pushBatches(client, [[{ seq: 5, record: v3 }]]);
    expect(first.resumeSeq).toBe(4);
    expect(first.acks[0]).toMatchObject({ throughSeq: 5, accepted: 1, unchanged: 0 });
    // Same sequence again (a resend after a lost ack): skipped by the cursor.
    const resent = await pushBatches(client, [[{ seq: 5, record: v3 }]]);
    expect(resent.acks[0]).toMatchObject({ throughSeq: 5, accepted: 0, unchanged: 1 });
    // Older and equal versions under new sequences: never overwrite.
    const older = await pushBatches(client, [[{ seq: 6, record: v1 }, { seq: 7, record: v3 }]]);
    expect(older.acks[0]).toMatchObject({ throughSeq: 7, accepted: 0, unchanged: 2 });
    const { rows } = await city.store.query<{ version: string; payload: Buffer }>(
      `SELECT version, payload FROM records WHERE origin_id = 'county-b' AND record_id = $1`,
      [v1.recordId],
    );
    expect(rows).toHaveLength(1);
    expect(Number(rows[0]!.version)).toBe(3);
    expect(CreditRecord.decode(rows[0]!.payload).subject!.name).toBe('第三版名称');
    client.close();
  });

  it('commits batches held at once in order: versions of one record across them end at the newest', async () => {
    const client = await federationClientAs(pki.certs.nodes['county-c']!, 'city', cityPort);
    const shared = sampleRecord('county-c', '210124', 500);
    // Eight batches sent without waiting: each carries fresh records and a newer version of the shared one.
    const batches = Array.from({ length: 8 }, (_, b) => [
      ...Array.from({ length: 20 }, (_, i) => ({ seq: b * 21 + i + 1, record: sampleRecord('county-c', '210124', 1000 + b * 20 + i) })),
      { seq: b * 21 + 21, record: { ...shared, version: b + 1 } },
    ]);
    const out = await pushBatches(client, batches, 30_000, { pipelined: true });
    client.close();
    expect(out.error).toBeUndefined();
    expect(out.acks.map((a) => a.throughSeq)).toEqual(batches.map((b) => b.at(-1)!.seq));
    expect(out.acks.every((a) => a.accepted === 21 && a.rejections.length === 0)).toBe(true);
    const { rows } = await city.store.query<{ n: number; newest: string }>(
      `SELECT count(*)::int AS n, max(version) FILTER (WHERE record_id = $1) AS newest FROM records WHERE origin_id = 'county-c'`,
      [shared.recordId],
    );
    expect(rows[0]).toEqual({ n: 8 * 20 + 1, newest: '8' });
    expect(partnerOf(await adminStatus(pki, 'city', cityPort), 'county-c').inboundLastSeq).toBe(8 * 21);
  });

  it('ends a stream whose cursor another stream of the same sender moved with ABORTED / SYNC_CURSOR_MOVED, keeping nothing of it', async () => {
    const [first, second] = await Promise.all([0, 1].map(() => federationClientAs(pki.certs.nodes['county-c']!, 'city', cityPort)));
    const start = partnerOf(await adminStatus(pki, 'city', cityPort), 'county-c').inboundLastSeq;
    // The first stream learns where to resume, then the second stream commits from there.
    const call = first!.pushRecords({ deadline: Date.now() + 15_000 });
    const events: PushRecordsResponse[] = [];
    const ended = new Promise<grpc.ServiceError | undefined>((resolve) => {
      call.on('data', (m: PushRecordsResponse) => events.push(m));
      call.on('error', (e: grpc.ServiceError) => resolve(e));
      call.on('end', () => resolve(undefined));
    });
    await waitFor(() => events.length > 0, 10_000, 'resume on the first stream');
    expect(events[0]!.message?.$case === 'resume' && events[0]!.message.value.lastSeq).toBe(start);
    const out = await pushBatches(second!, [[{ seq: start + 1, record: sampleRecord('county-c', '210124', 2000) }]]);
    expect(out.acks).toHaveLength(1);
    call.write({ message: { $case: 'batch', value: { records: [{ seq: start + 1, record: sampleRecord('county-c', '210124', 2001) }] } } });
    const error = await ended;
    first!.close();
    second!.close();
    expect(error?.code).toBe(grpc.status.ABORTED);
    expect(reasonOf(error!)).toBe('SYNC_CURSOR_MOVED');
    const { rows } = await city.store.query(`SELECT 1 FROM records WHERE origin_id = 'county-c' AND record_id = $1`, [sampleRecord('county-c', '210124', 2001).recordId]);
    expect(rows).toHaveLength(0);
    expect(partnerOf(await adminStatus(pki, 'city', cityPort), 'county-c').inboundLastSeq).toBe(start + 1);
  });

  it('ends the stream with INVALID_ARGUMENT / PROTOCOL_VIOLATION on out-of-order sequences', async () => {
    const client = await federationClientAs(pki.certs.nodes['county-b']!, 'city', cityPort);
    const out = await pushBatches(client, [[{ seq: 20, record: sampleRecord('county-b', '210124', 20) }, { seq: 19, record: sampleRecord('county-b', '210124', 19) }]]);
    client.close();
    expect(out.error?.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(out.error?.reason).toBe('PROTOCOL_VIOLATION');
    expect(partnerOf(await adminStatus(pki, 'city', cityPort), 'county-b').inboundLastSeq).toBe(7);
  });

  it('refuses an oversized message with RESOURCE_EXHAUSTED and keeps nothing of it', async () => {
    const client = await federationClientAs(pki.certs.nodes['county-b']!, 'city', cityPort);
    const huge = sampleRecord('county-b', '210124', 30);
    huge.subject!.name = '大'.repeat(LIMIT);
    const out = await pushBatches(client, [[{ seq: 8, record: huge }]]);
    client.close();
    expect(out.error?.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(partnerOf(await adminStatus(pki, 'city', cityPort), 'county-b').inboundLastSeq).toBe(7);
  });

  it('answers undecodable bytes with INVALID_ARGUMENT / PROTOCOL_VIOLATION, and keeps serving', async () => {
    const raw = grpc.makeGenericClientConstructor(
      {
        pushRecords: {
          path: '/credfed.v1.Federation/PushRecords',
          requestStream: true,
          responseStream: true,
          requestSerialize: (b: Buffer) => b,
          requestDeserialize: (b: Buffer) => b,
          responseSerialize: (b: Buffer) => b,
          responseDeserialize: (b: Buffer) => b,
        },
      },
      'RawFederation',
    );
    const tls = await loadTlsFiles(pki.certs.nodes['county-b']!);
    const client = new raw(`127.0.0.1:${cityPort}`, clientCredentials(tls, { federation: 'demo', kind: 'partner', id: 'city' }), {
      'grpc.ssl_target_name_override': 'city',
    });
    const failure = await new Promise<grpc.ServiceError>((resolve) => {
      const call = (client as unknown as { pushRecords(o: object): grpc.ClientDuplexStream<Buffer, Buffer> }).pushRecords({
        deadline: Date.now() + 10_000,
      });
      call.on('data', () => call.write(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01])));
      call.on('error', resolve);
    });
    client.close();
    expect(failure.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(reasonOf(failure)).toBe('PROTOCOL_VIOLATION');
    expect((await adminStatus(pki, 'city', cityPort)).nodeId).toBe('city');
  });

  it('refuses callers that are not configured partners, or not from our CA, or not admins', async () => {
    const stranger = await federationClientAs(pki.certs.nodes.stranger!, 'city', cityPort);
    const out = await pushBatches(stranger, [[{ seq: 1, record: sampleRecord('stranger', '210100', 1) }]]);
    stranger.close();
    expect(out.error?.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(out.error?.reason).toBe('PEER_UNKNOWN');

    const otherDir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-other-ca-'));
    const other = await ensureDevCertificates({ dir: otherDir, federation: 'demo', nodes: ['county-a'], admins: [] });
    const forged = await federationClientAs(
      { ...other.nodes['county-a']!, caFile: pki.certs.caCertFile },
      'city',
      cityPort,
    );
    const refused = await pushBatches(forged, [[{ seq: 1, record: sampleRecord('county-a', '210112', 1) }]], 5_000);
    forged.close();
    fs.rmSync(otherDir, { recursive: true, force: true });
    expect(refused.error?.code).toBe(grpc.status.UNAVAILABLE);
    expect(refused.resumeSeq).toBeUndefined();

    // A partner certificate may not call the Admin service.
    const asPartner = { ...pki, certs: { ...pki.certs, admins: { ops: pki.certs.nodes['county-a']! } } };
    const denied = await adminStatus(asPartner, 'city', cityPort).catch((e: grpc.ServiceError) => e);
    expect((denied as grpc.ServiceError).code).toBe(grpc.status.PERMISSION_DENIED);
    expect(reasonOf(denied)).toBe('PEER_NOT_ALLOWED');
  });
});
