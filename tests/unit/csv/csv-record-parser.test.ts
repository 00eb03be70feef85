// CsvRecordParser (src/core/records/csv/csv-record-parser.ts) on the
// fixtures of tests/fixtures/: accepted rows and every rejection pinned, the
// same for the UTF-8 and the GB18030 file and for any chunking.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CsvRecordParser, type CsvParseOptions, type CsvRowOutcome } from '../../../src/core/records/csv/csv-record-parser.js';
import type { FileProblem } from '../../../src/core/records/csv/file-problem.js';
import { fixture, LICENCES, PENALTIES, type ExpectedImport } from '../../fixtures/csv-expectations.js';

const OPTS: CsvParseOptions = { originId: 'county-a', now: new Date('2026-06-01T00:00:00Z') };

/** Parses bytes fed in chunks of `size` bytes. */
function parse(bytes: Uint8Array, size = 64 * 1024, opts: Partial<CsvParseOptions> = {}) {
  const parser = new CsvRecordParser({ ...OPTS, ...opts });
  const outcomes: CsvRowOutcome[] = [];
  let problem: FileProblem | undefined;
  for (let i = 0; i < bytes.length && !problem; i += size) {
    const r = parser.push(bytes.subarray(i, i + size));
    if (r.error) problem = r.error;
    else outcomes.push(...r.value);
  }
  if (!problem) {
    const r = parser.end();
    if (r.error) problem = r.error;
    else outcomes.push(...r.value);
  }
  return { parser, outcomes, problem };
}

const parseFile = (name: string, size?: number, opts?: Partial<CsvParseOptions>) => parse(fs.readFileSync(fixture(name)), size, opts);

function summarize(outcomes: readonly CsvRowOutcome[]) {
  return {
    acceptedLines: outcomes.filter((o) => o.record).map((o) => o.line),
    rejections: outcomes.filter((o) => o.problem).map((o) => ({ line: o.line, column: o.problem!.column, reason: o.problem!.reason })),
  };
}

describe.each<[string, ExpectedImport]>([
  ['licences', LICENCES],
  ['penalties', PENALTIES],
])('the %s fixtures', (name, expected) => {
  it.each(['utf8', 'gb18030'] as const)('%s: accepted lines and every rejection’s line, column and reason', (encoding) => {
    const { parser, outcomes, problem } = parseFile(`${name}-${encoding}.csv`);
    expect(problem).toBeUndefined();
    expect(parser.encoding).toBe(encoding);
    expect(parser.header?.kind).toBe(expected.kind);
    expect({ rows: parser.rows, lines: parser.lines }).toEqual({ rows: expected.rows, lines: expected.lines });
    expect(summarize(outcomes)).toEqual({ acceptedLines: expected.acceptedLines, rejections: expected.rejections });
    expect(outcomes.every((o) => o.problem === undefined || o.problem.message.length > 0)).toBe(true);
  });

  it('both encodings give identical records and rejections, whatever the chunk size', () => {
    const utf8 = parseFile(`${name}-utf8.csv`).outcomes;
    for (const size of [1, 7, 4096]) {
      expect(parseFile(`${name}-utf8.csv`, size).outcomes, `utf8 in chunks of ${size}`).toEqual(utf8);
      expect(parseFile(`${name}-gb18030.csv`, size).outcomes, `gb18030 in chunks of ${size}`).toEqual(utf8);
    }
  });

  it('every record id is distinct and stable across parses', () => {
    const ids = parseFile(`${name}-utf8.csv`).outcomes.flatMap((o) => (o.record ? [o.record.recordId] : []));
    expect(new Set(ids).size).toBe(ids.length);
    expect(parseFile(`${name}-gb18030.csv`).outcomes.flatMap((o) => (o.record ? [o.record.recordId] : []))).toEqual(ids);
  });
});

describe('CsvRecordParser: whole-file problems', () => {
  it.each<[string, string, Partial<FileProblem>]>([
    ['an empty file', 'empty.csv', { code: 'FILE_EMPTY' }],
    ['an unknown header', 'licences-unknown-header.csv', { code: 'HEADER_UNKNOWN', line: 1, columns: ['经办人'] }],
    ['a duplicated header', 'licences-duplicate-header.csv', { code: 'HEADER_DUPLICATE', line: 1 }],
    ['missing columns', 'penalties-missing-columns.csv', { code: 'HEADER_MISSING', line: 1 }],
    ['Latin-1 bytes on line 3', 'licences-latin1.csv', { code: 'ENCODING_INVALID', line: 3 }],
  ])('%s', (_name, file, problem) => {
    expect(parseFile(file).problem).toMatchObject(problem);
  });

  it('Latin-1 bytes after the first chunk: the rows before are read, then the file is refused at their line', () => {
    const { parser, outcomes, problem } = parseFile('licences-latin1.csv', 600);
    expect(problem).toMatchObject({ code: 'ENCODING_INVALID', line: 3 });
    expect(parser.encoding).toBe('utf8');
    expect(outcomes.map((o) => o.line)).toEqual([2]);
  });

  it('a file of only a byte-order mark and blank lines is empty', () => {
    expect(parse(Buffer.from('\uFEFF\r\n\r\n ,, \n', 'utf8')).problem).toMatchObject({ code: 'FILE_EMPTY' });
  });

  it('a file with only the header row has no data rows, and is no problem', () => {
    const { parser, outcomes, problem } = parseFile('licences-headers-only.csv');
    expect(problem).toBeUndefined();
    expect(outcomes).toEqual([]);
    expect(parser.header?.kind).toBe('licence');
    expect(parser.rows).toBe(0);
  });

  it('with --ignore-unknown-columns an unknown column is left out', () => {
    const { parser, outcomes, problem } = parseFile('licences-unknown-header.csv', undefined, { ignoreUnknownColumns: true });
    expect(problem).toBeUndefined();
    expect(parser.header?.ignored).toEqual(['经办人']);
    expect(summarize(outcomes)).toEqual({ acceptedLines: [2], rejections: [] });
  });

  it('--kind penalty on a licence file refuses its licence columns as unknown', () => {
    expect(parseFile('licences-utf8.csv', undefined, { kind: 'penalty' }).problem).toMatchObject({ code: 'HEADER_UNKNOWN' });
  });

  it('an unclosed quote is refused at the line its row starts', () => {
    const text = fs.readFileSync(fixture('penalties-utf8.csv'), 'utf8').split('\n');
    text[26] = text[26]!.replace('本溪第24', '"本溪第24');
    expect(parse(Buffer.from(text.join('\n'))).problem).toMatchObject({ code: 'QUOTE_UNTERMINATED', line: 27 });
  });
});
