import { describe, expect, it } from 'vitest';
import { validateInstitutionNo, validateSocialOrgNo, validateTaxNo } from '../../../src/core/ids/index.ts';

const VALIDATORS = [
  ['tax registration number', validateTaxNo],
  ['public institution certificate number', validateInstitutionNo],
  ['social organization registration number', validateSocialOrgNo],
] as const;

describe.each(VALIDATORS)('%s (no check character)', (schemeName, validate) => {
  it.each([
    ['6 characters', '123456', '123456'],
    ['30 characters', 'A'.repeat(30), 'A'.repeat(30)],
    ['a 15-digit tax number with spaces', '110 108 600037341', '110108600037341'],
    ['lower case and full width', 'ｓ１２３４５ab', 'S12345AB'],
  ])('accepts %s', (_name, raw, normalized) => {
    expect(validate(raw)).toEqual({ value: { normalized } });
  });

  it.each([
    ['empty', ' - ', { rule: 'empty' }],
    ['5 characters', '12345', { rule: 'length', expected: '6 to 30', found: '5' }],
    ['31 characters', '1'.repeat(31), { rule: 'length', expected: '6 to 30', found: '31' }],
    ['a symbol', '12345/6', { rule: 'charset', found: '/', position: 6 }],
    ['a CJK character', '京12345', { rule: 'charset', found: '京', position: 1 }],
  ])('rejects %s', (_name, raw, expected) => {
    expect(validate(raw).error).toMatchObject(expected);
  });

  it('names the scheme in a charset message', () => {
    expect(validate('12345/6').error?.message).toBe(`character set: '/' at position 6 is not allowed in a ${schemeName}`);
  });
});
