import { describe, expect, it } from 'vitest';
import {
  bestGuessScheme,
  detectSchemes,
  ricCheckChar,
  validateIdentifier,
  validateRic,
  validateUscc,
  type IdScheme,
} from '../../../src/core/ids/index.ts';

/** An 18-digit number that passes both checks, found independently of this code base. */
const AMBIGUOUS = '110105194912310409';

/** Every valid RIC 110105 19491231 NNN C that is also a valid USCC. */
function bruteForceAmbiguous(): string[] {
  const found: string[] = [];
  for (let sequence = 0; sequence < 1000; sequence++) {
    const body = `11010519491231${String(sequence).padStart(3, '0')}`;
    const code = body + ricCheckChar(body);
    if (!validateRic(code).error && !validateUscc(code).error) found.push(code);
  }
  return found;
}

describe('validateIdentifier', () => {
  it.each<[IdScheme, string, string]>([
    ['uscc', '９１１１００００６０００３７３４１Ｌ', '91110000600037341L'],
    ['org', 'D2143569-X', 'D2143569X'],
    ['regno', '110108000000016', '110108000000016'],
    ['ric', '11010519491231002x', '11010519491231002X'],
    ['tax', '110108600037341', '110108600037341'],
    ['institution', '1123-4567-8901', '112345678901'],
    ['social_org', '5111000050000001', '5111000050000001'],
  ])('dispatches %s', (scheme, raw, normalized) => {
    expect(validateIdentifier(scheme, raw)).toEqual({ value: { scheme, normalized } });
  });

  it('passes unverifiable through', () => {
    expect(validateIdentifier('regno', '14082500A000118')).toEqual({
      value: { scheme: 'regno', normalized: '14082500A000118', unverifiable: true },
    });
  });

  it.each<[IdScheme, string, string]>([
    ['uscc', '91110000600037341K', 'check'],
    ['org', 'D2143569-1', 'check'],
    ['regno', '110108000000015', 'check'],
    ['ric', '110105194902300020', 'date'],
    ['tax', '12345', 'length'],
    ['uscc', '', 'empty'],
  ])('returns the %s error rule for %s', (scheme, raw, rule) => {
    expect(validateIdentifier(scheme, raw).error?.rule).toBe(rule);
  });
});

describe('detectSchemes', () => {
  it.each<[string, IdScheme[]]>([
    ['91110000600037341L', ['uscc']],
    ['121200004013590816', ['uscc']],
    ['D2143569-X', ['org']],
    ['600037341', ['org']],
    ['110108000000016', ['regno']],
    ['14082500A000118', ['regno']],
    ['11010519491231002X', ['ric']],
    ['360426199101010071', ['ric']],
    ['91110000600037341K', []],
    ['', []],
    ['hello', []],
  ])('%s → %j', (raw, schemes) => {
    expect(detectSchemes(raw)).toEqual(schemes);
  });

  it('none of the published RIC examples is also a USCC', () => {
    expect(validateUscc('11010519491231002X').error?.rule).toBe('check');
    expect(validateUscc('360426199101010071').error?.rule).toBe('check');
  });

  it('finds 18-digit numbers valid as both USCC and RIC by brute force over the sequence digits', () => {
    const found = bruteForceAmbiguous();
    expect(found).toContain(AMBIGUOUS);
    for (const code of found) expect(detectSchemes(code)).toEqual(['uscc', 'ric']);
  });

  it('reports an 18-digit number valid under both schemes as ambiguous', () => {
    expect(AMBIGUOUS).toMatch(/^\d{18}$/);
    expect(detectSchemes(AMBIGUOUS)).toEqual(['uscc', 'ric']);
  });
});

describe('bestGuessScheme', () => {
  it.each<[string, string, IdScheme | undefined]>([
    ['a valid USCC', '91110000600037341L', 'uscc'],
    ['a USCC with a wrong check', '91110000600037341K', 'uscc'],
    ['a USCC with a forbidden letter', '9111I000600037341L', 'uscc'],
    ['an 18-digit string with no real date at 7–14', '121200004013590817', 'uscc'],
    ['a RIC with a wrong check', '110105194912310021', 'ric'],
    ['a RIC ending X with a wrong check', '36042619910101007X', 'ric'],
    ['an ambiguous number (shape: a real date)', AMBIGUOUS, 'ric'],
    ['an org code with a wrong check', 'D2143569-1', 'org'],
    ['a regno with a wrong check', '110108000000015', 'regno'],
    ['17 characters', '91110000600037341', undefined],
    ['empty', '', undefined],
  ])('%s → %s', (_name, raw, scheme) => {
    expect(bestGuessScheme(raw)).toBe(scheme);
  });

  it('lets a caller report the rule that failed under the likely scheme', () => {
    const raw = '9111000060003734IL';
    const scheme = bestGuessScheme(raw);
    expect(scheme).toBe('uscc');
    expect(validateIdentifier(scheme ?? 'uscc', raw).error).toMatchObject({ rule: 'charset', found: 'I', position: 17 });
  });
});
