// Subject resolution through identifiers (resolveSubjects), on the backend
// the environment selects: new subjects, links to known ones, batches whose
// descriptions share identifiers, conflicts left alone, concurrent writers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdentifierScheme, SubjectKind, type Subject } from '../../../src/gen/credfed/v1/subject.js';
import { resolveSubjects } from '../../../src/store/repos/subjects-repo.js';
import type { Store } from '../../../src/store/store.js';
import { createTestStore, type TestStore } from '../../helpers/store-fixture.js';

const onPostgres = Boolean(process.env.DATABASE_URL);
const USCC = IdentifierScheme.IDENTIFIER_SCHEME_USCC;
const ORG = IdentifierScheme.IDENTIFIER_SCHEME_ORG_CODE;

let n = 0;
/** Distinct identifier values per test (the format does not matter to the store). */
const fresh = (prefix: string) => `${prefix}${String(++n).padStart(6, '0')}`;
const subject = (name: string, ...ids: [IdentifierScheme, string][]): Subject => ({
  kind: SubjectKind.SUBJECT_KIND_LEGAL_PERSON,
  name,
  identifiers: ids.map(([scheme, value]) => ({ scheme, value, masked: '' })),
  legalRepresentative: '',
});

describe(`subject resolution (${onPostgres ? 'postgres' : 'embedded'})`, () => {
  let testStore: TestStore;
  let store: Store;
  const resolve = (subjects: Subject[]) => store.transaction((tx) => resolveSubjects(tx, subjects));
  const linkOf = async (scheme: IdentifierScheme, value: string) =>
    (await store.query<{ subject_id: string }>('SELECT subject_id FROM subject_identifiers WHERE scheme = $1 AND value = $2', [scheme, value])).rows[0]?.subject_id;
  const subjectRow = async (id: string) => (await store.query('SELECT kind, name FROM subjects WHERE subject_id = $1', [id])).rows[0];

  beforeAll(async () => {
    testStore = await createTestStore();
    store = testStore.store;
  });
  afterAll(async () => {
    await testStore?.cleanup();
  });

  it('creates one subject per unknown description and links all its identifiers', async () => {
    const [u1, o1, u2] = [fresh('U'), fresh('O'), fresh('U')];
    const [a, b] = await resolve([subject('甲公司', [USCC, u1], [ORG, o1]), subject('乙公司', [USCC, u2])]);
    expect(a).not.toBe(b);
    expect(await linkOf(USCC, u1)).toBe(a);
    expect(await linkOf(ORG, o1)).toBe(a);
    expect(await linkOf(USCC, u2)).toBe(b);
    expect(await subjectRow(a!)).toEqual({ kind: SubjectKind.SUBJECT_KIND_LEGAL_PERSON, name: '甲公司' });
  });

  it('finds the known subject through any identifier and links the new ones to it', async () => {
    const [u, o] = [fresh('U'), fresh('O')];
    const [first] = await resolve([subject('丙公司', [ORG, o])]);
    const subjectsBefore = (await store.query('SELECT count(*)::int AS n FROM subjects')).rows[0].n;
    const [again] = await resolve([subject('丙公司', [USCC, u], [ORG, o])]);
    expect(again).toBe(first);
    expect(await linkOf(USCC, u)).toBe(first);
    expect((await store.query('SELECT count(*)::int AS n FROM subjects')).rows[0].n).toBe(subjectsBefore);
  });

  it('puts descriptions of one batch that share an identifier, even through a chain, on one subject', async () => {
    const [u, o, o2] = [fresh('U'), fresh('O'), fresh('O')];
    const ids = await resolve([subject('丁公司', [USCC, u]), subject('丁公司', [ORG, o], [ORG, o2]), subject('丁公司', [USCC, u], [ORG, o])]);
    expect(new Set(ids).size).toBe(1);
    for (const [scheme, value] of [[USCC, u], [ORG, o], [ORG, o2]] as const) expect(await linkOf(scheme, value)).toBe(ids[0]);
  });

  it('leaves a conflicting link as it is (one identifier already naming another subject)', async () => {
    const [u1, u2, o] = [fresh('U'), fresh('U'), fresh('O')];
    const [s1] = await resolve([subject('戊公司', [USCC, u1], [ORG, o])]);
    const [s2] = await resolve([subject('己公司', [USCC, u2])]);
    // The org code is s1's; a record naming u2 (s2) together with it lands on s2 (its first identifier) and the org code stays s1's.
    const [s] = await resolve([subject('己公司', [USCC, u2], [ORG, o])]);
    expect(s).toBe(s2);
    expect(await linkOf(ORG, o)).toBe(s1);
  });

  it.runIf(onPostgres)('agrees on one subject when two transactions see a new identifier at once', async () => {
    const u = fresh('U');
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) => resolve([subject('庚公司', [USCC, u], [ORG, fresh(`C${i}`)])])),
    );
    const winner = await linkOf(USCC, u);
    expect(results.map((r) => r[0])).toEqual([winner, winner, winner, winner]);
    const subjects = (await store.query('SELECT count(*)::int AS n FROM subjects WHERE subject_id = $1', [winner])).rows[0].n;
    expect(subjects).toBe(1);
  });
});
