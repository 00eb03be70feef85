// Natural persons across the federation (real gateways over loopback mTLS,
// real stores): counties send only pseudonyms and masked forms; one person
// imported at two counties under the same federation key is ONE subject at the
// city; a sender that pushes a clear number has it pseudonymised (re-encoded)
// at the city; a gateway without a key rejects such a record.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { pseudonymise } from '../../../src/core/persons/index.js';
import { CreditRecord } from '../../../src/gen/credfed/v1/record.js';
import { IdentifierScheme, SubjectKind } from '../../../src/gen/credfed/v1/subject.js';
import { ChunkWriter } from '../../../src/importer/chunk-writer.js';
import { loadPersonsProtection } from '../../../src/persons/persons-protection.js';
import { rekeyPersons } from '../../../src/persons/rekey.js';
import { sampleRecord } from '../../../src/sample/sample-records.js';
import type { Gateway } from '../../../src/server/gateway.js';
import {
  createPki,
  federationClientAs,
  freePort,
  partnerOf,
  startInProcess,
  waitFor,
  writeNodeConfig,
  type Pki,
} from '../../helpers/federation-fixture.js';
import { TEST_PSEUDONYM_KEY } from '../../helpers/person-keys.js';
import { pushBatches } from '../../helpers/push-call.js';
import { createTestStoreConfig, type TestStoreConfig } from '../../helpers/store-fixture.js';

const RIC = '11010519491231002X';
const BIRTH = '19491231';
const RIC_SCHEME = IdentifierScheme.IDENTIFIER_SCHEME_RESIDENT_ID;
const PSEUDONYM = IdentifierScheme.IDENTIFIER_SCHEME_RESIDENT_ID_PSEUDONYM;

let pki: Pki;
let dir: string;
const stores: TestStoreConfig[] = [];
const gateways: Gateway[] = [];
let city: Gateway;
let countyA: Gateway;
let countyB: Gateway;
let cityPort: number;
let barePort: number;

/** A record about the person (RIC written as a source might), from `origin`. */
const personRecord = (origin: string, i: number): CreditRecord => ({
  ...sampleRecord(origin, '210112', i),
  subject: {
    kind: SubjectKind.SUBJECT_KIND_NATURAL_PERSON,
    name: '王芳',
    identifiers: [{ scheme: RIC_SCHEME, value: `${RIC.slice(0, 17)}x`, masked: '' }],
    legalRepresentative: '',
  },
});

async function importAt(gateway: Gateway, records: CreditRecord[]): Promise<void> {
  const writer = new ChunkWriter(gateway.store, ['city'], loadPersonsProtection(gateway.config.persons));
  for (const r of records) expect(await writer.add(r)).toBeUndefined();
  await writer.flush();
  gateway.notifyOutbox();
}

beforeAll(async () => {
  pki = await createPki(['city', 'county-a', 'county-b', 'neighbour', 'bare']);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-persons-sync-'));
  const [cityStore, aStore, bStore, bareStore] = await Promise.all([1, 2, 3, 4].map(() => createTestStoreConfig()));
  stores.push(cityStore!, aStore!, bStore!, bareStore!);
  [cityPort, barePort] = [await freePort(), await freePort()];
  const start = async (file: string) => {
    const g = await startInProcess(file);
    gateways.push(g);
    return g;
  };
  city = await start(
    writeNodeConfig(pki, dir, {
      id: 'city',
      port: cityPort,
      store: cityStore!,
      partners: [
        { id: 'county-a', kind: 'child_county' },
        { id: 'county-b', kind: 'child_county' },
        { id: 'neighbour', kind: 'peer_region' },
      ],
    }),
  );
  await start(writeNodeConfig(pki, dir, { id: 'bare', port: barePort, store: bareStore!, partners: [{ id: 'neighbour', kind: 'peer_region' }], persons: {} }));
  const county = (id: string, store: TestStoreConfig) =>
    start(writeNodeConfig(pki, dir, { id, port: 0, store, partners: [{ id: 'city', kind: 'parent_city', port: cityPort }] }));
  [countyA, countyB] = [await county('county-a', aStore!), await county('county-b', bStore!)];
});

afterAll(async () => {
  await Promise.allSettled(gateways.map((g) => g.stop()));
  await Promise.allSettled(stores.map((s) => s.cleanup()));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(pki.dir, { recursive: true, force: true });
});

const payloadAt = async (g: Gateway, origin: string, recordId: string) =>
  (await g.store.query<{ payload: Buffer; subject_id: string }>('SELECT payload, subject_id FROM records WHERE origin_id = $1 AND record_id = $2', [origin, recordId])).rows[0];

describe('natural persons across the federation', () => {
  const fromA = personRecord('county-a', 1);
  const fromB = personRecord('county-b', 1);

  it('counties send pseudonyms and masked forms only; the city stores the bytes as sent and one subject for the person', async () => {
    await importAt(countyA, [fromA, sampleRecord('county-a', '210112', 2)]);
    await importAt(countyB, [fromB]);
    for (const [g, id] of [[countyA, 'county-a'], [countyB, 'county-b']] as const) {
      await waitFor(async () => partnerOf(await g.status(), 'city').pending === 0 && (await payloadAt(city, id, id === 'county-a' ? fromA.recordId : fromB.recordId)), 30_000, `${id} synced`);
    }
    const atCity = (await city.store.query<{ payload: Buffer }>('SELECT payload FROM records')).rows.map((r) => Buffer.from(r.payload).toString('latin1')).join('\n');
    expect(atCity).not.toContain(RIC);
    expect(atCity).not.toContain(BIRTH);
    const a = (await payloadAt(city, 'county-a', fromA.recordId))!;
    const b = (await payloadAt(city, 'county-b', fromB.recordId))!;
    expect(CreditRecord.decode(a.payload).subject!.identifiers).toEqual([
      { scheme: PSEUDONYM, value: pseudonymise(RIC, TEST_PSEUDONYM_KEY), masked: '110105********002X' },
    ]);
    // The county's stored bytes travel end to end.
    expect(Buffer.from(a.payload).equals(Buffer.from((await payloadAt(countyA, 'county-a', fromA.recordId))!.payload))).toBe(true);
    expect(b.subject_id).toBe(a.subject_id);
    // Nothing in clear reached the city, so it holds no sealed number.
    expect((await city.store.query('SELECT 1 FROM person_identities')).rows).toHaveLength(0);
    // Each county sealed its own number.
    expect((await countyA.store.query('SELECT 1 FROM person_identities')).rows).toHaveLength(1);
  });

  it('a sender pushing a clear number has it pseudonymised at the city (re-encoded), on the same subject', async () => {
    const client = await federationClientAs(pki.certs.nodes['neighbour']!, 'city', cityPort);
    try {
      const record = { ...personRecord('neighbour', 1), version: 1 };
      const out = await pushBatches(client, [[{ seq: 1, record }]]);
      expect(out.error).toBeUndefined();
      expect(out.acks[0]).toMatchObject({ accepted: 1, rejections: [] });
      const stored = (await payloadAt(city, 'neighbour', record.recordId))!;
      expect(Buffer.from(stored.payload).toString('latin1')).not.toContain(BIRTH);
      expect(CreditRecord.decode(stored.payload).subject!.identifiers).toEqual([
        { scheme: PSEUDONYM, value: pseudonymise(RIC, TEST_PSEUDONYM_KEY), masked: '110105********002X' },
      ]);
      expect(stored.subject_id).toBe((await payloadAt(city, 'county-a', fromA.recordId))!.subject_id);
      expect((await city.store.query('SELECT 1 FROM person_identities')).rows).toHaveLength(1);
      const ids = (await city.store.query<{ value: string }>('SELECT value FROM subject_identifiers')).rows.map((r) => r.value).join('\n');
      expect(ids).not.toContain(BIRTH);
    } finally {
      client.close();
    }
  });

  it('a gateway without a pseudonym key rejects a clear number per record (PSEUDONYM_KEY_MISSING) and stores the rest', async () => {
    const client = await federationClientAs(pki.certs.nodes['neighbour']!, 'bare', barePort);
    try {
      const person = { ...personRecord('neighbour', 2), version: 1 };
      const company = { ...sampleRecord('neighbour', '210500', 3), version: 1 };
      const pseudonymous = { ...personRecord('neighbour', 4), version: 1 };
      pseudonymous.subject = { ...pseudonymous.subject!, identifiers: [{ scheme: PSEUDONYM, value: pseudonymise(RIC, TEST_PSEUDONYM_KEY), masked: '110105********002X' }] };
      const out = await pushBatches(client, [[{ seq: 1, record: person }, { seq: 2, record: company }, { seq: 3, record: pseudonymous }]]);
      expect(out.error).toBeUndefined();
      expect(out.acks[0]!.accepted).toBe(2);
      expect(out.acks[0]!.rejections).toEqual([expect.objectContaining({ seq: 1, reason: 'PSEUDONYM_KEY_MISSING' })]);
      const bare = gateways[1]!;
      expect(bare.config.nodeId).toBe('bare');
      const held = (await bare.store.query<{ payload: Buffer }>('SELECT payload FROM records')).rows.map((r) => Buffer.from(r.payload).toString('latin1')).join('\n');
      expect(held).not.toContain(BIRTH);
    } finally {
      client.close();
    }
  });

  it('key rotation: rekey at a county queues its records with the new pseudonym, and the city links it to the same person', async () => {
    const newKey = { id: 'test-2', secret: Buffer.alloc(32, 0x44) };
    const configured = loadPersonsProtection(countyA.config.persons);
    const rotated = { ...configured, policy: { ...configured.policy, keys: [...configured.policy.keys, newKey] } };
    const summary = await rekeyPersons(countyA.store, rotated, { resend: { originId: 'county-a', outboxPartners: ['city'] } });
    expect(summary).toMatchObject({ numbers: 1, linked: 1, resent: 1, unreadable: 0 });
    countyA.notifyOutbox();
    const newP = pseudonymise(RIC, newKey);
    const subjectAtCity = async (value: string) =>
      (await city.store.query<{ subject_id: string }>('SELECT subject_id FROM subject_identifiers WHERE scheme = 8 AND value = $1', [value])).rows[0]?.subject_id;
    await waitFor(() => subjectAtCity(newP), 30_000, 'the new pseudonym at the city');
    expect(await subjectAtCity(newP)).toBe((await payloadAt(city, 'county-b', fromB.recordId))!.subject_id);
    const stored = (await payloadAt(city, 'county-a', fromA.recordId))!;
    expect(CreditRecord.decode(stored.payload).version).toBe(2);
    expect(Buffer.from(stored.payload).toString('latin1')).not.toContain(BIRTH);
  });

  it('loads the keys named in the configuration', () => {
    const config = loadConfig(path.join(dir, `city-${cityPort}.yaml`), {});
    expect(config.persons.pseudonymKeys.map((k) => k.id)).toEqual([TEST_PSEUDONYM_KEY.id]);
  });
});
