// checkIdentifier: the published examples (DESIGN.md §2.1) table-driven, scheme
// detection / forcing / ambiguity, USCC derivations, masking of resident IDs.
import { describe, expect, it } from 'vitest';
import { checkIdentifier, maskIdentifier, maskRic, provinceOf, USCC_ALPHABET, usccCheckChar, type CheckScheme } from '../../../src/core/ids/index.ts';

/** Valid as both USCC and RIC (see scheme.test.ts). */
const AMBIGUOUS = '110105194912310409';

describe('checkIdentifier on the published examples', () => {
  it.each<[string, CheckScheme, string]>([
    ['91110000600037341L', 'uscc', '91110000600037341L'],
    ['9144030071526726XG', 'uscc', '9144030071526726XG'],
    ['91310115MA1K3BTP2B', 'uscc', '91310115MA1K3BTP2B'],
    ['91350100M000100Y43', 'uscc', '91350100M000100Y43'],
    ['121200004013590816', 'uscc', '121200004013590816'],
    ['D2143569-X', 'org', 'D2143569X'],
    ['60003734-1', 'org', '600037341'],
    ['MA1MRHG2-0', 'org', 'MA1MRHG20'],
    ['110108000000016', 'regno', '110108000000016'],
  ])('%s is a valid %s', (input, scheme, normalized) => {
    expect(checkIdentifier(input)).toMatchObject({ input, scheme, schemeBy: 'detected', normalized, valid: true, rule: undefined, message: 'valid', personal: false });
  });

  it.each([
    ['11010519491231002X', '110105********002X'],
    ['360426199101010071', '360426********0071'],
  ])('%s is a valid ric, shown masked', (input, masked) => {
    expect(checkIdentifier(input)).toMatchObject({ input: masked, scheme: 'ric', normalized: masked, valid: true, personal: true, masked: true });
    expect(checkIdentifier(input, { reveal: true })).toMatchObject({ input, normalized: input, masked: false });
  });

  it('reports a registration number with letters as valid but unverifiable', () => {
    expect(checkIdentifier('14082500A000118')).toMatchObject({
      scheme: 'regno',
      normalized: '14082500A000118',
      valid: true,
      rule: undefined,
      unverifiable: true,
    });
    expect(checkIdentifier('14082500A000118').message).toContain('unverifiable');
  });
});

describe('checkIdentifier: invalid input names the rule under the likely scheme', () => {
  it.each([
    ['a wrong USCC check character', '91110000600037341K', { scheme: 'uscc', rule: 'check', expected: 'L', found: 'K', position: 18, message: 'check character: expected L, found K' }],
    ['a forbidden USCC letter', '9111I000600037341L', { scheme: 'uscc', rule: 'charset', found: 'I', position: 5 }],
    ['a wrong org check character', 'D2143569-1', { scheme: 'org', rule: 'check', expected: 'X', found: '1' }],
    ['a wrong regno check digit', '110108000000015', { scheme: 'regno', rule: 'check', expected: '6', found: '5' }],
    ['a RIC with a wrong check', '110105194912310021', { scheme: 'ric', rule: 'check', personal: true, input: '110105********0021' }],
    ['17 characters', '91110000600037341', { scheme: undefined, rule: 'length' }],
    ['empty', '', { scheme: undefined, rule: 'empty' }],
  ])('%s', (_name, input, expected) => {
    const check = checkIdentifier(input);
    expect(check).toMatchObject({ valid: false, ...expected });
    expect(check.schemeBy).toBe(expected.scheme ? 'guessed' : undefined);
  });

  it('an 18-digit number with no real date is guessed a USCC, but still masked (it may be a mistyped RIC)', () => {
    expect(checkIdentifier('110105194902300020')).toMatchObject({ scheme: 'uscc', rule: 'check', personal: true, input: '110105********0020' });
  });

  it('as a RIC, an impossible birth date fails on the date, and the masked message does not name the date', () => {
    const check = checkIdentifier('110105194902300020', { scheme: 'ric' });
    expect(check).toMatchObject({ scheme: 'ric', valid: false, rule: 'date', masked: true });
    expect(check.message).not.toContain('19490230');
    expect(check.message).toMatch(/^date: /);
    expect(checkIdentifier('110105194902300020', { scheme: 'ric', reveal: true }).message).toContain('19490230');
  });
});

describe('checkIdentifier: ambiguity and --scheme', () => {
  it('reports an input valid as both USCC and RIC as ambiguous with both, masked', () => {
    expect(checkIdentifier(AMBIGUOUS)).toMatchObject({
      scheme: 'ambiguous',
      candidates: ['uscc', 'ric'],
      valid: false,
      rule: 'ambiguous',
      personal: true,
      normalized: '110105********0409',
    });
  });

  it('a forced scheme resolves the ambiguity', () => {
    expect(checkIdentifier(AMBIGUOUS, { scheme: 'uscc' })).toMatchObject({ scheme: 'uscc', schemeBy: 'forced', valid: true, normalized: AMBIGUOUS, personal: false });
    expect(checkIdentifier(AMBIGUOUS, { scheme: 'ric' })).toMatchObject({ scheme: 'ric', schemeBy: 'forced', valid: true, masked: true });
  });

  it('a forced scheme reports the rule that failed under it', () => {
    expect(checkIdentifier('91110000600037341L', { scheme: 'org' })).toMatchObject({ scheme: 'org', valid: false, rule: 'length' });
    expect(checkIdentifier('91110000600037341L', { scheme: 'ric' })).toMatchObject({ scheme: 'ric', valid: false, rule: 'charset', masked: true });
    expect(checkIdentifier('600037341', { scheme: 'regno' })).toMatchObject({ scheme: 'regno', valid: false, rule: 'length', normalized: '600037341' });
  });
});

describe('checkIdentifier: USCC derivations', () => {
  it('derives the organization code, authority, entity type, division and province', () => {
    expect(checkIdentifier('91110000600037341L').derived).toEqual({
      orgCode: '600037341',
      authority: '9',
      authorityName: '工商',
      entityType: '91',
      entityTypeName: '企业',
      divisionCode: '110000',
      province: '北京市',
    });
    expect(checkIdentifier('121200004013590816').derived).toMatchObject({ authorityName: '机构编制', entityTypeName: '事业单位', province: '天津市' });
    expect(checkIdentifier('9144030071526726XG').derived).toMatchObject({ orgCode: '71526726X', divisionCode: '440300', province: '广东省' });
    expect(checkIdentifier('91350100M000100Y43').derived).toMatchObject({ province: '福建省' });
  });

  it.each([
    ['an unknown authority, unknown type and retired/unknown division', 'A2990000600037341', { authority: 'A', authorityName: undefined, entityTypeName: undefined, divisionCode: '990000', province: undefined }],
    ['Hong Kong', '9181000060003734', { province: '香港特别行政区' }],
    ['Macao', '9182000060003734', { province: '澳门特别行政区' }],
    ['Taiwan', '9171000060003734', { province: '台湾省' }],
    ['a letter in the division code', '91AB000060003734', { divisionCode: 'AB0000', province: undefined }],
  ])('%s never rejects the code', (_name, body, expected) => {
    const padded = body.padEnd(17, '1');
    const code = padded + usccCheckChar(padded);
    const check = checkIdentifier(code, { scheme: 'uscc' });
    expect(check.valid).toBe(true);
    expect(check.derived).toMatchObject(expected);
  });

  it('gives no derivations for an invalid code', () => {
    expect(checkIdentifier('91110000600037341K').derived).toBeUndefined();
  });

  it('knows the province-level codes of GB/T 2260', () => {
    expect(provinceOf('650100')).toBe('新疆维吾尔自治区');
    expect(provinceOf('500000')).toBe('重庆市');
    expect(provinceOf('990000')).toBeUndefined();
    expect(provinceOf('')).toBeUndefined();
    expect(provinceOf('to')).toBeUndefined(); // no prototype look-ups
    expect([...USCC_ALPHABET].length).toBe(31);
  });
});

describe('maskIdentifier', () => {
  it.each([
    ['11010519491231002X', {}, '110105********002X'],
    ['11010519491231002X', { keepFirst: 3, keepLast: 4 }, '110***********002X'],
    ['11010519491231002X', { keepFirst: 0, keepLast: 0 }, '******************'],
    ['11010519491231002X', { keepFirst: -1, keepLast: 1.5 }, '110105********002X'],
    ['1234567890', {}, '**********'],
    ['12345678901', {}, '123456*8901'],
    ['', {}, ''],
    ['一二三四五六七八九十百', {}, '一二三四五六*八九十百'],
  ])('%s with %j → %s', (value, options, masked) => {
    expect(maskIdentifier(value, options)).toBe(masked);
  });

  it('maskRic keeps its 3 + 4 form for existing callers', () => {
    expect(maskRic('11010519491231002x')).toBe('110***********002X');
  });
});
