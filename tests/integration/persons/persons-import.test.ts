// Natural persons at a local import (`credfed import`, real store): the clear
// resident identity number never reaches records, the outbox or the identifier
// graph; it is kept sealed (or not at all), and rejected without a key.
// Key rotation: `credfed persons rekey` links the new key's pseudonyms.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { openNumber, pseudonymise, sealKeyFrom, type PseudonymKey } from '../../../src/core/persons/index.js';
import { CreditRecord } from '../../../src/gen/credfed/v1/record.js';
import { IdentifierScheme, SubjectKind } from '../../../src/gen/credfed/v1/subject.js';
import { readKeyFile } from '../../../src/persons/key-file.js';
import { sampleRecord } from '../../../src/sample/sample-records.js';
import { openStore, type Store } from '../../../src/store/store.js';
import { credfed } from '../../helpers/cli-run.js';
import { newEncryptionKeyFile, TEST_PSEUDONYM_KEY, testPseudonymKeyFile, writeKey } from '../../helpers/person-keys.js';
import { createTestStoreConfig, type TestStoreConfig } from '../../helpers/store-fixture.js';

const NODE_ID = 'county-a';
const RIC = '11010519491231002X';
const BIRTH = '19491231';
const PSEUDONYM = IdentifierScheme.IDENTIFIER_SCHEME_RESIDENT_ID_PSEUDONYM;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-persons-import-'));
const stores: TestStoreConfig[] = [];
afterAll(async () => {
  await Promise.allSettled(stores.map((s) => s.cleanup()));
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A natural person's record (the RIC written loosely, as a source might), and a company's. */
const personRecord = (i: number): CreditRecord => ({
  ...sampleRecord(NODE_ID, '210112', i),
  subject: {
    kind: SubjectKind.SUBJECT_KIND_NATURAL_PERSON,
    name: '王芳',
    identifiers: [{ scheme: IdentifierScheme.IDENTIFIER_SCHEME_RESIDENT_ID, value: '110105 1949 1231 002x', masked: '' }],
    legalRepresentative: '',
  },
});
const ndjson = path.join(tmp, 'records.ndjson');
fs.writeFileSync(ndjson, [personRecord(1), sampleRecord(NODE_ID, '210112', 2)].map((r) => JSON.stringify(CreditRecord.toJSON(r))).join('\n') + '\n');

async function node(name: string, persons: Record<string, unknown> | undefined) {
  const store = await createTestStoreConfig();
  stores.push(store);
  const file = path.join(tmp, `${name}.yaml`);
  fs.writeFileSync(
    file,
    YAML.stringify({
      node: { id: NODE_ID },
      store: store.databaseUrl ? { databaseUrl: store.databaseUrl } : { dataDir: store.dataDir },
      tls: { ca: 'nowhere/ca.crt', cert: 'nowhere/a.crt', key: 'nowhere/a.key' },
      partners: [{ id: 'city', kind: 'parent_city', endpoint: '127.0.0.1:1' }],
      ...(persons ? { persons } : {}),
    }),
  );
  return { file, store };
}

async function withStore<T>(store: TestStoreConfig, fn: (s: Store) => Promise<T>): Promise<T> {
  const s = await openStore({ dataDir: store.dataDir, databaseUrl: store.databaseUrl });
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

/** Every byte the store holds in records, the outbox and the identifier graph, as text. */
async function storedBytes(s: Store): Promise<string> {
  const records = (await s.query<{ payload: Buffer }>('SELECT payload FROM records')).rows.map((r) => Buffer.from(r.payload).toString('latin1'));
  const outbox = (await s.query<{ payload: Buffer }>('SELECT payload FROM outbox')).rows.map((r) => Buffer.from(r.payload).toString('latin1'));
  const ids = (await s.query<{ value: string }>('SELECT value FROM subject_identifiers')).rows.map((r) => r.value);
  expect(records.length).toBeGreaterThan(0);
  expect(outbox.length).toBeGreaterThan(0);
  return [...records, ...outbox, ...ids].join('\n');
}

const personPayload = async (s: Store): Promise<CreditRecord> => {
  const { rows } = await s.query<{ payload: Buffer }>(`SELECT payload FROM records WHERE record_id = $1`, [personRecord(1).recordId]);
  return CreditRecord.decode(rows[0]!.payload);
};

describe('natural persons at a local import', () => {
  const encryptionKey = newEncryptionKeyFile('import');
  const persons = { pseudonymKeys: [{ id: TEST_PSEUDONYM_KEY.id, file: testPseudonymKeyFile() }], encryptionKeyFile: encryptionKey };
  let encrypted: Awaited<ReturnType<typeof node>>;

  it('stores only pseudonyms and the masked form; the number is sealed and opens again', async () => {
    encrypted = await node('encrypted', persons);
    const run = await credfed(['import', ndjson, '-c', encrypted.file, '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ accepted: 2, rejected: 0 });
    await withStore(encrypted.store, async (s) => {
      const bytes = await storedBytes(s);
      expect(bytes).not.toContain(RIC);
      expect(bytes).not.toContain(BIRTH);
      const pseudonym = pseudonymise(RIC, TEST_PSEUDONYM_KEY);
      expect((await personPayload(s)).subject!.identifiers).toEqual([{ scheme: PSEUDONYM, value: pseudonym, masked: '110105********002X' }]);
      const linked = await s.query('SELECT subject_id FROM subject_identifiers WHERE scheme = 8 AND value = $1', [pseudonym]);
      expect(linked.rows).toHaveLength(1);
      const sealed = (await s.query<{ pseudonym: string; key_id: string; ciphertext: Buffer; nonce: Buffer }>('SELECT * FROM person_identities')).rows;
      expect(sealed.map((r) => [r.pseudonym, r.key_id])).toEqual([[pseudonym, TEST_PSEUDONYM_KEY.id]]);
      expect(Buffer.from(sealed[0]!.ciphertext).toString('latin1')).not.toContain(BIRTH);
      const key = sealKeyFrom(readKeyFile(encryptionKey).value!);
      expect(openNumber(sealed[0]!, pseudonym, key).value).toBe(RIC);
    });
  });

  it('re-importing the same file changes nothing (no second sealed row, no new version)', async () => {
    const run = await credfed(['import', ndjson, '-c', encrypted.file, '--json']);
    expect(JSON.parse(run.stdout)).toMatchObject({ accepted: 0, unchanged: 2 });
    await withStore(encrypted.store, async (s) => {
      expect((await s.query('SELECT 1 FROM person_identities')).rows).toHaveLength(1);
    });
  });

  it('with residentIdStorage none keeps no number at all, and still only pseudonyms', async () => {
    const none = await node('none', { pseudonymKeys: persons.pseudonymKeys, residentIdStorage: 'none' });
    const run = await credfed(['import', ndjson, '-c', none.file, '--json']);
    expect(run.code, run.stderr).toBe(0);
    await withStore(none.store, async (s) => {
      expect((await s.query('SELECT 1 FROM person_identities')).rows).toHaveLength(0);
      const bytes = await storedBytes(s);
      expect(bytes).not.toContain(BIRTH);
      expect((await personPayload(s)).subject!.identifiers[0]!.value).toBe(pseudonymise(RIC, TEST_PSEUDONYM_KEY));
    });
  });

  it('without a pseudonym key rejects the person (PSEUDONYM_KEY_MISSING) and stores the rest', async () => {
    const bare = await node('bare', undefined);
    const run = await credfed(['import', ndjson, '-c', bare.file, '--json']);
    expect(run.code).toBe(3);
    const summary = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ accepted: 1, rejected: 1 });
    expect(summary.rejections).toEqual([expect.objectContaining({ line: 1, reason: 'PSEUDONYM_KEY_MISSING' })]);
    await withStore(bare.store, async (s) => {
      expect(await storedBytes(s)).not.toContain(BIRTH);
      expect((await s.query('SELECT 1 FROM person_identities')).rows).toHaveLength(0);
    });
  });

  it('rekey links the new key\'s pseudonym to the same subject and seals the number under it', async () => {
    const newKey: PseudonymKey = { id: 'test-2', secret: Buffer.alloc(32, 0x33) };
    const rotated = path.join(tmp, 'rotated.yaml');
    const doc = YAML.parse(fs.readFileSync(encrypted.file, 'utf8'));
    doc.persons.pseudonymKeys = [{ id: newKey.id, file: writeKey(path.join(tmp, 'new.key'), newKey.secret) }, ...persons.pseudonymKeys];
    fs.writeFileSync(rotated, YAML.stringify(doc));
    const run = await credfed(['persons', 'rekey', '-c', rotated, '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ numbers: 1, linked: 1, resealed: 1, resent: 1, unreadable: 0 });
    expect(run.stderr).toContain('rekey done');
    const [oldP, newP] = [pseudonymise(RIC, TEST_PSEUDONYM_KEY), pseudonymise(RIC, newKey)];
    await withStore(encrypted.store, async (s) => {
      const subjectOf = async (v: string) =>
        (await s.query<{ subject_id: string }>('SELECT subject_id FROM subject_identifiers WHERE scheme = 8 AND value = $1', [v])).rows[0]?.subject_id;
      expect(await subjectOf(newP)).toBeDefined();
      expect(await subjectOf(newP)).toBe(await subjectOf(oldP));
      const rows = (await s.query<{ pseudonym: string; key_id: string }>('SELECT pseudonym, key_id FROM person_identities ORDER BY key_id')).rows;
      expect(rows.map((r) => [r.pseudonym, r.key_id])).toEqual([[oldP, 'test-1'], [newP, 'test-2']]);
      // The person's record is queued again for the city, carrying both pseudonyms.
      const queued = await s.query<{ version: string; payload: Buffer }>('SELECT version, payload FROM outbox WHERE record_id = $1 ORDER BY seq', [personRecord(1).recordId]);
      expect(queued.rows.map((r) => Number(r.version))).toEqual([1, 2]);
      expect(CreditRecord.decode(queued.rows[1]!.payload).subject!.identifiers.map((i) => [i.value, i.masked])).toEqual([
        [oldP, '110105********002X'],
        [newP, '110105********002X'],
      ]);
      expect(Buffer.from(queued.rows[1]!.payload).toString('latin1')).not.toContain(BIRTH);
    });
    const again = await credfed(['persons', 'rekey', '-c', rotated, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ numbers: 2, linked: 0, resealed: 0, resent: 0 });
  });

  it('persons key generate writes a 0600 key file and refuses to overwrite it', async () => {
    const out = path.join(tmp, 'generated.key');
    const run = await credfed(['persons', 'key', 'generate', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
    expect(readKeyFile(out).value).toHaveLength(32);
    const before = fs.readFileSync(out, 'utf8');
    const again = await credfed(['persons', 'key', 'generate', '--out', out]);
    expect(again.code).toBe(1);
    expect(fs.readFileSync(out, 'utf8')).toBe(before);
    const help = await credfed(['persons', 'rekey', '--help']);
    expect(help.stdout).toContain('EXAMPLES');
  });
});
