import { describe, expect, it } from 'vitest';
import { ORG_BODY_ALPHABET, validateOrgCode } from '../../../src/core/ids/index.ts';
import { substitutions } from './mutations.ts';

const VALID: [string, string][] = [
  ['D2143569-X', 'D2143569X'],
  ['60003734-1', '600037341'],
  ['MA1MRHG2-0', 'MA1MRHG20'],
];

describe('validateOrgCode', () => {
  it.each(VALID)('accepts %s as %s', (raw, normalized) => {
    expect(validateOrgCode(raw)).toEqual({ value: { normalized } });
  });

  it.each([
    ['without the hyphen', 'D2143569X'],
    ['lower case', 'd2143569-x'],
    ['full width with a full-width hyphen', 'Ｄ２１４３５６９－Ｘ'],
    ['spaces', ' 6000 3734 - 1 '],
  ])('accepts input %s', (_name, raw) => {
    expect(validateOrgCode(raw).error).toBeUndefined();
  });

  // The check is MOD 11 over values 0..35: a body substitution goes unnoticed
  // exactly when the two values differ by 11 or 22 (DESIGN.md §2.1).
  it.each(VALID)('detects every substitution of %s except values differing by 11 or 22', (_raw, code) => {
    const wrong = substitutions(code, ORG_BODY_ALPHABET).filter((s) => {
      const delta = Math.abs(ORG_BODY_ALPHABET.indexOf(s.from) - ORG_BODY_ALPHABET.indexOf(s.to));
      const blind = s.index < 8 && delta % 11 === 0;
      const detected = validateOrgCode(s.mutated).error !== undefined;
      return detected === blind;
    });
    expect(wrong).toEqual([]);
  });

  it.each([
    ['1 → C (values 1 and 12)', 'D2C43569-X'],
    ['A → L (values 10 and 21)', 'ML1MRHG2-0'],
    ['6 → H (values 6 and 17)', 'H0003734-1'],
    ['0 → M (values 0 and 22)', '6M003734-1'],
  ])('does not detect %s (a known blind spot)', (_name, mutated) => {
    expect(validateOrgCode(mutated).error).toBeUndefined();
  });

  it.each([
    ['empty', '', { rule: 'empty' }],
    ['too short', 'D2143569', { rule: 'length', expected: '9', found: '8' }],
    ['a symbol in the body', 'D214@569-X', { rule: 'charset', found: '@', position: 5 }],
    ['a letter other than X as check', 'D2143569-Y', { rule: 'charset', found: 'Y', position: 9 }],
    ['wrong check character', 'D2143569-1', { rule: 'check', expected: 'X', found: '1', position: 9 }],
  ])('rejects %s', (_name, raw, expected) => {
    expect(validateOrgCode(raw).error).toMatchObject(expected);
  });
});
