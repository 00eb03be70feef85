// The identifier graph through resolveSubjects, on the backend the
// environment selects: new subjects, links to known ones, batches whose
// descriptions share identifiers, merges recorded as aliases, conflicts queued
// and never applied, names from different sources, concurrent writers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdentifierScheme, SubjectKind, type Subject } from '../../../src/gen/credfed/v1/subject.js';
import { resolveSubjects } from '../../../src/store/repos/subjects-repo.js';
import type { Store } from '../../../src/store/store.js';
import { newOrgCode, newRegNo, newUscc } from '../../helpers/id-codes.js';
import { createTestStore, type TestStore } from '../../helpers/store-fixture.js';

const onPostgres = Boolean(process.env.DATABASE_URL);
const USCC = IdentifierScheme.IDENTIFIER_SCHEME_USCC;
const ORG = IdentifierScheme.IDENTIFIER_SCHEME_ORG_CODE;
const REGNO = IdentifierScheme.IDENTIFIER_SCHEME_REGISTRATION_NUMBER;
const orgOf = (uscc: string) => uscc.slice(8, 17);

const subject = (name: string, ...ids: [IdentifierScheme, string][]): Subject => ({
  kind: SubjectKind.SUBJECT_KIND_LEGAL_PERSON,
  name,
  identifiers: ids.map(([scheme, value]) => ({ scheme, value, masked: '' })),
  legalRepresentative: '',
});

describe(`identifier graph (${onPostgres ? 'postgres' : 'embedded'})`, () => {
  let testStore: TestStore;
  let store: Store;
  const resolveFrom = (source: string, ...subjects: Subject[]) =>
    store.transaction((tx) => resolveSubjects(tx, subjects.map((s, i) => ({ subject: s, source, ref: `${source}/r${i}` }))));
  const resolve = (...subjects: Subject[]) => resolveFrom('county-a', ...subjects);
  const linkOf = async (scheme: IdentifierScheme, value: string) =>
    (await store.query<{ subject_id: string }>('SELECT subject_id FROM subject_identifiers WHERE scheme = $1 AND value = $2', [scheme, value])).rows[0]?.subject_id;
  const sourceOf = async (scheme: IdentifierScheme, value: string) =>
    (await store.query<{ source: string }>('SELECT source FROM subject_identifiers WHERE scheme = $1 AND value = $2', [scheme, value])).rows[0]?.source;
  const subjectRow = async (id: string) => (await store.query('SELECT kind, name FROM subjects WHERE subject_id = $1', [id])).rows[0];
  const aliasOf = async (id: string) =>
    (await store.query<{ canonical_id: string }>('SELECT canonical_id FROM subject_aliases WHERE subject_id = $1', [id])).rows[0]?.canonical_id;
  const conflictsOn = async (value: string) =>
    (
      await store.query(
        `SELECT kind, subject_id, scheme, value, proposed_scheme, proposed_value, proposed_name, existing_name, source, evidence, status, occurrences::int
           FROM identifier_conflicts WHERE value = $1 OR proposed_value = $1 ORDER BY conflict_id`,
        [value],
      )
    ).rows;

  beforeAll(async () => {
    testStore = await createTestStore();
    store = testStore.store;
  });
  afterAll(async () => {
    await testStore?.cleanup();
  });

  it('creates one subject per unknown description and links its identifiers and the organisation code inside its USCC', async () => {
    const [u1, u2, r1] = [newUscc(), newUscc(), newRegNo()];
    const [a, b] = await resolve(subject('甲公司', [USCC, u1], [REGNO, r1]), subject('乙公司', [USCC, u2]));
    expect(a).not.toBe(b);
    expect(await linkOf(USCC, u1)).toBe(a);
    expect(await linkOf(REGNO, r1)).toBe(a);
    expect(await linkOf(ORG, orgOf(u1))).toBe(a);
    expect(await sourceOf(ORG, orgOf(u1))).toBe('derived');
    expect(await sourceOf(USCC, u1)).toBe('county-a');
    expect(await linkOf(USCC, u2)).toBe(b);
    expect(await subjectRow(a!)).toEqual({ kind: SubjectKind.SUBJECT_KIND_LEGAL_PERSON, name: '甲公司' });
  });

  it('finds the subject a legacy code named first when its USCC arrives, and links the USCC to it', async () => {
    const u = newUscc();
    const [first] = await resolve(subject('丙公司', [ORG, orgOf(u)]));
    const [again] = await resolve(subject('丙公司', [USCC, u]));
    expect(again).toBe(first);
    expect(await linkOf(USCC, u)).toBe(first);
    expect(await conflictsOn(u)).toEqual([]);
  });

  it('puts descriptions of one batch that share an identifier, even through a chain, on one subject', async () => {
    const [u, r] = [newUscc(), newRegNo()];
    const ids = await resolve(subject('丁公司', [USCC, u]), subject('丁公司', [REGNO, r]), subject('丁公司', [ORG, orgOf(u)], [REGNO, r]));
    expect(new Set(ids).size).toBe(1);
    for (const [scheme, value] of [[USCC, u], [ORG, orgOf(u)], [REGNO, r]] as const) expect(await linkOf(scheme, value)).toBe(ids[0]);
  });

  it('merges two subjects that a later record proves to be one: an alias, and the merged subject keeps its id', async () => {
    const [u, r] = [newUscc(), newRegNo()];
    const [byRegNo] = await resolve(subject('戊公司', [REGNO, r]));
    const [byUscc] = await resolve(subject('戊公司', [USCC, u]));
    expect(byRegNo).not.toBe(byUscc);
    const [both] = await resolveFrom('county-b', subject('戊公司', [USCC, u], [REGNO, r]));
    expect(both).toBe(byUscc);
    expect(await aliasOf(byRegNo!)).toBe(byUscc);
    expect(await linkOf(REGNO, r)).toBe(byUscc);
    expect(await subjectRow(byRegNo!)).toBeDefined();
    expect(await resolve(subject('戊公司', [REGNO, r]))).toEqual([byUscc]);
  });

  it('queues a legacy code named with a second USCC and never moves it', async () => {
    const [u1, u2, r] = [newUscc(), newUscc(), newRegNo()];
    const [s1] = await resolve(subject('己公司', [USCC, u1], [REGNO, r]));
    const [s2] = await resolveFrom('county-b', subject('己公司', [USCC, u2], [REGNO, r]));
    expect(s2).not.toBe(s1);
    expect(await linkOf(REGNO, r)).toBe(s1);
    expect(await linkOf(USCC, u2)).toBe(s2);
    expect(await conflictsOn(r)).toEqual([
      expect.objectContaining({
        kind: 'legacy_two_usccs', subject_id: s1, scheme: REGNO, value: r, proposed_scheme: USCC, proposed_value: u2,
        source: 'county-b', evidence: 'county-b/r0', status: 'open', occurrences: 1,
      }),
    ]);
    // The same evidence again counts an occurrence; it is not a second conflict.
    await resolveFrom('county-b', subject('己公司', [USCC, u2], [REGNO, r]));
    expect((await conflictsOn(r)).map((c) => c.occurrences)).toEqual([2]);
  });

  it('queues an organisation code given beside a USCC that contains another one', async () => {
    const u = newUscc();
    const other = newOrgCode();
    const [s] = await resolve(subject('庚公司', [USCC, u], [ORG, other]));
    expect(await linkOf(ORG, orgOf(u))).toBe(s);
    expect(await linkOf(ORG, other)).toBeUndefined();
    expect(await conflictsOn(other)).toEqual([
      expect.objectContaining({ kind: 'uscc_two_org_codes', subject_id: s, scheme: USCC, value: u, proposed_scheme: ORG, proposed_value: other }),
    ]);
  });

  it('does not merge a subject holding another organisation code, and queues the link', async () => {
    const [o1, o2, r] = [newOrgCode(), newOrgCode(), newRegNo()];
    const [s1] = await resolve(subject('辛公司', [ORG, o1], [REGNO, r]));
    const [s2] = await resolveFrom('county-b', subject('辛公司', [ORG, o2], [REGNO, r]));
    expect(s2).not.toBe(s1);
    expect(await linkOf(REGNO, r)).toBe(s1);
    expect(await conflictsOn(r)).toEqual([
      expect.objectContaining({ kind: 'legacy_two_org_codes', subject_id: s1, value: r, proposed_scheme: ORG, proposed_value: o2 }),
    ]);
  });

  it('queues a USCC named materially differently by another source; writing variants and renames by the same source are not conflicts', async () => {
    const u = newUscc();
    const [s] = await resolve(subject('沈阳市壬科技有限公司', [USCC, u]));
    await resolveFrom('county-b', subject('本溪市壬科技有限公司', [USCC, u]));
    expect(await conflictsOn(u)).toEqual([
      expect.objectContaining({ kind: 'uscc_two_names', subject_id: s, value: u, proposed_name: '本溪市壬科技有限公司', existing_name: '沈阳市壬科技有限公司', source: 'county-b' }),
    ]);
    await resolveFrom('county-c', subject('沈阳市 壬科技有限公司（ ）', [USCC, u])); // spacing and punctuation only
    await resolveFrom('county-a', subject('沈阳市癸科技有限公司', [USCC, u])); // the source of the name renames it
    expect(await subjectRow(s!)).toMatchObject({ name: '沈阳市癸科技有限公司' });
    expect(await conflictsOn(u)).toHaveLength(1);
  });

  it('names a subject created without a name (from a mapping) by the first record, even one naming it by a legacy code only', async () => {
    const [u, r] = [newUscc(), newRegNo()];
    const [s] = await resolveFrom('mapping:map.csv', subject('', [USCC, u], [REGNO, r]));
    expect(await subjectRow(s!)).toMatchObject({ name: '' });
    await resolveFrom('county-b', subject('沈阳辰科技有限公司', [REGNO, r]));
    expect(await subjectRow(s!)).toMatchObject({ name: '沈阳辰科技有限公司' });
    expect(await conflictsOn(u)).toEqual([]);
  });

  it('handles a batch whose chain would join two USCCs one description at a time', async () => {
    const [u1, u2, r] = [newUscc(), newUscc(), newRegNo()];
    const [a, b, c] = await resolve(subject('子公司', [USCC, u1]), subject('子公司', [REGNO, r], [USCC, u1]), subject('丑公司', [USCC, u2], [REGNO, r]));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    expect(await linkOf(REGNO, r)).toBe(a);
    expect(await conflictsOn(r)).toEqual([expect.objectContaining({ kind: 'legacy_two_usccs', subject_id: a, proposed_value: u2 })]);
  });

  it.runIf(onPostgres)('agrees on one subject when two transactions see a new identifier at once', async () => {
    const u = newUscc();
    const results = await Promise.all(Array.from({ length: 4 }, () => resolve(subject('寅公司', [USCC, u], [REGNO, newRegNo()]))));
    const winner = await linkOf(USCC, u);
    expect(results.map((r) => r[0])).toEqual([winner, winner, winner, winner]);
    const subjects = (await store.query('SELECT count(*)::int AS n FROM subjects WHERE subject_id = $1', [winner])).rows[0].n;
    expect(subjects).toBe(1);
  });

  it.runIf(onPostgres)('merges consistently when concurrent transactions join the same subjects', async () => {
    const [u, r1, r2] = [newUscc(), newRegNo(), newRegNo()];
    const [s1] = await resolve(subject('卯公司', [REGNO, r1]));
    const [s2] = await resolve(subject('卯公司', [REGNO, r2]));
    const [x, y] = await Promise.all([
      resolve(subject('卯公司', [USCC, u], [REGNO, r1])),
      resolve(subject('卯公司', [ORG, orgOf(u)], [REGNO, r2])),
    ]);
    const canonical = await linkOf(USCC, u);
    const follow = async (id: string) => (await aliasOf(id)) ?? id;
    const all = await Promise.all([x![0]!, y![0]!, s1!, s2!].map(follow));
    expect(new Set(all)).toEqual(new Set([canonical]));
  });
});
