// lookupSubject (ids resolve / Admin.ResolveIdentifier) on an input valid
// under two schemes: an 18-digit string that is both a USCC and a resident
// identity number is found as whichever is linked; linked as both, it is
// IDENTIFIER_AMBIGUOUS until the scheme is named. The identity number is
// looked up only through its pseudonym.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pseudonymise } from '../../../src/core/persons/pseudonym.js';
import { IdentifierScheme, SubjectKind } from '../../../src/gen/credfed/v1/subject.js';
import { lookupSubject } from '../../../src/graph/lookup-subject.js';
import { resolveSubjects } from '../../../src/store/repos/subjects-repo.js';
import type { Store } from '../../../src/store/store.js';
import { codeOf } from '../../helpers/error-code.js';
import { createTestStore, type TestStore } from '../../helpers/store-fixture.js';

const BOTH = '110105194912310409'; // a valid USCC (type 11 机关) and a valid resident identity number
const key = { id: 'k1', secret: randomBytes(32) };

describe(`lookupSubject of an input valid under two schemes (${process.env.DATABASE_URL ? 'postgres' : 'embedded'})`, () => {
  let testStore: TestStore;
  let store: Store;
  const link = (kind: SubjectKind, scheme: IdentifierScheme, value: string) =>
    store.transaction((tx) =>
      resolveSubjects(tx, [{ subject: { kind, name: `${scheme}`, identifiers: [{ scheme, value, masked: '' }], legalRepresentative: '' }, source: 'county-a', ref: 'x' }]),
    );

  beforeAll(async () => {
    testStore = await createTestStore();
    store = testStore.store;
  });
  afterAll(async () => {
    await testStore?.cleanup();
  });

  it('finds it as the USCC that is linked, with or without pseudonym keys', async () => {
    const [org] = await link(SubjectKind.SUBJECT_KIND_OTHER_ORGANISATION, IdentifierScheme.IDENTIFIER_SCHEME_USCC, BOTH);
    for (const keys of [[], [key]]) {
      const found = await lookupSubject(store, keys, { value: BOTH });
      expect(found).toMatchObject({ scheme: 'uscc', normalized: BOTH, subject: { subjectId: org } });
    }
  });

  it('is ambiguous once the person is linked too; naming the scheme decides, and the number itself is never stored', async () => {
    const [person] = await link(SubjectKind.SUBJECT_KIND_NATURAL_PERSON, IdentifierScheme.IDENTIFIER_SCHEME_RESIDENT_ID_PSEUDONYM, pseudonymise(BOTH, key));
    expect(await codeOf(lookupSubject(store, [key], { value: BOTH }))).toBe('IDENTIFIER_AMBIGUOUS');
    const asPerson = await lookupSubject(store, [key], { value: BOTH, scheme: 'ric' });
    expect(asPerson).toMatchObject({ scheme: 'ric', normalized: pseudonymise(BOTH, key), masked: '110105********0409', subject: { subjectId: person } });
    expect((await lookupSubject(store, [key], { value: BOTH, scheme: 'uscc' })).subject.subjectId).not.toBe(person);
    expect(await codeOf(lookupSubject(store, [], { value: BOTH, scheme: 'ric' }))).toBe('PSEUDONYM_KEY_MISSING');
    const { rows } = await store.query(`SELECT count(*)::int AS n FROM subject_identifiers WHERE scheme = 4`);
    expect(rows[0].n).toBe(0);
  });
});
