// `credfed import` of 双公示 CSV exports through the real CLI (node
// bin/credfed.js as a child process) into a fresh store: the fixtures of
// tests/fixtures/ in both encodings, re-imports, a changed row, --errors,
// every whole-file refusal with its exit code, and an import killed mid-way
// and run again.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvTokenizer } from '../../src/core/records/csv/csv-tokenizer.js';
import { CreditRecord } from '../../src/gen/credfed/v1/record.js';
import { sampleRecord } from '../../src/sample/sample-records.js';
import { openStore } from '../../src/store/store.js';
import { fixture, LICENCES, PENALTIES, type ExpectedImport } from '../fixtures/csv-expectations.js';
import { writeLargeLicenceCsv } from '../fixtures/large-csv.js';
import { createTestStoreConfig, writeStoreOnlyConfig, type TestStoreConfig } from '../helpers/store-fixture.js';
import { credfed, ROOT, startCredfed as start, type Run } from '../helpers/cli-run.js';
import { testPersonsSection } from '../helpers/person-keys.js';

const NODE_ID = 'county-a';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-csv-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A node configuration on a fresh test store (import opens only the store: the TLS files need not exist). */
async function nodeConfig(name: string): Promise<{ file: string; store: TestStoreConfig }> {
  const store = await createTestStoreConfig();
  const file = writeStoreOnlyConfig(path.join(tmp, `${name}.yaml`), store, {
    nodeId: NODE_ID,
    partners: [{ id: 'city', kind: 'parent_city', endpoint: '127.0.0.1:1' }],
    extra: { persons: testPersonsSection(name) },
  });
  return { file, store };
}

/** Runs `query` on the store (the CLI must not be running on an embedded one). */
async function withStore<T>(store: TestStoreConfig, query: (q: (sql: string) => Promise<Record<string, unknown>[]>) => Promise<T>): Promise<T> {
  const s = await openStore({ databaseUrl: store.databaseUrl, dataDir: store.dataDir });
  try {
    return await query(async (sql) => (await s.query(sql)).rows);
  } finally {
    await s.close();
  }
}

const recordCount = (store: TestStoreConfig): Promise<number> =>
  withStore(store, async (q) => Number((await q('SELECT count(*) AS n FROM records'))[0]!.n));

interface Summary {
  file: string;
  format: string;
  kind?: string;
  encoding?: string;
  rows: number;
  accepted: number;
  unchanged: number;
  rejected: number;
  rejections: { line: number; column: string; reason: string; message: string }[];
}

async function importJson(file: string, config: string, ...flags: string[]): Promise<{ run: Run; summary: Summary }> {
  const run = await credfed(['import', file, '--config', config, '--json', ...flags]);
  expect(run.stderr).not.toContain('unexpected error');
  return { run, summary: JSON.parse(run.stdout) as Summary };
}

const pinned = (rejections: Summary['rejections']) => rejections.map(({ line, column, reason }) => ({ line, column, reason }));

describe('credfed import: 双公示 CSV exports', () => {
  let config: string;
  let store: TestStoreConfig;

  beforeAll(async () => {
    ({ file: config, store } = await nodeConfig('csv'));
  });
  afterAll(async () => store?.cleanup());

  describe.each<[string, ExpectedImport, readonly ['utf8' | 'gb18030', 'utf8' | 'gb18030']]>([
    ['licences', LICENCES, ['utf8', 'gb18030']],
    ['penalties', PENALTIES, ['gb18030', 'utf8']],
  ])('%s', (name, expected, [first, second]) => {
    it(`${first}: stores the valid rows, reports every rejected line with its column and reason, exits 3`, async () => {
      const { run, summary } = await importJson(fixture(`${name}-${first}.csv`), config);
      expect(run.code).toBe(3);
      expect(summary).toMatchObject({
        format: 'csv',
        kind: expected.kind,
        encoding: first,
        rows: expected.rows,
        accepted: expected.acceptedLines.length,
        unchanged: 0,
        rejected: expected.rejections.length,
      });
      expect(pinned(summary.rejections)).toEqual(expected.rejections);
      expect(summary.rejections.every((r) => r.message.length > 0)).toBe(true);
    });

    it(`${second}, the same content: identical rejections, and every record unchanged`, async () => {
      const { run, summary } = await importJson(fixture(`${name}-${second}.csv`), config);
      expect(run.code).toBe(3);
      expect(summary).toMatchObject({ encoding: second, accepted: 0, unchanged: expected.acceptedLines.length, rejected: expected.rejections.length });
      expect(pinned(summary.rejections)).toEqual(expected.rejections);
    });

    it('re-importing the same file creates nothing', async () => {
      const { run, summary } = await importJson(fixture(`${name}-${first}.csv`), config);
      expect(run.code).toBe(3);
      expect(summary).toMatchObject({ accepted: 0, unchanged: expected.acceptedLines.length });
    });
  });

  it('a changed row becomes exactly one new version', async () => {
    const lines = fs.readFileSync(fixture('licences-utf8.csv'), 'utf8').split('\r\n');
    expect(lines[1]).toContain('预包装食品销售');
    lines[1] = lines[1]!.replace('预包装食品销售', '预包装食品销售、热食类食品制售');
    const changed = path.join(tmp, 'licences-changed.csv');
    fs.writeFileSync(changed, lines.join('\r\n'));
    const { run, summary } = await importJson(changed, config);
    expect(run.code).toBe(3);
    expect(summary).toMatchObject({ accepted: 1, unchanged: LICENCES.acceptedLines.length - 1, rejected: LICENCES.rejections.length });
  });

  it('left one row per record, each version queued once for the parent, the changed one at version 2', async () => {
    const total = LICENCES.acceptedLines.length + PENALTIES.acceptedLines.length;
    await withStore(store, async (q) => {
      const versions = await q(`SELECT version, count(*) AS n FROM records WHERE origin_id = '${NODE_ID}' GROUP BY version ORDER BY version`);
      expect(versions.map((r) => [Number(r.version), Number(r.n)])).toEqual([
        [1, total - 1],
        [2, 1],
      ]);
      const outbox = await q("SELECT count(*) AS n, count(DISTINCT (record_id, version)) AS d FROM outbox WHERE partner_id = 'city'");
      expect([Number(outbox[0]!.n), Number(outbox[0]!.d)]).toEqual([total + 1, total + 1]);
      const payloads = await q("SELECT payload FROM records WHERE record_id LIKE 'csv-pen-%'");
      const fines = payloads.map((r) => CreditRecord.decode(r.payload as Uint8Array).details).flatMap((d) => (d?.$case === 'penalty' ? [d.value.fineWanYuan] : []));
      expect(fines.sort()).toEqual(['', '', '0.2', '0.5', '0.5', '0.5', '0.5', '10', '12.000001']);
    });
  });

  it('--errors writes every rejected line, with its original row, to a UTF-8 CSV with BOM', async () => {
    const out = path.join(tmp, '许可-错误.csv');
    const run = await credfed(['import', fixture('licences-gb18030.csv'), '-c', config, '--errors', out]);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain(out);
    const text = fs.readFileSync(out, 'utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    const t = new CsvTokenizer();
    const rows = [...t.push(text.slice(1)).value!, ...t.end().value!].map((r) => r.fields);
    const source = fs.readFileSync(fixture('licences-utf8.csv'), 'utf8').slice(1);
    const original = new Map([...new CsvTokenizer().push(`${source}\r\n`).value!].map((r) => [r.line, r.fields]));
    expect(rows[0]).toEqual(['行号', '列', '原因代码', '说明', ...original.get(1)!]);
    expect(rows.slice(1).map((r) => ({ line: Number(r[0]), column: r[1], reason: r[2] }))).toEqual(LICENCES.rejections);
    for (const r of rows.slice(1)) {
      expect(r[3]!.length).toBeGreaterThan(0);
      expect(r.slice(4)).toEqual(original.get(Number(r[0])));
    }
  });

  it('prints a readable summary with every rejection without --json', async () => {
    const run = await credfed(['import', fixture('penalties-utf8.csv'), '-c', config]);
    expect(run.code).toBe(3);
    expect(run.stdout).toContain(`${fixture('penalties-utf8.csv')}: penalty CSV (UTF-8), ${PENALTIES.rows} rows, 0 accepted`);
    for (const r of PENALTIES.rejections) expect(run.stdout).toContain(`line ${r.line}: ${r.reason} (${r.column})`);
    expect(run.stderr).toBe('');
  });

  it('--kind penalty reads a file whose name says nothing', async () => {
    const copy = path.join(tmp, 'export.txt');
    fs.copyFileSync(fixture('penalties-gb18030.csv'), copy);
    const { run, summary } = await importJson(copy, config, '--kind', 'penalty', '--encoding', 'gb18030');
    expect(run.code).toBe(3);
    expect(summary).toMatchObject({ kind: 'penalty', encoding: 'gb18030', accepted: 0, unchanged: PENALTIES.acceptedLines.length });
  });
});

describe('credfed import: bad input', () => {
  let config: string;
  let store: TestStoreConfig;

  beforeAll(async () => {
    ({ file: config, store } = await nodeConfig('bad'));
  });
  afterAll(async () => store?.cleanup());

  it.each<[string, string, string[], string, string]>([
    ['an empty file', 'empty.csv', [], 'FILE_EMPTY', 'is empty'],
    ['an unknown header', 'licences-unknown-header.csv', [], 'HEADER_UNKNOWN', '"经办人" (column 27)'],
    ['a duplicated header', 'licences-duplicate-header.csv', [], 'HEADER_DUPLICATE', '统一社会信用代码'],
    ['missing columns', 'penalties-missing-columns.csv', [], 'HEADER_MISSING', '处罚机关'],
    ['Latin-1 bytes', 'licences-latin1.csv', [], 'ENCODING_INVALID', 'line 3'],
    ['GB18030 read as UTF-8', 'licences-gb18030.csv', ['--encoding', 'utf8'], 'ENCODING_INVALID', 'line 1'],
    ['a penalty file read as licences', 'penalties-utf8.csv', ['--kind', 'licence'], 'HEADER_UNKNOWN', 'a penalty column'],
  ])('%s: refused, exit 1, naming the file and the problem, nothing written', async (_name, name, flags, code, detail) => {
    const file = fixture(name);
    const run = await credfed(['import', file, '-c', config, ...flags]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(file);
    expect(run.stderr).toContain(`(${code})`);
    expect(run.stderr).toContain(detail);
    expect(run.stdout).toBe('');
    const json = await credfed(['import', file, '-c', config, '--json', ...flags]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ file, refused: { code } });
    expect(await recordCount(store)).toBe(0);
  });

  it('an empty file says "FILE is empty", and the errors file says why', async () => {
    const out = path.join(tmp, 'empty-errors.csv');
    const run = await credfed(['import', fixture('empty.csv'), '-c', config, '--errors', out]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${fixture('empty.csv')} is empty`);
    const text = fs.readFileSync(out, 'utf8');
    expect(text).toMatch(/^\uFEFF行号,列,原因代码,说明\r\n0,,IMPORT_FILE_INVALID,FILE_EMPTY: /);
  });

  it('a file with only the header row imports nothing, says so on stderr, and exits 0', async () => {
    const { run, summary } = await importJson(fixture('licences-headers-only.csv'), config);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('no data rows');
    expect(summary).toMatchObject({ kind: 'licence', rows: 0, accepted: 0, rejected: 0 });
  });

  it('--ignore-unknown-columns leaves an unknown column out, saying so', async () => {
    const { run, summary } = await importJson(fixture('licences-unknown-header.csv'), config, '--ignore-unknown-columns');
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('经办人');
    expect(summary).toMatchObject({ accepted: 1, rejected: 0, ignoredColumns: ['经办人'] });
  });

  it.each<[string, string[]]>([
    ['an unknown extension without --kind', ['import', path.join(ROOT, 'README.md')]],
    ['an unknown --kind', ['import', fixture('empty.csv'), '--kind', 'fines']],
    ['an unknown --encoding', ['import', fixture('empty.csv'), '--encoding', 'latin1']],
    ['--encoding for NDJSON', ['import', path.join(tmp, 'x.ndjson'), '--encoding', 'gb18030']],
    ['--errors naming the imported file', ['import', fixture('empty.csv'), '--errors', fixture('empty.csv')]],
  ])('%s is a usage error (exit 2)', async (_name, args) => {
    const run = await credfed([...args, '-c', config]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Usage: credfed import');
  });

  it('NDJSON: --errors lists rejected lines with their field and original line; an empty file is refused', async () => {
    const ndjson = path.join(tmp, 'records.ndjson');
    const good = JSON.stringify(CreditRecord.toJSON({ ...sampleRecord(NODE_ID, '210100', 0), originId: NODE_ID }));
    fs.writeFileSync(ndjson, `${good}\nnot json\n${JSON.stringify({ ...(CreditRecord.toJSON(sampleRecord(NODE_ID, '210100', 1)) as object), originId: 'county-b' })}\n`);
    const out = path.join(tmp, 'ndjson-errors.csv');
    const run = await credfed(['import', ndjson, '-c', config, '--errors', out]);
    expect(run.code).toBe(3);
    const t = new CsvTokenizer();
    const rows = [...t.push(fs.readFileSync(out, 'utf8').slice(1)).value!, ...t.end().value!].map((r) => r.fields);
    expect(rows.map((r) => r.slice(0, 3))).toEqual([
      ['行号', '列', '原因代码'],
      ['2', '', 'IMPORT_LINE_INVALID'],
      ['3', 'origin_id', 'RECORD_ORIGIN_MISMATCH'],
    ]);
    expect(rows[0]![4]).toBe('原始行');
    expect(rows[1]![4]).toBe('not json');

    const empty = path.join(tmp, 'empty.ndjson');
    fs.writeFileSync(empty, '\n\n');
    const refused = await credfed(['import', empty, '-c', config]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${empty} is empty`);
  });
});

describe('credfed import: interrupted and run again', () => {
  const ROWS = 30_000;
  /** Rows with a bad date: the first one marks, in the errors file, that the first chunks were committed. */
  const BAD = new Set([1_500, 29_000]);
  let config: string;
  let store: TestStoreConfig;
  let file: string;

  beforeAll(async () => {
    ({ file: config, store } = await nodeConfig('kill'));
    file = path.join(tmp, 'licences-30k.csv');
    await writeLargeLicenceCsv(file, { rows: ROWS, bad: BAD });
  });
  afterAll(async () => store?.cleanup());

  it('a SIGKILLed import, run again, ends with exactly the records of the file, each once, at version 1', async () => {
    const errors = path.join(tmp, 'kill-errors.csv');
    const child = start(['import', file, '-c', config, '--errors', errors]);
    let exited = false;
    child.on('exit', () => (exited = true));
    // The bad row after the first 1000 rows is reported only after their chunk was committed.
    const firstBadLine = `\r\n${[...BAD][0]! + 2},`;
    const deadline = Date.now() + 60_000;
    while (!exited && !(fs.existsSync(errors) && fs.readFileSync(errors, 'utf8').includes(firstBadLine))) {
      if (Date.now() > deadline) throw new Error('the import did not reach its first bad row');
      await sleep(20);
    }
    const killedMidway = !exited;
    child.kill('SIGKILL');
    await new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.once('exit', resolve)));

    const before = await recordCount(store);
    expect(before).toBeGreaterThanOrEqual(1000);
    if (killedMidway) expect(before).toBeLessThan(ROWS - BAD.size);

    const { run, summary } = await importJson(file, config);
    expect(run.code).toBe(3);
    expect(summary).toMatchObject({ rows: ROWS, accepted: ROWS - BAD.size - before, unchanged: before, rejected: BAD.size });
    await withStore(store, async (q) => {
      const [records] = await q('SELECT count(*) AS n, count(DISTINCT record_id) AS d, max(version) AS v, min(version) AS w FROM records');
      expect([records!.n, records!.d, records!.v, records!.w].map(Number)).toEqual([ROWS - BAD.size, ROWS - BAD.size, 1, 1]);
      const [outbox] = await q("SELECT count(*) AS n, count(DISTINCT record_id) AS d FROM outbox WHERE partner_id = 'city'");
      expect([outbox!.n, outbox!.d].map(Number)).toEqual([ROWS - BAD.size, ROWS - BAD.size]);
    });
  });
});
