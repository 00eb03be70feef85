// `credfed ids import` through the real CLI (node bin/credfed.js as a child
// process) on a fresh store: records imported with `credfed import` under a
// legacy code only are found by the USCC once a mapping file is imported (no
// re-import), a re-run changes nothing, a legacy code of another USCC is
// queued, rejected rows in the summary and the --errors file, --dry-run,
// refused files, exit codes, --json and --help.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { main } from '../../src/cli/main.js';
import { CreditRecord } from '../../src/gen/credfed/v1/record.js';
import { IdentifierScheme, SubjectKind, type Subject } from '../../src/gen/credfed/v1/subject.js';
import { sampleRecord } from '../../src/sample/sample-records.js';
import { resolveIdentifier } from '../../src/store/repos/subject-lookup.js';
import { openStore, type Store } from '../../src/store/store.js';
import { credfed, type Run } from '../helpers/cli-run.js';
import { newRegNo, newUscc } from '../helpers/id-codes.js';
import { createTestStoreConfig, type TestStoreConfig } from '../helpers/store-fixture.js';

const NODE_ID = 'county-a';
const USCC = IdentifierScheme.IDENTIFIER_SCHEME_USCC;
const ORG = IdentifierScheme.IDENTIFIER_SCHEME_ORG_CODE;
const REGNO = IdentifierScheme.IDENTIFIER_SCHEME_REGISTRATION_NUMBER;
const orgOf = (uscc: string) => uscc.slice(8, 17);
const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/mappings');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-ids-import-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const write = (name: string, text: string): string => {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, text);
  return file;
};

const subject = (name: string, ...ids: [IdentifierScheme, string][]): Subject => ({
  kind: SubjectKind.SUBJECT_KIND_LEGAL_PERSON,
  name,
  identifiers: ids.map(([scheme, value]) => ({ scheme, value, masked: '' })),
  legalRepresentative: '',
});

/** One NDJSON line: a record of this node about `s`. */
const recordLine = (recordId: string, s: Subject): string =>
  JSON.stringify(CreditRecord.toJSON({ ...sampleRecord(NODE_ID, '210100', 0), originId: NODE_ID, recordId, subject: s }));

interface Summary {
  file: string;
  encoding: string;
  dryRun: boolean;
  rows: number;
  valid: number;
  linked: number;
  unchanged: number;
  held: number;
  rejected: number;
  merged: number;
  conflictsQueued: number;
  rejections: { line: number; column: string; reason: string; rule: string; message: string }[];
}

/** Runs `credfed ids import … --json`; returns the run and the summary. */
async function idsImport(...args: string[]): Promise<{ run: Run; summary: Summary }> {
  const run = await credfed(['ids', 'import', ...args, '--json']);
  expect(run.stderr).not.toContain('unexpected error');
  return { run, summary: JSON.parse(run.stdout) as Summary };
}

/** Runs the CLI in this process (no store is opened: help and usage errors). */
async function inProcess(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t), isTty: false });
  return { code, out, err };
}

describe('credfed ids import', () => {
  let storeConfig: TestStoreConfig;
  let config: string;

  /** Runs `fn` on the store (the CLI must not be running on an embedded one). */
  async function withStore<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    const store = await openStore({ databaseUrl: storeConfig.databaseUrl, dataDir: storeConfig.dataDir });
    try {
      return await fn(store);
    } finally {
      await store.close();
    }
  }
  /** What a look-up by one identifier finds: its subject and the records of it and of every subject merged into it. */
  const lookUpIn = async (store: Store, scheme: IdentifierScheme, value: string) => {
    const subjectId = await resolveIdentifier(store, scheme, value);
    if (!subjectId) return { subjectId, records: [] as string[] };
    const { rows } = await store.query<{ record_id: string }>(
      `SELECT record_id FROM records
        WHERE subject_id = $1 OR subject_id IN (SELECT subject_id FROM subject_aliases WHERE canonical_id = $1)
        ORDER BY record_id`,
      [subjectId],
    );
    return { subjectId, records: rows.map((r) => r.record_id) };
  };
  const lookUp = (scheme: IdentifierScheme, value: string) => withStore((store) => lookUpIn(store, scheme, value));
  const counts = () =>
    withStore(async (store) => {
      const n = async (table: string) => Number((await store.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
      return {
        records: await n('records'),
        subjects: await n('subjects'),
        links: await n('subject_identifiers'),
        aliases: await n('subject_aliases'),
        conflicts: await n('identifier_conflicts'),
      };
    });

  beforeAll(async () => {
    storeConfig = await createTestStoreConfig();
    config = write(
      'node.yaml',
      YAML.stringify({
        node: { id: NODE_ID },
        listen: '127.0.0.1:0',
        store: storeConfig.databaseUrl ? { databaseUrl: storeConfig.databaseUrl } : { dataDir: storeConfig.dataDir },
        // the commands open only the store: the TLS files need not exist
        tls: { ca: 'nowhere/ca.crt', cert: 'nowhere/county-a.crt', key: 'nowhere/county-a.key' },
        partners: [{ id: 'city', kind: 'parent_city', endpoint: '127.0.0.1:1' }],
      }),
    );
  });
  afterAll(async () => storeConfig?.cleanup());

  const [u1, u2, u2b, u3, r2] = [newUscc(), newUscc(), newUscc(), newUscc(), newRegNo()];
  const mapping = `统一社会信用代码,组织机构代码,工商注册号,名称\n${u1},${orgOf(u1)},,沈阳市甲科技有限公司\n${u2},,${r2},沈阳市乙贸易有限公司\n`;

  it('links records imported under a legacy code only to the USCC of a mapping that arrives later, without importing them again', async () => {
    const records = write(
      'records.ndjson',
      [
        recordLine('by-org', subject('沈阳市甲科技有限公司', [ORG, orgOf(u1)])),
        recordLine('by-regno', subject('沈阳市乙贸易有限公司', [REGNO, r2])),
        recordLine('by-uscc', subject('沈阳市乙贸易有限公司', [USCC, u2])),
      ].join('\n'),
    );
    const imported = await credfed(['import', records, '--config', config]);
    expect(imported.code, imported.stderr).toBe(0);
    expect((await lookUp(USCC, u1)).records).toEqual([]);
    const before = await counts();

    const { run, summary } = await idsImport(write('map.csv', mapping), '--config', config);
    expect(run.code, run.stderr).toBe(0);
    expect(summary).toMatchObject({ dryRun: false, encoding: 'utf8', rows: 2, linked: 2, unchanged: 0, held: 0, rejected: 0, merged: 1, conflictsQueued: 0 });
    expect(run.stderr).toContain('2 rows, 2 linked, 0 unchanged, 0 held for review, 0 rejected');
    expect(run.stderr).toContain('subjects merged: 1, conflicts queued: 0');

    await withStore(async (store) => {
      expect((await lookUpIn(store, USCC, u1)).records).toEqual(['by-org']);
      expect((await lookUpIn(store, USCC, u2)).records).toEqual(['by-regno', 'by-uscc']);
      expect((await lookUpIn(store, REGNO, r2)).subjectId).toBe((await lookUpIn(store, USCC, u2)).subjectId);
    });
    const after = await counts();
    expect(after.records).toBe(before.records);
    expect(after.aliases).toBe(before.aliases + 1);
  }, 180_000);

  it('changes nothing when the same file is imported again', async () => {
    const before = await counts();
    const { run, summary } = await idsImport(path.join(tmp, 'map.csv'), '-c', config);
    expect(run.code).toBe(0);
    expect(summary).toMatchObject({ rows: 2, linked: 0, unchanged: 2, held: 0, merged: 0, conflictsQueued: 0 });
    expect(await counts()).toEqual(before);
  }, 180_000);

  it('queues a legacy code that belongs to another USCC (legacy_two_usccs) and moves nothing', async () => {
    const owner = (await lookUp(REGNO, r2)).subjectId;
    const { run, summary } = await idsImport(write('other.csv', `uscc,regno\n${u2b},${r2}\n`), '-c', config);
    expect(run.code).toBe(0);
    expect(summary).toMatchObject({ linked: 0, held: 1, conflictsQueued: 1 });
    expect(run.stderr).toContain('credfed ids conflicts');
    expect((await lookUp(REGNO, r2)).subjectId).toBe(owner);
    const conflicts = await withStore(async (s) => (await s.query('SELECT kind, value, proposed_value, evidence FROM identifier_conflicts WHERE value = $1', [r2])).rows);
    expect(conflicts).toEqual([{ kind: 'legacy_two_usccs', value: r2, proposed_value: u2b, evidence: 'other.csv:2' }]);
  }, 180_000);

  it('reports rejected rows with line, column and rule, writes them to --errors, links the valid rows and exits 3', async () => {
    const errorsFile = path.join(tmp, 'errors.csv');
    const { run, summary } = await idsImport(path.join(FIXTURES, 'mapping-gb18030.csv'), '-c', config, '--errors', errorsFile);
    expect(run.code).toBe(3);
    expect(summary).toMatchObject({ encoding: 'gb18030', rows: 9, linked: 4, rejected: 5 });
    expect(summary.rejections.map(({ line, column, rule }) => ({ line, column, rule }))).toEqual([
      { line: 4, column: '统一社会信用代码', rule: 'check' },
      { line: 5, column: '组织机构代码', rule: 'check' },
      { line: 6, column: '工商注册号', rule: 'length' },
      { line: 8, column: '组织机构代码, 工商注册号', rule: 'missing' },
      { line: 11, column: '统一社会信用代码', rule: 'charset' },
    ]);
    expect(run.stderr).toContain('left out the unknown columns "备注"');
    expect(run.stderr).toContain('line 5: IMPORT_LINE_INVALID (组织机构代码): check character: expected X, found 1');
    const lines = fs.readFileSync(errorsFile, 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    expect(lines[0]).toBe('行号,列,原因代码,说明,统一社会信用代码,组织机构代码,工商注册号,企业名称,备注');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['4', '5', '6', '8', '11']);
    expect(lines[2]).toContain('9121010071526726XC,71526726-1');
    expect((await lookUp(USCC, '9121010071526726XC')).subjectId).toBeUndefined();
  }, 180_000);

  it('--dry-run validates without a store and writes nothing', async () => {
    const before = await counts();
    const file = write('dry.csv', `USCC,Legacy\n${u3},${orgOf(u3)}\n${u3},12345\n`);
    const { run, summary } = await idsImport(file, '--dry-run');
    expect(run.code).toBe(3);
    expect(summary).toMatchObject({ dryRun: true, rows: 2, valid: 1, linked: 0, rejected: 1 });
    expect(summary.rejections[0]).toMatchObject({ line: 3, column: 'Legacy', rule: 'scheme' });
    expect(run.stderr).toContain('dry run: nothing written');
    expect((await idsImport(write('dry-ok.csv', `USCC,Legacy\n${u3},${orgOf(u3)}\n`), '-c', config, '--dry-run')).run.code).toBe(0);
    expect(await counts()).toEqual(before);
    expect((await lookUp(USCC, u3)).subjectId).toBeUndefined();
  }, 180_000);

  it('refuses a file without a USCC or a legacy-code column before writing anything (exit 1, IMPORT_FILE_INVALID)', async () => {
    const before = await counts();
    for (const [name, column] of [['mapping-no-uscc.csv', '统一社会信用代码'], ['mapping-no-legacy.csv', '组织机构代码']] as const) {
      const { run, summary } = await idsImport(path.join(FIXTURES, name), '-c', config);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('IMPORT_FILE_INVALID');
      expect(run.stderr).toContain('HEADER_MISSING');
      expect(run.stderr).toContain(column);
      expect(summary).toMatchObject({ refused: { reason: 'IMPORT_FILE_INVALID', code: 'HEADER_MISSING', line: 1 } });
    }
    // A GB18030 file read as UTF-8 is refused too.
    const forced = await credfed(['ids', 'import', path.join(FIXTURES, 'mapping-gb18030.csv'), '-c', config, '--encoding', 'utf8']);
    expect(forced.code).toBe(1);
    expect(forced.stderr).toContain('ENCODING_INVALID');
    expect(await counts()).toEqual(before);
  }, 180_000);

  it('exits 2 on wrong usage', async () => {
    for (const argv of [
      ['ids', 'import'],
      ['ids', 'import', 'a.csv', 'b.csv', '--dry-run'],
      ['ids', 'import', 'map.csv'],
      ['ids', 'import', 'map.csv', '--dry-run', '--encoding', 'latin1'],
      ['ids', 'import', 'map.csv', '--dry-run', '--errors', 'map.csv'],
      ['ids', 'import', 'map.csv', '--dry-run', '--no-such-flag'],
    ]) {
      const r = await inProcess(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toContain('Usage: credfed ids import');
    }
  });

  it('shows a progress line on a terminal, ended before the summary', async () => {
    let err = '';
    const code = await main(['ids', 'import', path.join(FIXTURES, 'mapping-utf8.csv'), '--dry-run'], {
      out: () => {},
      err: (t) => void (err += t),
      isTty: true,
    });
    expect(code).toBe(3);
    expect(err).toMatch(/\rimporting: 9 rows \([\d,]+ rows\/s\) {2}accepted 4 {2}unchanged 0 {2}rejected 5\x1b\[K\n/);
    expect(err.indexOf('\x1b[K\n')).toBeLessThan(err.indexOf('9 rows, 4 valid'));
  });

  it('--help describes the columns and has EXAMPLES', async () => {
    const r = await inProcess('ids', 'import', '--help');
    expect(r.code).toBe(0);
    for (const text of ['统一社会信用代码', '组织机构代码', '工商注册号', '原代码', 'legacy_code', '--dry-run', 'EXAMPLES', 'credfed ids import ']) {
      expect(r.out).toContain(text);
    }
  });
});
