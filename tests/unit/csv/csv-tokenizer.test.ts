// CsvTokenizer (src/core/records/csv/csv-tokenizer.ts): streaming RFC 4180,
// physical line numbers, any chunking.
import { describe, expect, it } from 'vitest';
import { CsvTokenizer, MAX_ROW_CHARS, type CsvRow } from '../../../src/core/records/csv/csv-tokenizer.js';

/** Tokenizes `text` fed in chunks of `size` characters (whole when undefined). */
function tokenize(text: string, size?: number): { rows: CsvRow[]; lines: number } {
  const t = new CsvTokenizer();
  const rows: CsvRow[] = [];
  const step = size ?? Math.max(text.length, 1);
  for (let i = 0; i < text.length; i += step) rows.push(...t.push(text.slice(i, i + step)).value!);
  rows.push(...t.end().value!);
  return { rows, lines: t.lines };
}

const cases: [string, string, CsvRow[], number][] = [
  ['LF rows', 'a,b\nc,d\n', [{ line: 1, fields: ['a', 'b'] }, { line: 2, fields: ['c', 'd'] }], 2],
  ['CRLF rows', 'a,b\r\nc,d\r\n', [{ line: 1, fields: ['a', 'b'] }, { line: 2, fields: ['c', 'd'] }], 2],
  ['lone CR rows', 'a,b\rc,d', [{ line: 1, fields: ['a', 'b'] }, { line: 2, fields: ['c', 'd'] }], 2],
  ['a last row without a line break', 'a,b\nc,d', [{ line: 1, fields: ['a', 'b'] }, { line: 2, fields: ['c', 'd'] }], 2],
  ['empty fields', ',a,,\n', [{ line: 1, fields: ['', 'a', '', ''] }], 1],
  ['a trailing comma at the end of the file', 'a,', [{ line: 1, fields: ['a', ''] }], 1],
  ['quoted fields with commas', '"a,b",c\n', [{ line: 1, fields: ['a,b', 'c'] }], 1],
  ['escaped quotes', '"say ""hi""",""""\n', [{ line: 1, fields: ['say "hi"', '"'] }], 1],
  ['an empty quoted field', '"",x\n', [{ line: 1, fields: ['', 'x'] }], 1],
  [
    'LF inside quotes: the next row starts two lines later',
    '"a\nb",c\nd,e\n',
    [{ line: 1, fields: ['a\nb', 'c'] }, { line: 3, fields: ['d', 'e'] }],
    3,
  ],
  [
    'CRLF inside quotes counts one line',
    '"a\r\nb\r\nc",d\r\ne,f\r\n',
    [{ line: 1, fields: ['a\r\nb\r\nc', 'd'] }, { line: 4, fields: ['e', 'f'] }],
    4,
  ],
  ['blank lines are skipped but counted', '\na\n\r\n\nb\n', [{ line: 2, fields: ['a'] }, { line: 5, fields: ['b'] }], 5],
  ['a quote inside an unquoted field is kept', 'a"b,c\n', [{ line: 1, fields: ['a"b', 'c'] }], 1],
  ['text after a closing quote is appended', '"a"b,c\n', [{ line: 1, fields: ['ab', 'c'] }], 1],
  ['Chinese text', '行政相对人名称,备注\n沈阳"甲"公司,无\n', [{ line: 1, fields: ['行政相对人名称', '备注'] }, { line: 2, fields: ['沈阳"甲"公司', '无'] }], 2],
  ['nothing', '', [], 0],
];

describe('CsvTokenizer', () => {
  it.each(cases)('%s', (_name, text, rows, lines) => {
    expect(tokenize(text)).toEqual({ rows, lines });
  });

  it.each(cases)('%s: the same rows and lines fed one character at a time, or in pairs', (_name, text, rows, lines) => {
    expect(tokenize(text, 1)).toEqual({ rows, lines });
    expect(tokenize(text, 2)).toEqual({ rows, lines });
  });

  it('gives the same rows for every split of a tricky input into two chunks', () => {
    const text = 'a,"b\r\n""c""",d\r\n\r\n"e,\rf",g\rh\n';
    const whole = tokenize(text);
    for (let cut = 0; cut <= text.length; cut++) {
      const t = new CsvTokenizer();
      const rows = [...t.push(text.slice(0, cut)).value!, ...t.push(text.slice(cut)).value!, ...t.end().value!];
      expect({ rows, lines: t.lines }, `cut at ${cut}`).toEqual(whole);
    }
  });

  it('refuses a quoted field never closed, naming the line where its row starts', () => {
    const t = new CsvTokenizer();
    expect(t.push('a,b\nc,"d\ne,f\n').value).toEqual([{ line: 1, fields: ['a', 'b'] }]);
    expect(t.end().error).toMatchObject({ code: 'QUOTE_UNTERMINATED', line: 2 });
  });

  it('refuses a row longer than the limit instead of holding it, and stays refused', () => {
    const t = new CsvTokenizer();
    expect(t.push('ok\n"').value).toHaveLength(1);
    const chunk = 'x'.repeat(64 * 1024);
    let result = t.push(chunk);
    for (let i = 0; i * chunk.length <= MAX_ROW_CHARS && !result.error; i++) result = t.push(chunk);
    expect(result.error).toMatchObject({ code: 'ROW_TOO_LONG', line: 2 });
    expect(t.push('a\n').error).toMatchObject({ code: 'ROW_TOO_LONG' });
  });
});
