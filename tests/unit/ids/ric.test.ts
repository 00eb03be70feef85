import { describe, expect, it } from 'vitest';
import { maskRic, ricCheckChar, validateRic } from '../../../src/core/ids/index.ts';
import { adjacentTranspositions, substitutions } from './mutations.ts';

const VALID = ['11010519491231002X', '360426199101010071'];
/** 1949-02-30 with the correct check character, so only the date rule fails. */
const INVALID_DATE = '110105194902300020';

describe('validateRic', () => {
  it.each([
    ['11010519491231002X', '110105', '1949-12-31', 'female'],
    ['360426199101010071', '360426', '1991-01-01', 'male'],
  ])('accepts %s', (code, areaCode, birthDate, sex) => {
    expect(validateRic(code)).toEqual({ value: { normalized: code, areaCode, birthDate, sex } });
  });

  it.each(VALID)('computes the check character of %s', (code) => {
    expect(ricCheckChar(code.slice(0, 17))).toBe(code.charAt(17));
  });

  it('accepts a lower-case x and spaces', () => {
    expect(validateRic('110105 19491231 002x').value?.normalized).toBe('11010519491231002X');
  });

  it.each(VALID)('detects every single-character substitution of %s', (code) => {
    const missed = substitutions(code, '0123456789X').filter((s) => !validateRic(s.mutated).error);
    expect(missed).toEqual([]);
  });

  it.each(VALID)('detects every adjacent transposition of %s', (code) => {
    const missed = adjacentTranspositions(code).filter((t) => !validateRic(t).error);
    expect(missed).toEqual([]);
  });

  it('reports only the date rule when the check character is right', () => {
    expect(ricCheckChar(INVALID_DATE.slice(0, 17))).toBe(INVALID_DATE.charAt(17));
    expect(validateRic(INVALID_DATE).error).toMatchObject({ rule: 'date', found: '19490230' });
    expect(validateRic(INVALID_DATE).error?.message).toBe('date: 19490230 is not a real calendar date');
  });

  it.each([
    ['month 13', '19491301'],
    ['day 0', '19491200'],
    ['29 February in a common year', '19010229'],
    ['29 February 1900 (not a leap year)', '19000229'],
    ['before 1850', '18491231'],
  ])('rejects a birth date with %s', (_name, date) => {
    expect(validateRic(withCheck(`110105${date}002`)).error?.rule).toBe('date');
  });

  it('accepts 29 February in a leap year', () => {
    expect(validateRic(withCheck('11010520000229002')).value?.birthDate).toBe('2000-02-29');
  });

  it.each([
    ['empty', '', { rule: 'empty' }],
    ['the 15-digit first-generation form', '110105491231002', { rule: 'length', expected: '18', found: '15' }],
    ['X before the end', '1101051949123100X2', { rule: 'charset', found: 'X', position: 17 }],
    ['a letter other than X', '11010519491231002A', { rule: 'charset', found: 'A', position: 18 }],
    ['wrong check character', '110105194912310021', { rule: 'check', expected: 'X', found: '1', position: 18 }],
  ])('rejects %s', (_name, raw, expected) => {
    expect(validateRic(raw).error).toMatchObject(expected);
  });
});

describe('maskRic', () => {
  it.each([
    ['11010519491231002X', '110***********002X'],
    ['360426 1991 0101 0071', '360***********0071'],
    ['12345678', '123*5678'],
    ['1234567', '*******'],
    ['', ''],
  ])('%s → %s', (raw, masked) => {
    expect(maskRic(raw)).toBe(masked);
  });
});

/** Appends the correct check character, so a test can isolate the date rule. */
function withCheck(body: string): string {
  return body + ricCheckChar(body);
}
