// recognizeHeader (src/core/records/csv/recognize-header.ts): the standard
// 双公示 headers and their variants, kind detection, refusals.
import { describe, expect, it } from 'vitest';
import { COLUMNS, normalizeHeader } from '../../../src/core/records/csv/csv-columns.js';
import { recognizeHeader, standardHeaders } from '../../../src/core/records/csv/recognize-header.js';

const LICENCE = standardHeaders('licence');
const PENALTY = standardHeaders('penalty');
const replace = (headers: readonly string[], from: string, to: string): string[] => headers.map((h) => (h === from ? to : h));

describe('recognizeHeader', () => {
  it.each([
    ['licence', LICENCE],
    ['penalty', PENALTY],
  ] as const)('detects %s files from the standard headers and maps every column', (kind, headers) => {
    const r = recognizeHeader(headers, 1);
    expect(r.error).toBeUndefined();
    expect(r.value!.kind).toBe(kind);
    expect([...r.value!.columns.keys()]).toEqual(COLUMNS[kind].map((c) => c.key));
    expect(r.value!.ignored).toEqual([]);
  });

  it('reports the standard list of the brief: 26 licence and 28 penalty columns plus the optional ones', () => {
    const optional = ['法定代表人证件类型', '法定代表人证件号码', '处罚严重程度'];
    expect(LICENCE.filter((h) => !optional.includes(h))).toHaveLength(26);
    expect(PENALTY.filter((h) => !optional.includes(h))).toHaveLength(28);
  });

  it.each([
    ['full-width parentheses', '行政相对人代码_1（统一社会信用代码）', 'uscc'],
    ['the code name alone', '统一社会信用代码', 'uscc'],
    ['without the parenthesised part', '行政相对人代码_1', 'uscc'],
    ['without the underscore', '行政相对人代码1(统一社会信用代码)', 'uscc'],
    ['surrounding and inner spaces', '  行政相对人 名称\u3000', 'name'],
    ['a zero-width space', '许可\u200b编号', 'licenceNumber'],
    ['工商注册号 alone', '工商注册号', 'regNo'],
  ])('accepts %s', (_name, header, key) => {
    const base = LICENCE.filter((h) => !(key === 'uscc' && h.startsWith('行政相对人代码_1')) && !(key === 'name' && h === '行政相对人名称') && !(key === 'licenceNumber' && h === '许可编号') && !(key === 'regNo' && h.startsWith('行政相对人代码_2')));
    const r = recognizeHeader([...base, header], 1);
    expect(r.error).toBeUndefined();
    expect(r.value!.columns.get(key as never)).toEqual({ index: base.length, header: header.trim() });
  });

  it.each([
    ['罚款金额', 'fine'],
    ['罚款金额（万元）', 'fine'],
    ['没收违法所得金额（万元）', 'confiscated'],
    ['处罚决定书文号', 'penaltyDecisionNumber'],
    ['严重程度', 'severity'],
  ])('accepts the penalty variant %s', (header, key) => {
    const base = PENALTY.filter((h) => normalizeHeader(h) !== normalizeHeader(header) && !(key === 'fine' && h.startsWith('罚款金额')) && !(key === 'confiscated' && h.startsWith('没收')) && !(key === 'penaltyDecisionNumber' && h === '行政处罚决定书文号') && !(key === 'severity' && h === '处罚严重程度'));
    const r = recognizeHeader([...base, header], 1);
    expect(r.error).toBeUndefined();
    expect(r.value!.columns.get(key as never)?.index).toBe(base.length);
  });

  it('does not take an amount in 元 for one in 万元', () => {
    const r = recognizeHeader(replace(PENALTY, '罚款金额(万元)', '罚款金额(元)'), 1);
    expect(r.error).toMatchObject({ code: 'HEADER_UNKNOWN', columns: ['罚款金额(元)'] });
  });

  it('refuses unknown headers, naming each with its column, unless they are to be ignored', () => {
    const headers = [...LICENCE, '经办人', ''];
    const r = recognizeHeader(headers, 3);
    expect(r.error).toMatchObject({ code: 'HEADER_UNKNOWN', line: 3, columns: ['经办人', ''] });
    expect(r.error!.message).toContain(`"经办人" (column ${LICENCE.length + 1})`);
    expect(r.error!.message).toContain(`column ${LICENCE.length + 2} has no header`);
    const ignored = recognizeHeader(headers, 3, { ignoreUnknownColumns: true });
    expect(ignored.value?.ignored).toEqual(['经办人', '']);
    expect(ignored.value?.cells).toEqual(headers);
  });

  it('refuses two headers naming one column', () => {
    const r = recognizeHeader([...LICENCE, '统一社会信用代码'], 1);
    expect(r.error).toMatchObject({ code: 'HEADER_DUPLICATE', columns: ['行政相对人代码_1(统一社会信用代码)', '统一社会信用代码'] });
    expect(recognizeHeader([...PENALTY, '备注'], 1).error).toMatchObject({ code: 'HEADER_DUPLICATE' });
  });

  it('refuses missing required columns, listing them all', () => {
    const headers = LICENCE.filter((h) => !['行政相对人类别', '许可机关'].includes(h) && !h.startsWith('行政相对人代码') && h !== '证件号码');
    const r = recognizeHeader(headers, 1, { kind: 'licence' });
    expect(r.error).toMatchObject({ code: 'HEADER_MISSING' });
    expect(r.error!.columns).toEqual(['行政相对人类别', '许可机关', expect.stringContaining('an identifier column')]);
  });

  it('one identifier column is enough, even 证件号码 alone', () => {
    const headers = LICENCE.filter((h) => !h.startsWith('行政相对人代码'));
    expect(recognizeHeader(headers, 1).value?.kind).toBe('licence');
  });

  it('asks for --kind when the headers mix both kinds, or have neither', () => {
    const mixed = recognizeHeader([...LICENCE, '处罚机关'], 1);
    expect(mixed.error).toMatchObject({ code: 'KIND_UNDETECTED' });
    expect(mixed.error!.message).toContain('--kind');
    const neither = recognizeHeader(['行政相对人名称', '统一社会信用代码', '备注'], 1);
    expect(neither.error).toMatchObject({ code: 'KIND_UNDETECTED' });
  });

  it('with --kind, the other kind’s columns are unknown, with a hint', () => {
    const r = recognizeHeader(PENALTY, 1, { kind: 'licence' });
    expect(r.error).toMatchObject({ code: 'HEADER_UNKNOWN' });
    expect(r.error!.message).toContain('"处罚机关" (column');
    expect(r.error!.message).toContain('a penalty column');
  });
});
