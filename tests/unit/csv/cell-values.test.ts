// The cell parsers of src/core/records/csv/: written dates, amounts and coded values.
import { describe, expect, it } from 'vitest';
import {
  isOpenEnded,
  parseAmount,
  parseLicenceType,
  parseSeverity,
  parseSubjectCategory,
  splitPenaltyTypes,
} from '../../../src/core/records/csv/cell-values.js';
import { formatCsvLine } from '../../../src/core/records/csv/format-csv-line.js';
import { parseWrittenDate } from '../../../src/core/records/csv/written-date.js';
import { LicenceType, PenaltySeverity } from '../../../src/gen/credfed/v1/record.js';
import { SubjectKind } from '../../../src/gen/credfed/v1/subject.js';

describe('parseWrittenDate', () => {
  it.each([
    ['2026-10-01', '2026-10-01'],
    ['2026-10-1', '2026-10-01'],
    ['2026/10/1', '2026-10-01'],
    ['2026/1/9', '2026-01-09'],
    ['2026.10.01', '2026-10-01'],
    ['2026年10月1日', '2026-10-01'],
    ['2026年1月01日', '2026-01-01'],
    [' 2026-10-01 ', '2026-10-01'],
    ['２０２６年１０月１日', '2026-10-01'],
    ['2024-02-29', '2024-02-29'],
  ])('%s → %s', (written, iso) => {
    expect(parseWrittenDate(written)).toEqual({ value: iso });
  });

  it.each([
    ['2026-02-30', 'not a real calendar date'],
    ['2026年13月1日', 'not a real calendar date'],
    ['2025-02-29', 'not a real calendar date'],
    ['01/10/2026', 'expected a date'],
    ['2026-10-01 08:00:00', 'expected a date'],
    ['20261001', 'expected a date'],
    ['2026/10-01', 'expected a date'],
    ['二〇二六年十月一日', 'expected a date'],
    ['1899-12-31', 'not a real calendar date'],
  ])('refuses %s', (written, why) => {
    expect(parseWrittenDate(written).error).toContain(why);
  });
});

describe('parseAmount', () => {
  it.each([
    ['1.5', '1.5'],
    ['10', '10'],
    ['0', '0'],
    ['0.000001', '0.000001'],
    ['1.50', '1.50'],
    [' 2.35 ', '2.35'],
    ['１．５', '1.5'],
    ['', ''],
  ])('%s → "%s", a decimal string as written', (text, value) => {
    expect(parseAmount(text)).toEqual({ value });
  });

  it.each([
    ['1,5', 'comma'],
    ['1,500.00', 'comma'],
    ['-3', 'expected an amount'],
    ['五千', 'expected an amount'],
    ['1.2.3', 'expected an amount'],
    ['.5', 'expected an amount'],
    ['1e3', 'expected an amount'],
    ['0.0000001', 'expected an amount'],
  ])('refuses %s', (text, why) => {
    expect(parseAmount(text).error).toContain(why);
  });
});

describe('coded values', () => {
  it.each([
    ['法人及非法人组织', SubjectKind.SUBJECT_KIND_LEGAL_PERSON],
    [' 法人及非法人组织 ', SubjectKind.SUBJECT_KIND_LEGAL_PERSON],
    ['自然人', SubjectKind.SUBJECT_KIND_NATURAL_PERSON],
    ['个体工商户', SubjectKind.SUBJECT_KIND_INDIVIDUAL_BUSINESS],
  ])('subject category %s', (text, kind) => {
    expect(parseSubjectCategory(text)).toEqual({ value: kind });
  });

  it('refuses an unknown subject category', () => {
    expect(parseSubjectCategory('境外企业').error).toContain('境外企业');
  });

  it.each([
    ['普通', LicenceType.LICENCE_TYPE_GENERAL],
    ['特许', LicenceType.LICENCE_TYPE_FRANCHISE],
    ['认可', LicenceType.LICENCE_TYPE_RECOGNITION],
    ['核准', LicenceType.LICENCE_TYPE_APPROVAL],
    ['登记', LicenceType.LICENCE_TYPE_REGISTRATION],
    ['其他', LicenceType.LICENCE_TYPE_OTHER],
    ['普通许可', LicenceType.LICENCE_TYPE_GENERAL],
    ['', LicenceType.LICENCE_TYPE_UNSPECIFIED],
  ])('licence type "%s"', (text, type) => {
    expect(parseLicenceType(text)).toEqual({ value: type });
  });

  it('refuses an unknown licence type', () => {
    expect(parseLicenceType('临时').error).toContain('临时');
  });

  it.each([
    ['轻微', PenaltySeverity.PENALTY_SEVERITY_MINOR],
    ['一般', PenaltySeverity.PENALTY_SEVERITY_GENERAL],
    ['严重', PenaltySeverity.PENALTY_SEVERITY_SERIOUS],
    ['', PenaltySeverity.PENALTY_SEVERITY_UNSPECIFIED],
  ])('severity "%s"', (text, severity) => {
    expect(parseSeverity(text)).toEqual({ value: severity });
    expect(parseSeverity('较重').error).toContain('较重');
  });

  it.each([
    ['警告、罚款', ['警告', '罚款']],
    ['罚款，没收违法所得', ['罚款', '没收违法所得']],
    ['警告,罚款;责令停产停业；', ['警告', '罚款', '责令停产停业']],
    ['罚款', ['罚款']],
    ['', []],
  ])('penalty categories %s', (text, types) => {
    expect(splitPenaltyTypes(text)).toEqual(types);
  });

  it('有效期至 长期 means open-ended', () => {
    expect(['长期', '长期有效', ' 永久 '].map(isOpenEnded)).toEqual([true, true, true]);
    expect(isOpenEnded('2031-01-01')).toBe(false);
  });
});

describe('formatCsvLine', () => {
  it.each([
    [['a', 'b'], 'a,b\r\n'],
    [['a,b', 'say "hi"', 'x\ny'], '"a,b","say ""hi""","x\ny"\r\n'],
    [[' padded', ''], '" padded",\r\n'],
    [['=HYPERLINK("x")', '-1', '@a', '+1'], `"'=HYPERLINK(""x"")",'-1,'@a,'+1\r\n`],
    [['行号', '说明'], '行号,说明\r\n'],
  ])('%j', (fields, line) => {
    expect(formatCsvLine(fields)).toBe(line);
  });
});
