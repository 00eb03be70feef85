// mapCsvRow (src/core/records/csv/map-row.ts): one 双公示 row → a credit
// record, column by column, or the first problem naming its column.
import { describe, expect, it } from 'vitest';
import { orgCheckChar, ricCheckChar, usccCheckChar } from '../../../src/core/ids/index.js';
import type { CsvKind } from '../../../src/core/records/csv/csv-columns.js';
import { mapCsvRow } from '../../../src/core/records/csv/map-row.js';
import { recognizeHeader, standardHeaders } from '../../../src/core/records/csv/recognize-header.js';
import {
  CreditRecord,
  DisclosureClass,
  LicenceType,
  PenaltySeverity,
  RecordCategory,
  RecordStatus,
} from '../../../src/gen/credfed/v1/record.js';
import { IdentifierScheme, SubjectKind } from '../../../src/gen/credfed/v1/subject.js';

const NOW = new Date('2026-06-01T02:03:04.005Z');
const CTX = { originId: 'county-a', now: NOW };
const REPORTED = { seconds: Math.floor(NOW.getTime() / 1000), nanos: 5_000_000 };

const ORG = `MA0K3B7P${orgCheckChar('MA0K3B7P')}`;
const USCC = (() => {
  const b = `91210100${ORG}`;
  return b + usccCheckChar(b);
})();
const AUTH = (() => {
  const b = `11210100${'00000017'}${orgCheckChar('00000017')}`;
  return b + usccCheckChar(b);
})();
const RIC = `21010219900307002${ricCheckChar('21010219900307002')}`;

function header(kind: CsvKind) {
  return recognizeHeader(standardHeaders(kind), 1).value!;
}

/** A row of the standard columns of `kind`, from header → value. */
function row(kind: CsvKind, values: Record<string, string>): string[] {
  const headers = standardHeaders(kind);
  for (const k of Object.keys(values)) if (!headers.includes(k)) throw new Error(`no column ${k}`);
  return headers.map((h) => values[h] ?? '');
}

const LICENCE_ROW: Record<string, string> = {
  行政相对人名称: '沈阳和平食品有限公司',
  行政相对人类别: '法人及非法人组织',
  '行政相对人代码_1(统一社会信用代码)': USCC.toLowerCase(),
  '行政相对人代码_3(组织机构代码)': `${ORG.slice(0, 8)}-${ORG[8]}`,
  法定代表人: '王伟',
  行政许可决定文书名称: '准予行政许可决定书',
  行政许可决定文书号: '沈市监许字〔2026〕101号',
  许可类别: '普通',
  许可证书名称: '食品经营许可证',
  许可编号: 'JY12101000001',
  许可内容: '预包装食品销售',
  许可决定日期: '2026年3月1日',
  有效期自: '2026/3/1',
  有效期至: '2031.02.28',
  许可机关: '沈阳市市场监督管理局',
  许可机关统一社会信用代码: AUTH,
  当前状态: '有效',
  数据来源单位: '沈阳市市场监督管理局',
  数据来源单位统一社会信用代码: AUTH,
  备注: '不导入',
};

const PENALTY_ROW: Record<string, string> = {
  行政相对人名称: '黄磊',
  行政相对人类别: '自然人',
  证件类型: '身份证',
  证件号码: RIC,
  行政处罚决定书文号: '本环罚〔2026〕203号',
  违法行为类型: '违反大气污染防治管理规定',
  违法事实: '露天焚烧垃圾',
  处罚依据: '《中华人民共和国大气污染防治法》',
  处罚类别: '警告、罚款',
  处罚内容: '警告并罚款贰仟元',
  '罚款金额(万元)': '0.2',
  '没收违法所得、没收非法财物的金额(万元)': '0',
  暂扣或吊销证照名称及编号: '',
  处罚决定日期: '2026-05-08',
  处罚有效期: '2027-05-08',
  公示截止期: '2026-08-08',
  处罚机关: '本溪市生态环境局',
  处罚机关统一社会信用代码: '',
  数据来源单位: '',
  数据来源单位统一社会信用代码: '',
  备注: '',
  处罚严重程度: '轻微',
};

describe('mapCsvRow', () => {
  it('maps a licence row column by column', () => {
    const r = mapCsvRow(header('licence'), row('licence', LICENCE_ROW), CTX);
    expect(r.error).toBeUndefined();
    expect(r.value).toEqual(
      CreditRecord.fromPartial({
        originId: 'county-a',
        recordId: r.value!.recordId,
        version: 0,
        category: RecordCategory.RECORD_CATEGORY_ADMINISTRATIVE_LICENCE,
        subject: {
          kind: SubjectKind.SUBJECT_KIND_LEGAL_PERSON,
          name: '沈阳和平食品有限公司',
          identifiers: [
            { scheme: IdentifierScheme.IDENTIFIER_SCHEME_USCC, value: USCC },
            { scheme: IdentifierScheme.IDENTIFIER_SCHEME_ORG_CODE, value: ORG },
          ],
          legalRepresentative: '王伟',
        },
        authority: { name: '沈阳市市场监督管理局', uscc: AUTH },
        decisionDate: '2026-03-01',
        reportedAt: REPORTED,
        disclosure: DisclosureClass.DISCLOSURE_CLASS_PUBLIC,
        status: RecordStatus.RECORD_STATUS_ACTIVE,
        dataSource: { name: '沈阳市市场监督管理局', uscc: AUTH },
        details: {
          $case: 'licence',
          value: {
            decisionDocumentName: '准予行政许可决定书',
            decisionDocumentNumber: '沈市监许字〔2026〕101号',
            licenceType: LicenceType.LICENCE_TYPE_GENERAL,
            certificateName: '食品经营许可证',
            licenceNumber: 'JY12101000001',
            content: '预包装食品销售',
            validity: { from: '2026-03-01', to: '2031-02-28' },
            currentState: '有效',
          },
        },
      }),
    );
    expect(r.value!.recordId).toMatch(/^csv-lic-[0-9a-f]{32}$/);
    expect(r.value!.publicity).toBeUndefined();
  });

  it('maps a natural person’s penalty row: 身份证 number, categories, amounts as strings, publicity', () => {
    const r = mapCsvRow(header('penalty'), row('penalty', PENALTY_ROW), CTX);
    expect(r.error).toBeUndefined();
    const v = r.value!;
    expect(v.category).toBe(RecordCategory.RECORD_CATEGORY_ADMINISTRATIVE_PENALTY);
    expect(v.subject).toEqual({
      kind: SubjectKind.SUBJECT_KIND_NATURAL_PERSON,
      name: '黄磊',
      identifiers: [{ scheme: IdentifierScheme.IDENTIFIER_SCHEME_RESIDENT_ID, value: RIC, masked: '' }],
      legalRepresentative: '',
    });
    expect(v.decisionDate).toBe('2026-05-08');
    expect(v.publicity).toEqual({ from: '2026-05-08', to: '2026-08-08' });
    expect(v.authority).toEqual({ name: '本溪市生态环境局', uscc: '' });
    expect(v.dataSource).toBeUndefined();
    expect(v.details).toEqual({
      $case: 'penalty',
      value: {
        decisionNumber: '本环罚〔2026〕203号',
        violationType: '违反大气污染防治管理规定',
        violationFacts: '露天焚烧垃圾',
        legalBasis: '《中华人民共和国大气污染防治法》',
        penaltyTypes: ['警告', '罚款'],
        content: '警告并罚款贰仟元',
        fineWanYuan: '0.2',
        confiscatedWanYuan: '0',
        suspendedLicences: '',
        severity: PenaltySeverity.PENALTY_SEVERITY_MINOR,
      },
    });
    expect(v.recordId).toMatch(/^csv-pen-[0-9a-f]{32}$/);
  });

  it('keeps the record id when anything but the decision or the subject changes, and only then', () => {
    const id = (values: Record<string, string>) => mapCsvRow(header('penalty'), row('penalty', values), CTX).value!.recordId;
    const base = id(PENALTY_ROW);
    expect(id({ ...PENALTY_ROW, 违法事实: '露天焚烧垃圾（更正）', '罚款金额(万元)': '0.3' })).toBe(base);
    expect(id({ ...PENALTY_ROW, 行政处罚决定书文号: ' 本环罚〔2026〕203号 ' })).toBe(base);
    expect(id({ ...PENALTY_ROW, 行政处罚决定书文号: '本环罚〔2026〕204号' })).not.toBe(base);
    expect(id({ ...PENALTY_ROW, 行政相对人名称: '黄蕾' })).not.toBe(base);
    const lic = (values: Record<string, string>) => mapCsvRow(header('licence'), row('licence', values), CTX).value!.recordId;
    expect(lic({ ...LICENCE_ROW, 许可内容: '散装食品销售' })).toBe(lic(LICENCE_ROW));
    expect(lic({ ...LICENCE_ROW, 许可编号: 'JY12101000002' })).not.toBe(lic(LICENCE_ROW));
    expect(lic({ ...LICENCE_ROW, '行政相对人代码_1(统一社会信用代码)': '' })).not.toBe(lic(LICENCE_ROW));
  });

  it('never puts a hash of a resident ID number in the record id: natural persons are keyed by name', () => {
    const id = (ric: string) => mapCsvRow(header('penalty'), row('penalty', { ...PENALTY_ROW, 证件号码: ric }), CTX).value!.recordId;
    const other = `11010519491231002X`;
    expect(id(other)).toBe(id(RIC));
  });

  it('有效期至 长期 leaves the validity open-ended; a blank 证件类型 counts as 身份证', () => {
    const lic = mapCsvRow(header('licence'), row('licence', { ...LICENCE_ROW, 有效期至: '长期' }), CTX).value!;
    expect(lic.details).toMatchObject({ value: { validity: { from: '2026-03-01', to: '' } } });
    const pen = mapCsvRow(header('penalty'), row('penalty', { ...PENALTY_ROW, 证件类型: '' }), CTX);
    expect(pen.error).toBeUndefined();
  });

  it('ignores 证件号码 of an organisation (it may be the legal representative’s)', () => {
    const r = mapCsvRow(header('licence'), row('licence', { ...LICENCE_ROW, 证件类型: '身份证', 证件号码: RIC }), CTX);
    expect(r.value!.subject!.identifiers.map((i) => i.scheme)).toEqual([IdentifierScheme.IDENTIFIER_SCHEME_USCC, IdentifierScheme.IDENTIFIER_SCHEME_ORG_CODE]);
  });

  it.each<[string, CsvKind, Record<string, string>, string, string]>([
    ['a bad USCC', 'licence', { '行政相对人代码_1(统一社会信用代码)': `${USCC.slice(0, 17)}0` }, '行政相对人代码_1(统一社会信用代码)', 'IDENTIFIER_INVALID'],
    ['a bad org code', 'licence', { '行政相对人代码_3(组织机构代码)': 'MA0K3B7P-Q' }, '行政相对人代码_3(组织机构代码)', 'IDENTIFIER_INVALID'],
    ['a short tax number', 'licence', { '行政相对人代码_4(税务登记号)': '123' }, '行政相对人代码_4(税务登记号)', 'IDENTIFIER_INVALID'],
    ['no name', 'licence', { 行政相对人名称: ' ' }, '行政相对人名称', 'RECORD_FIELD_MISSING'],
    ['no subject category', 'licence', { 行政相对人类别: '' }, '行政相对人类别', 'RECORD_FIELD_MISSING'],
    ['an unknown subject category', 'licence', { 行政相对人类别: '外国企业' }, '行政相对人类别', 'RECORD_FIELD_INVALID'],
    ['no identifier', 'licence', { '行政相对人代码_1(统一社会信用代码)': '', '行政相对人代码_3(组织机构代码)': '' }, '行政相对人代码_1(统一社会信用代码)', 'RECORD_FIELD_MISSING'],
    ['no decision document number', 'licence', { 行政许可决定文书号: '' }, '行政许可决定文书号', 'RECORD_FIELD_MISSING'],
    ['no decision date', 'licence', { 许可决定日期: '' }, '许可决定日期', 'RECORD_FIELD_MISSING'],
    ['an impossible decision date', 'licence', { 许可决定日期: '2026-02-30' }, '许可决定日期', 'RECORD_FIELD_INVALID'],
    ['a month 13', 'licence', { 有效期至: '2026年13月1日' }, '有效期至', 'RECORD_FIELD_INVALID'],
    ['validity ending before it starts', 'licence', { 有效期至: '2026-01-01' }, '有效期至', 'RECORD_FIELD_INVALID'],
    ['no authority', 'licence', { 许可机关: '' }, '许可机关', 'RECORD_FIELD_MISSING'],
    ['a bad authority code', 'licence', { 许可机关统一社会信用代码: `${AUTH.slice(0, 17)}0` }, '许可机关统一社会信用代码', 'IDENTIFIER_INVALID'],
    ['a bad data source code', 'licence', { 数据来源单位统一社会信用代码: 'X' }, '数据来源单位统一社会信用代码', 'IDENTIFIER_INVALID'],
    ['an unknown licence type', 'licence', { 许可类别: '临时' }, '许可类别', 'RECORD_FIELD_INVALID'],
    ['a natural person with a passport', 'penalty', { 证件类型: '护照', 证件号码: 'E12345678' }, '证件类型', 'RECORD_FIELD_INVALID'],
    ['a natural person without a number', 'penalty', { 证件号码: '' }, '证件号码', 'RECORD_FIELD_MISSING'],
    ['a bad resident ID', 'penalty', { 证件号码: `${RIC.slice(0, 17)}0` }, '证件号码', 'IDENTIFIER_INVALID'],
    ['a fine with a comma', 'penalty', { '罚款金额(万元)': '1,5' }, '罚款金额(万元)', 'RECORD_FIELD_INVALID'],
    ['a confiscation in words', 'penalty', { '没收违法所得、没收非法财物的金额(万元)': '五千' }, '没收违法所得、没收非法财物的金额(万元)', 'RECORD_FIELD_INVALID'],
    ['publicity ending before the decision', 'penalty', { 公示截止期: '2026-05-07' }, '公示截止期', 'RECORD_FIELD_INVALID'],
    ['a bad 处罚有效期', 'penalty', { 处罚有效期: '明年' }, '处罚有效期', 'RECORD_FIELD_INVALID'],
    ['an unknown severity', 'penalty', { 处罚严重程度: '较重' }, '处罚严重程度', 'RECORD_FIELD_INVALID'],
    ['a name over 8192 characters', 'penalty', { 行政相对人名称: '名'.repeat(8193) }, '行政相对人名称', 'RECORD_FIELD_INVALID'],
  ])('rejects %s, naming the column', (_name, kind, change, column, reason) => {
    const base = kind === 'licence' ? LICENCE_ROW : PENALTY_ROW;
    expect(mapCsvRow(header(kind), row(kind, { ...base, ...change }), CTX).error).toMatchObject({ column, reason });
  });

  it('rejects a row with too many or too few fields', () => {
    const h = header('licence');
    const fields = row('licence', LICENCE_ROW);
    expect(mapCsvRow(h, [...fields, 'x'], CTX).error).toMatchObject({ column: `column ${fields.length + 1}`, reason: 'IMPORT_LINE_INVALID' });
    expect(mapCsvRow(h, fields.slice(0, 20), CTX).error).toMatchObject({ column: h.cells[20], reason: 'IMPORT_LINE_INVALID' });
  });

  it('names the column as the file writes it', () => {
    const headers = standardHeaders('penalty').map((h) => h.replace('(', '（').replace(')', '）'));
    const h = recognizeHeader(headers, 1).value!;
    expect(mapCsvRow(h, row('penalty', { ...PENALTY_ROW, '罚款金额(万元)': '1,5' }), CTX).error?.column).toBe('罚款金额（万元）');
  });
});
