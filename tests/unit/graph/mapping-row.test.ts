// Mapping files of legacy codes to USCCs, pure parts: the header row
// (src/core/graph/mapping-header.ts), one data row (mapping-row.ts) and the
// streaming parser (mapping-parser.ts).
import { describe, expect, it } from 'vitest';
import { recognizeMappingHeader, type MappingHeader } from '../../../src/core/graph/mapping-header.js';
import { MappingParser } from '../../../src/core/graph/mapping-parser.js';
import { kindOfUscc, mapMappingRow, mappingSubject, MAX_NAME_LENGTH } from '../../../src/core/graph/mapping-row.js';
import { IdentifierScheme, SubjectKind } from '../../../src/gen/credfed/v1/subject.js';

const { IDENTIFIER_SCHEME_USCC: USCC, IDENTIFIER_SCHEME_ORG_CODE: ORG, IDENTIFIER_SCHEME_REGISTRATION_NUMBER: REGNO } = IdentifierScheme;
const U = '91210100MA0K1B2C1G'; // contains the organisation code MA0K1B2C1
const R = '210102000000010';

const header = (...cells: string[]): MappingHeader => {
  const h = recognizeMappingHeader(cells, 1);
  if (h.error) throw new Error(h.error.message);
  return h.value;
};

describe('recognizeMappingHeader', () => {
  it.each([
    [['统一社会信用代码', '组织机构代码', '工商注册号', '原代码', '名称'], ['uscc', 'org', 'regno', 'legacy', 'name']],
    [[' USCC ', 'Org_Code', 'REGISTRATION_NUMBER', 'legacy_code', 'Name'], ['uscc', 'org', 'regno', 'legacy', 'name']],
    [['uscc', 'org', '注册号', '旧代码', '企业名称'], ['uscc', 'org', 'regno', 'legacy', 'name']],
    [['ｕｓｃｃ', 'regno', 'legacy'], ['uscc', 'regno', 'legacy']],
  ])('recognises %j', (cells, keys) => {
    const h = header(...cells);
    expect([...h.columns.keys()].sort()).toEqual([...keys].sort());
    expect(h.ignored).toEqual([]);
  });

  it('leaves unknown columns out, naming them', () => {
    const h = header('序号', 'uscc', '', 'org', '备注');
    expect(h.ignored).toEqual(['序号', '(column 3, no header)', '备注']);
    expect(h.columns.get('org')).toEqual({ index: 3, header: 'org' });
  });

  it.each([
    [['组织机构代码', '名称'], 'HEADER_MISSING', ['统一社会信用代码 (or uscc)']],
    [['统一社会信用代码', '名称'], 'HEADER_MISSING', [expect.stringContaining('legacy-code column')]],
    [['名称'], 'HEADER_MISSING', [expect.stringContaining('统一社会信用代码'), expect.stringContaining('legacy-code column')]],
    [['uscc', '统一社会信用代码', 'org'], 'HEADER_DUPLICATE', ['uscc', '统一社会信用代码']],
    [['uscc', '原代码', 'legacy'], 'HEADER_DUPLICATE', ['原代码', 'legacy']],
  ])('refuses %j', (cells, code, columns) => {
    expect(recognizeMappingHeader(cells, 3).error).toMatchObject({ code, line: 3, columns });
  });
});

describe('mapMappingRow', () => {
  const full = header('统一社会信用代码', '组织机构代码', '工商注册号', '原代码', '名称');

  it('validates and normalises every code; blank legacy cells are skipped; duplicates kept once', () => {
    expect(mapMappingRow(full, [' ９１２１０１００ma0k1b2c1g ', 'MA0K1B2C-1', '', 'ma0k1b2c1', ' 沈阳市甲科技有限公司 '])).toEqual({
      value: { uscc: U, legacy: [{ scheme: ORG, value: 'MA0K1B2C1' }], name: '沈阳市甲科技有限公司' },
    });
    expect(mapMappingRow(full, [U, '', R, '', ''])).toEqual({ value: { uscc: U, legacy: [{ scheme: REGNO, value: R }], name: '' } });
    expect(mapMappingRow(full, [U, '', '', '21010200A000118', '']).value?.legacy).toEqual([{ scheme: REGNO, value: '21010200A000118' }]);
  });

  it.each([
    ['a USCC with a wrong check character', ['91210100MA0K1B2C1H', 'MA0K1B2C1', '', '', ''], '统一社会信用代码', 'check'],
    ['an empty USCC', ['', 'MA0K1B2C1', '', '', ''], '统一社会信用代码', 'empty'],
    ['a USCC with a forbidden letter', ['91210100MA0K1B2CIG', 'MA0K1B2C1', '', '', ''], '统一社会信用代码', 'charset'],
    ['an organisation code with a wrong check character', [U, 'MA0K1B2C2', '', '', ''], '组织机构代码', 'check'],
    ['a short registration number', [U, '', '21010200000001', '', ''], '工商注册号', 'length'],
    ['a USCC in the generic legacy column', [U, '', '', '9121010071526726XC', ''], '原代码', 'scheme'],
    ['a generic legacy code of no known length', [U, '', '', '12345', ''], '原代码', 'scheme'],
    ['a generic 9-character code with a wrong check character', [U, '', '', 'MA0K1B2C2', ''], '原代码', 'check'],
    ['no legacy code at all', [U, '', ' ', '', '名称'], '组织机构代码, 工商注册号, 原代码', 'missing'],
    ['a name too long', [U, 'MA0K1B2C1', '', '', 'x'.repeat(MAX_NAME_LENGTH + 1)], '名称', 'length'],
  ])('rejects %s, naming the column and the rule', (_, fields, column, rule) => {
    const r = mapMappingRow(full, fields);
    expect(r.error).toMatchObject({ column, rule });
    expect(r.error!.message).toMatch(new RegExp(`^${{ check: 'check character', empty: 'empty', charset: 'character set', length: 'length', scheme: 'scheme', missing: 'missing' }[rule]}`));
  });

  it('never echoes a code in a message (a resident identity number in the generic column)', () => {
    const r = mapMappingRow(full, [U, '', '', '11010519491231002X', '']);
    expect(r.error).toMatchObject({ rule: 'scheme' });
    expect(r.error!.message).not.toContain('11010519491231002X');
  });

  it('takes the columns the header found, wherever they are; a short row reads as blank cells', () => {
    const h = header('name', 'regno', 'uscc');
    expect(mapMappingRow(h, ['乙', R, U]).value).toEqual({ uscc: U, legacy: [{ scheme: REGNO, value: R }], name: '乙' });
    expect(mapMappingRow(h, ['乙', R]).error).toMatchObject({ column: 'uscc', rule: 'empty' });
  });
});

describe('mappingSubject', () => {
  it.each([
    ['91210100MA0K1B2C1G', SubjectKind.SUBJECT_KIND_LEGAL_PERSON],
    ['93210100MA0K1B2C1G', SubjectKind.SUBJECT_KIND_LEGAL_PERSON],
    ['92210102MA0K1B3D6G', SubjectKind.SUBJECT_KIND_INDIVIDUAL_BUSINESS],
    ['121200004013590816', SubjectKind.SUBJECT_KIND_OTHER_ORGANISATION],
    ['52210100MA0K1B2C1G', SubjectKind.SUBJECT_KIND_OTHER_ORGANISATION],
  ])('%s is of kind %i', (uscc, kind) => expect(kindOfUscc(uscc)).toBe(kind));

  it('describes the USCC and its legacy codes, named as the file names it', () => {
    expect(mappingSubject({ uscc: U, legacy: [{ scheme: REGNO, value: R }], name: '' })).toEqual({
      kind: SubjectKind.SUBJECT_KIND_LEGAL_PERSON,
      name: '',
      identifiers: [
        { scheme: USCC, value: U, masked: '' },
        { scheme: REGNO, value: R, masked: '' },
      ],
      legalRepresentative: '',
    });
  });
});

describe('MappingParser', () => {
  const bytes = (text: string) => new TextEncoder().encode(text);

  it('reads rows fed a byte at a time, with their lines; blank lines skipped; a quoted name over two lines', () => {
    const text = `\uFEFFuscc,org,name\r\n\r\n${U},MA0K1B2C1,"甲\r\n公司"\r\n${U},bad,乙\r\n`;
    const parser = new MappingParser();
    const outcomes = [...bytes(text)].flatMap((b) => parser.push(Uint8Array.of(b)).value!);
    outcomes.push(...parser.end().value!);
    expect(outcomes.map((o) => ({ line: o.line, ok: Boolean(o.row), rule: o.problem?.rule }))).toEqual([
      { line: 3, ok: true, rule: undefined },
      { line: 5, ok: false, rule: 'length' },
    ]);
    expect(outcomes[0]!.row!.name).toBe('甲\r\n公司');
    expect(parser).toMatchObject({ rows: 2, lines: 5, encoding: 'utf8' });
  });

  it('refuses an empty file, and a file whose header lacks a column, before any row', () => {
    const empty = new MappingParser();
    expect(empty.push(bytes('\n\n')).value).toEqual([]);
    expect(empty.end().error).toMatchObject({ code: 'FILE_EMPTY' });
    const noUscc = new MappingParser();
    expect(noUscc.push(bytes(`org,name\nMA0K1B2C1,甲\n`)).error).toMatchObject({ code: 'HEADER_MISSING', line: 1 });
  });
});
