import { describe, expect, it } from 'vitest';
import { regnoCheckDigit, validateRegNo } from '../../../src/core/ids/index.ts';
import { adjacentTranspositions, substitutions } from './mutations.ts';

const VALID = '110108000000016';

describe('validateRegNo', () => {
  it('accepts the published example', () => {
    expect(validateRegNo(VALID)).toEqual({ value: { normalized: VALID, unverifiable: false } });
  });

  it('normalizes spaces, hyphens and full width', () => {
    expect(validateRegNo(' 110108-000000 016 ').value?.normalized).toBe(VALID);
    expect(validateRegNo('１１０１０８０００００００１６').value?.normalized).toBe(VALID);
  });

  it('detects every single-digit substitution', () => {
    const missed = substitutions(VALID, '0123456789').filter((s) => !validateRegNo(s.mutated).error);
    expect(missed).toEqual([]);
  });

  it('accepts numbers with letters as unverifiable, not as errors', () => {
    expect(validateRegNo('14082500A000118')).toEqual({ value: { normalized: '14082500A000118', unverifiable: true } });
    expect(validateRegNo('14082500a000118').value?.unverifiable).toBe(true);
  });

  // MOD 11,10 misses some adjacent transpositions (DESIGN.md §2.1); these are two.
  it.each([
    ['0↔1', '110108000000901', '110108000000910'],
    ['6↔7', '110108000000678', '110108000000768'],
  ])('does not detect the %s transposition in %s', (_name, code, transposed) => {
    expect(validateRegNo(code).error).toBeUndefined();
    expect(adjacentTranspositions(code)).toContain(transposed);
    expect(validateRegNo(transposed).error).toBeUndefined();
  });

  it('computes the check digit over the first 14 digits', () => {
    expect(regnoCheckDigit('11010800000001')).toBe('6');
  });

  it.each([
    ['empty', '', { rule: 'empty' }],
    ['too short', '11010800000001', { rule: 'length', expected: '15', found: '14' }],
    ['a symbol', '110108000000#16', { rule: 'charset', found: '#', position: 13 }],
    ['wrong check digit', '110108000000015', { rule: 'check', expected: '6', found: '5', position: 15 }],
  ])('rejects %s', (_name, raw, expected) => {
    expect(validateRegNo(raw).error).toMatchObject(expected);
  });
});
