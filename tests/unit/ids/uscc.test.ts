import { describe, expect, it } from 'vitest';
import { describeUscc, orgCodeFromUscc, USCC_ALPHABET, validateUscc } from '../../../src/core/ids/index.ts';
import { adjacentTranspositions, substitutions } from './mutations.ts';

const VALID = ['91110000600037341L', '9144030071526726XG', '91310115MA1K3BTP2B', '91350100M000100Y43', '121200004013590816'];
const ALL_LETTERS_AND_DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

describe('validateUscc', () => {
  it.each(VALID)('accepts %s', (code) => {
    expect(validateUscc(code)).toEqual({ value: { normalized: code } });
  });

  it.each([
    ['full width', '９１１１００００６０００３７３４１Ｌ'],
    ['lower case', '91310115ma1k3btp2b'],
    ['spaces and hyphens', ' 9131-0115 MA1K-3BTP 2B '],
  ])('normalizes %s input before validating', (_name, raw) => {
    expect(validateUscc(raw).error).toBeUndefined();
  });

  it.each(VALID)('detects every single-character substitution of %s', (code) => {
    const missed = substitutions(code, ALL_LETTERS_AND_DIGITS).filter((s) => !validateUscc(s.mutated).error);
    expect(missed).toEqual([]);
  });

  it.each(VALID)('detects every adjacent transposition of %s', (code) => {
    const missed = adjacentTranspositions(code).filter((t) => !validateUscc(t).error);
    expect(missed).toEqual([]);
  });

  it.each([
    ['empty', '', { rule: 'empty' }],
    ['whitespace only', ' \u3000 ', { rule: 'empty' }],
    ['too short', '91110000600037341', { rule: 'length', expected: '18', found: '17' }],
    ['too long', '91110000600037341LL', { rule: 'length', expected: '18', found: '19' }],
    ['I is not in the alphabet', '9111I000600037341L', { rule: 'charset', found: 'I', position: 5 }],
    ['O is not in the alphabet', '9111000060003734OL', { rule: 'charset', found: 'O', position: 17 }],
    ['S, V, Z are not in the alphabet', 'S1110000600037341L', { rule: 'charset', found: 'S', position: 1 }],
    ['wrong check character', '91110000600037341K', { rule: 'check', expected: 'L', found: 'K', position: 18 }],
  ])('rejects %s', (_name, raw, expected) => {
    expect(validateUscc(raw).error).toMatchObject(expected);
  });

  it('names the rule in its messages', () => {
    expect(validateUscc('91110000600037341K').error?.message).toBe('check character: expected L, found K');
    expect(validateUscc('91110000600037341').error?.message).toBe('length: expected 18 characters, found 17');
    expect(validateUscc('9111I000600037341L').error?.message).toBe(
      "character set: 'I' at position 5 is not allowed in a unified social credit code",
    );
  });

  it('excludes exactly I, O, S, V and Z from the alphabet', () => {
    const excluded = [...ALL_LETTERS_AND_DIGITS].filter((c) => !USCC_ALPHABET.includes(c));
    expect(excluded.join('')).toBe('IOSVZ');
  });
});

describe('orgCodeFromUscc', () => {
  it.each([
    ['91110000600037341L', '600037341'],
    ['9144030071526726XG', '71526726X'],
    ['91310115MA1K3BTP2B', 'MA1K3BTP2'],
    [' 9111 0000 6000 3734 1l', '600037341'],
  ])('%s → %s', (uscc, org) => {
    expect(orgCodeFromUscc(uscc)).toBe(org);
  });

  it('returns undefined for an invalid USCC', () => {
    expect(orgCodeFromUscc('91110000600037341K')).toBeUndefined();
  });
});

describe('describeUscc', () => {
  it.each([
    ['91110000600037341L', '9', '工商', '91', '企业', '110000'],
    ['121200004013590816', '1', '机构编制', '12', '事业单位', '120000'],
    ['91350100M000100Y43', '9', '工商', '91', '企业', '350100'],
  ])('describes %s', (code, authority, authorityName, entityType, entityTypeName, divisionCode) => {
    expect(describeUscc(code)).toEqual({
      authority,
      authorityName,
      entityType,
      entityTypeName,
      divisionCode,
      orgCode: code.slice(8, 17),
    });
  });

  it.each([
    ['an unknown authority', '21', undefined],
    ['a letter authority', 'A1', undefined],
    ['an unknown type under a known authority', '94', '工商'],
    ['an unknown type under Y', 'Y1', '其他'],
  ])('accepts %s (%s) and leaves the unknown names undefined', (_name, entityType, authorityName) => {
    const description = describeUscc(withCheck(`${entityType}110000600037341`));
    expect(description).toMatchObject({ authority: entityType.charAt(0), authorityName, entityType });
    expect(description?.entityTypeName).toBeUndefined();
  });

  it('returns undefined for an invalid USCC', () => {
    expect(describeUscc('91110000600037341K')).toBeUndefined();
  });
});

/** Appends the one check character that makes a 17-character body valid. */
function withCheck(body: string): string {
  const code = [...USCC_ALPHABET].map((c) => body + c).find((candidate) => !validateUscc(candidate).error);
  if (!code) throw new Error(`no check character for ${body}`);
  return code;
}
