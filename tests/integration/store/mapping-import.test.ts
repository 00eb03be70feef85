// Mapping files of legacy codes to USCCs (issue 5 points 3 and 4) through
// importMapping on the backend the environment selects: records stored under
// a legacy code only are found by the USCC once a mapping arrives, with no
// re-import; a legacy code of another USCC is queued, never moved; invalid
// rows never linked; GB18030; refused headers write nothing; a re-run and a
// dry run change nothing; several chunks.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreditRecord } from '../../../src/gen/credfed/v1/record.js';
import { IdentifierScheme, SubjectKind, type Subject } from '../../../src/gen/credfed/v1/subject.js';
import { ImportRefused } from '../../../src/importer/import-refused.js';
import { importMapping } from '../../../src/importer/mapping-import.js';
import { CHUNK_ROWS } from '../../../src/importer/mapping-writer.js';
import { sampleRecord } from '../../../src/sample/sample-records.js';
import { applyRecords } from '../../../src/store/repos/apply-records.js';
import { resolveIdentifier } from '../../../src/store/repos/subject-lookup.js';
import type { Store } from '../../../src/store/store.js';
import { newOrgCode, newRegNo, newUscc } from '../../helpers/id-codes.js';
import { createTestStore, type TestStore } from '../../helpers/store-fixture.js';

const onPostgres = Boolean(process.env.DATABASE_URL);
const USCC = IdentifierScheme.IDENTIFIER_SCHEME_USCC;
const ORG = IdentifierScheme.IDENTIFIER_SCHEME_ORG_CODE;
const REGNO = IdentifierScheme.IDENTIFIER_SCHEME_REGISTRATION_NUMBER;
const orgOf = (uscc: string) => uscc.slice(8, 17);
const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/mappings');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-mapping-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let fileCount = 0;
/** A UTF-8 mapping file (LF line ends) with the given header and rows. */
function mappingFile(header: string, rows: readonly string[], name = `map-${++fileCount}.csv`): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, `${[header, ...rows].join('\n')}\n`);
  return file;
}

const subject = (name: string, ...ids: [IdentifierScheme, string][]): Subject => ({
  kind: SubjectKind.SUBJECT_KIND_LEGAL_PERSON,
  name,
  identifiers: ids.map(([scheme, value]) => ({ scheme, value, masked: '' })),
  legalRepresentative: '',
});

let recordCount = 0;
const recordAbout = (originId: string, s: Subject): CreditRecord => ({
  ...sampleRecord(originId, '210100', 0),
  recordId: `${originId}-mapped-${++recordCount}`,
  subject: s,
});

describe(`importMapping (${onPostgres ? 'postgres' : 'embedded'})`, () => {
  let testStore: TestStore;
  let store: Store;

  /** Stores records as `from` delivered them. */
  const deliver = (from: string, ...records: CreditRecord[]) =>
    store.transaction((tx) => applyRecords(tx, records, { receivedFrom: from, assignVersions: false, outboxPartners: [] }));
  /** The records a look-up by one identifier finds: its canonical subject and every subject merged into it. */
  const recordsOf = async (scheme: IdentifierScheme, value: string): Promise<string[]> => {
    const canonical = await resolveIdentifier(store, scheme, value);
    if (!canonical) return [];
    const { rows } = await store.query<{ record_id: string }>(
      `SELECT record_id FROM records
        WHERE subject_id = $1 OR subject_id IN (SELECT subject_id FROM subject_aliases WHERE canonical_id = $1)
        ORDER BY record_id`,
      [canonical],
    );
    return rows.map((r) => r.record_id);
  };
  const recordSubject = async (recordId: string) =>
    (await store.query<{ subject_id: string }>('SELECT subject_id FROM records WHERE record_id = $1', [recordId])).rows[0]!.subject_id;
  const aliasOf = async (id: string) =>
    (await store.query<{ canonical_id: string }>('SELECT canonical_id FROM subject_aliases WHERE subject_id = $1', [id])).rows[0]?.canonical_id;
  /** Everything the graph holds, for comparing before and after (a conflict seen again only counts an occurrence). */
  const graphState = async () => ({
    subjects: (await store.query('SELECT subject_id, kind, name, name_source FROM subjects ORDER BY subject_id')).rows,
    links: (await store.query('SELECT scheme, value, subject_id, source FROM subject_identifiers ORDER BY scheme, value')).rows,
    aliases: (await store.query('SELECT subject_id, canonical_id, source FROM subject_aliases ORDER BY subject_id')).rows,
    conflicts: (
      await store.query(
        `SELECT kind, subject_id, scheme, value, proposed_value, proposed_name, source, evidence, status
           FROM identifier_conflicts ORDER BY conflict_id`,
      )
    ).rows,
  });

  beforeAll(async () => {
    testStore = await createTestStore();
    store = testStore.store;
  });
  afterAll(async () => {
    await testStore?.cleanup();
  });

  it('links a record stored under a legacy code only to its USCC when the mapping arrives later, without importing it again', async () => {
    const [u1, u2, u3, r2] = [newUscc(), newUscc(), newUscc(), newRegNo()];
    // County A knows 甲 by its organisation code only, 乙 by its registration number only;
    // the city knows 乙 and 丙 by their USCCs.
    const byOrg = recordAbout('county-a', subject('沈阳市甲科技有限公司', [ORG, orgOf(u1)]));
    const byRegNo = recordAbout('county-a', subject('沈阳市乙贸易有限公司', [REGNO, r2]));
    const byUscc = recordAbout('city', subject('沈阳市乙贸易有限公司', [USCC, u2]));
    await deliver('county-a', byOrg, byRegNo);
    await deliver('city', byUscc);
    const legacySubject = await recordSubject(byRegNo.recordId);
    const usccSubject = await recordSubject(byUscc.recordId);
    expect(await recordsOf(USCC, u1)).toEqual([]);
    expect(await recordsOf(USCC, u2)).toEqual([byUscc.recordId]);

    const file = mappingFile('统一社会信用代码,组织机构代码,工商注册号,名称', [
      `${u1},${orgOf(u1)},,沈阳市甲科技有限公司`,
      `${u2},,${r2},沈阳市乙贸易有限公司`,
      `${u3},${orgOf(u3).slice(0, 8)}-${orgOf(u3).slice(8)},,沈阳市丙有限公司`,
    ]);
    const summary = await importMapping(store, file);
    expect(summary).toMatchObject({ rows: 3, valid: 3, linked: 3, unchanged: 0, held: 0, rejected: 0, merged: 1, conflictsQueued: 0 });

    // 甲: the USCC is linked to the subject the organisation code named.
    expect(await recordsOf(USCC, u1)).toEqual([byOrg.recordId]);
    // 乙: the registration number's subject became an alias of the USCC's subject; both records are found by either code.
    expect(await aliasOf(legacySubject)).toBe(usccSubject);
    expect(await recordsOf(USCC, u2)).toEqual([byRegNo.recordId, byUscc.recordId].sort());
    expect(await recordsOf(REGNO, r2)).toEqual([byRegNo.recordId, byUscc.recordId].sort());
    // No record was rewritten: each keeps the subject it was first stored under.
    expect(await recordSubject(byRegNo.recordId)).toBe(legacySubject);
    // 丙: no record yet; the mapping alone makes a named subject of the USCC's kind, linked with its mapping as the source.
    const c = await resolveIdentifier(store, USCC, u3);
    expect(await resolveIdentifier(store, ORG, orgOf(u3))).toBe(c);
    const [row] = (await store.query('SELECT kind, name, name_source FROM subjects WHERE subject_id = $1', [c])).rows;
    expect(row).toEqual({ kind: SubjectKind.SUBJECT_KIND_LEGAL_PERSON, name: '沈阳市丙有限公司', name_source: `mapping:${path.basename(file)}` });
    const [link] = (await store.query('SELECT source FROM subject_identifiers WHERE scheme = $1 AND value = $2', [USCC, u3])).rows;
    expect(link).toEqual({ source: `mapping:${path.basename(file)}` });
  });

  it('queues a legacy code that is already another USCC\'s (legacy_two_usccs) and moves nothing', async () => {
    const [u1, u2, r] = [newUscc(), newUscc(), newRegNo()];
    const known = recordAbout('county-a', subject('沈阳市丁公司', [USCC, u1], [REGNO, r]));
    await deliver('county-a', known);
    const s1 = await recordSubject(known.recordId);
    const file = mappingFile('uscc,regno', [`${u2},${r}`]);
    const summary = await importMapping(store, file);
    expect(summary).toMatchObject({ rows: 1, linked: 0, held: 1, merged: 0, conflictsQueued: 1 });
    expect(await resolveIdentifier(store, REGNO, r)).toBe(s1);
    expect(await recordsOf(USCC, u2)).toEqual([]);
    const conflicts = (await store.query('SELECT kind, subject_id, scheme, value, proposed_value, source, evidence FROM identifier_conflicts WHERE value = $1', [r])).rows;
    expect(conflicts).toEqual([
      { kind: 'legacy_two_usccs', subject_id: s1, scheme: REGNO, value: r, proposed_value: u2, source: `mapping:${path.basename(file)}`, evidence: `${path.basename(file)}:2` },
    ]);
  });

  it('queues an organisation code other than the one inside the USCC (uscc_two_org_codes) and does not link it', async () => {
    const [u, other] = [newUscc(), newOrgCode()];
    const file = mappingFile('统一社会信用代码,组织机构代码', [`${u},${other}`]);
    const summary = await importMapping(store, file);
    expect(summary).toMatchObject({ rows: 1, linked: 0, held: 1, conflictsQueued: 1 });
    const s = await resolveIdentifier(store, USCC, u);
    expect(await resolveIdentifier(store, ORG, orgOf(u))).toBe(s);
    expect(await resolveIdentifier(store, ORG, other)).toBeUndefined();
    const conflicts = (await store.query('SELECT kind, subject_id, value, proposed_value FROM identifier_conflicts WHERE proposed_value = $1', [other])).rows;
    expect(conflicts).toEqual([{ kind: 'uscc_two_org_codes', subject_id: s, value: u, proposed_value: other }]);
  });

  it('names the subject a mapping created (empty name) from the first record that names it; an individual business by its USCC', async () => {
    const o = newOrgCode();
    const u = newUscc(o, '92210102');
    await importMapping(store, mappingFile('uscc,org', [`${u},${o}`]));
    const s = await resolveIdentifier(store, USCC, u);
    expect((await store.query('SELECT kind, name FROM subjects WHERE subject_id = $1', [s])).rows[0]).toEqual({
      kind: SubjectKind.SUBJECT_KIND_INDIVIDUAL_BUSINESS,
      name: '',
    });
    await deliver('county-b', recordAbout('county-b', subject('张三烧烤店', [USCC, u])));
    expect((await store.query('SELECT name FROM subjects WHERE subject_id = $1', [s])).rows[0]).toEqual({ name: '张三烧烤店' });
  });

  it('rejects invalid rows with their line, column and rule and never links them; UTF-8 and GB18030 files give the same result', async () => {
    const expected = [
      { line: 4, column: '统一社会信用代码', rule: 'check', reason: 'IMPORT_LINE_INVALID' },
      { line: 5, column: '组织机构代码', rule: 'check', reason: 'IMPORT_LINE_INVALID' },
      { line: 6, column: '工商注册号', rule: 'length', reason: 'IMPORT_LINE_INVALID' },
      { line: 8, column: '组织机构代码, 工商注册号', rule: 'missing', reason: 'IMPORT_LINE_INVALID' },
      { line: 11, column: '统一社会信用代码', rule: 'charset', reason: 'IMPORT_LINE_INVALID' },
    ];
    const utf8 = await importMapping(store, path.join(FIXTURES, 'mapping-utf8.csv'));
    expect(utf8).toMatchObject({ encoding: 'utf8', lines: 11, rows: 9, valid: 4, linked: 4, rejected: 5, ignoredColumns: ['备注'] });
    expect(utf8.rejections.map(({ line, column, rule, reason }) => ({ line, column, rule, reason }))).toEqual(expected);
    // Rejected rows link nothing: not the valid USCC of line 5, not the codes of lines 6 and 8.
    for (const [scheme, value] of [[USCC, '9121010071526726XC'], [USCC, '91210100L12345674C'], [USCC, '91210100123456788H']] as const) {
      expect(await resolveIdentifier(store, scheme, value)).toBeUndefined();
    }
    // Valid rows: hyphens and full-width forms normalised, a registration number with letters kept, a quoted name with a comma.
    const a = await resolveIdentifier(store, USCC, '91210100MA0K1B2C1G');
    expect(a).toBeDefined();
    expect(await resolveIdentifier(store, ORG, 'MA0K1B2C1')).toBe(a);
    expect(await resolveIdentifier(store, REGNO, '210102000000010')).toBe(await resolveIdentifier(store, USCC, '91210100600037341G'));
    expect(await resolveIdentifier(store, REGNO, '21010200A000118')).toBe(await resolveIdentifier(store, USCC, '92210102MA0K1B3D6G'));
    const inst = await resolveIdentifier(store, USCC, '121200004013590816');
    expect((await store.query('SELECT kind, name FROM subjects WHERE subject_id = $1', [inst])).rows[0]).toEqual({
      kind: SubjectKind.SUBJECT_KIND_OTHER_ORGANISATION,
      name: '某事业单位,（沈阳）',
    });

    const before = await graphState();
    const gb = await importMapping(store, path.join(FIXTURES, 'mapping-gb18030.csv'));
    expect(gb).toMatchObject({ encoding: 'gb18030', lines: 11, rows: 9, valid: 4, linked: 0, unchanged: 4, rejected: 5, merged: 0, conflictsQueued: 0 });
    expect(gb.rejections.map(({ line, column, rule, reason }) => ({ line, column, rule, reason }))).toEqual(expected);
    // Another file with the same links: nothing new but the links' source stays the first file's.
    expect(await graphState()).toEqual(before);
  });

  it('detects the scheme of a generic legacy column, and rejects a cell that is no legacy code', async () => {
    const [u1, u2, u3, r] = [newUscc(), newUscc(), newUscc(), newRegNo()];
    const summary = await importMapping(
      store,
      mappingFile('USCC,Legacy_Code,Name', [`${u1},${orgOf(u1)},`, `${u2},${r},`, `${u3},${u1},`, `${u3},1234567890,`]),
    );
    expect(summary.rejections.map(({ line, column, rule }) => ({ line, column, rule }))).toEqual([
      { line: 4, column: 'Legacy_Code', rule: 'scheme' },
      { line: 5, column: 'Legacy_Code', rule: 'scheme' },
    ]);
    expect(await resolveIdentifier(store, REGNO, r)).toBe(await resolveIdentifier(store, USCC, u2));
    expect(await resolveIdentifier(store, USCC, u3)).toBeUndefined();
  });

  it.each([
    ['mapping-no-uscc.csv', ['统一社会信用代码 (or uscc)']],
    ['mapping-no-legacy.csv', [expect.stringContaining('legacy-code column')]],
  ])('refuses %s before anything is written, naming the missing column', async (name, columns) => {
    const before = await graphState();
    const refusal = await importMapping(store, path.join(FIXTURES, name)).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ImportRefused);
    expect((refusal as ImportRefused).code).toBe('IMPORT_FILE_INVALID');
    expect((refusal as ImportRefused).problem).toMatchObject({ code: 'HEADER_MISSING', line: 1, columns });
    expect(await graphState()).toEqual(before);
  });

  it('changes nothing when the same file is imported again', async () => {
    const [u1, u2, r1, r2] = [newUscc(), newUscc(), newRegNo(), newRegNo()];
    await deliver('county-a', recordAbout('county-a', subject('沈阳市戊公司', [REGNO, r1])), recordAbout('county-a', subject('沈阳市己公司', [USCC, u2], [REGNO, r2])));
    await deliver('city', recordAbout('city', subject('沈阳市戊公司', [USCC, u1])));
    const file = mappingFile('统一社会信用代码,工商注册号', [`${u1},${r1}`, `${newUscc()},${r2}`]);
    const first = await importMapping(store, file);
    expect(first).toMatchObject({ linked: 1, held: 1, merged: 1, conflictsQueued: 1 });
    const before = await graphState();
    const again = await importMapping(store, file);
    expect(again).toMatchObject({ rows: 2, linked: 0, unchanged: 1, held: 1, merged: 0, conflictsQueued: 0 });
    expect(await graphState()).toEqual(before);
  });

  it('a dry run (no store) validates only', async () => {
    const before = await graphState();
    const summary = await importMapping(undefined, path.join(FIXTURES, 'mapping-utf8.csv'));
    expect(summary).toMatchObject({ dryRun: true, rows: 9, valid: 4, linked: 0, rejected: 5 });
    expect(await graphState()).toEqual(before);
  });

  it(`applies a file of several chunks (${CHUNK_ROWS} rows each), a legacy code linked in one chunk found by a later one`, async () => {
    const n = 2 * CHUNK_ROWS + 500;
    const usccs = Array.from({ length: n }, () => newUscc());
    const regnos = Array.from({ length: n }, () => newRegNo());
    const rows = usccs.map((u, i) => `${u},${regnos[i]}`);
    // The last row names the first row's registration number with another USCC: a conflict across chunks.
    const other = newUscc();
    rows.push(`${other},${regnos[0]}`);
    const summary = await importMapping(store, mappingFile('uscc,regno', rows));
    expect(summary).toMatchObject({ rows: n + 1, linked: n, held: 1, rejected: 0, conflictsQueued: 1 });
    for (const i of [0, CHUNK_ROWS - 1, CHUNK_ROWS, n - 1]) {
      expect(await resolveIdentifier(store, REGNO, regnos[i]!)).toBe(await resolveIdentifier(store, USCC, usccs[i]!));
    }
  });
});
