// Property-based tests (fast-check) of exactly what each check algorithm
// guarantees (DESIGN.md §2.1), and of the errors each is known to miss.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkIdentifier,
  detectSchemes,
  normalizeIdentifier,
  ORG_BODY_ALPHABET,
  orgCheckChar,
  validateOrgCode,
  validateRegNo,
  validateRic,
  validateUscc,
} from '../../../src/core/ids/index.ts';
import { charsOf, validOrgCode, validRegNo, validRic, validUscc } from './arbitraries.ts';
import { adjacentTranspositions, substitutions } from './mutations.ts';

const LETTERS_AND_DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const RUNS = { numRuns: 300 };

describe('USCC (MOD 31)', () => {
  it('accepts every generated code, and its lower-case, spaced and full-width forms', () => {
    fc.assert(
      fc.property(validUscc, (code) => {
        expect(validateUscc(code).value?.normalized).toBe(code);
        const fullWidth = [...code].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('');
        for (const variant of [code.toLowerCase(), ` ${code.slice(0, 6)}-${code.slice(6)} `, fullWidth]) {
          expect(validateUscc(variant).value?.normalized).toBe(code);
        }
      }),
      RUNS,
    );
  });

  it('catches every single substitution by a letter or digit', () => {
    fc.assert(
      fc.property(validUscc, (code) => {
        expect(substitutions(code, LETTERS_AND_DIGITS).filter((s) => !validateUscc(s.mutated).error)).toEqual([]);
      }),
      RUNS,
    );
  });

  it('catches every adjacent transposition', () => {
    fc.assert(
      fc.property(validUscc, (code) => {
        expect(adjacentTranspositions(code).filter((t) => !validateUscc(t).error)).toEqual([]);
      }),
      RUNS,
    );
  });
});

describe('resident identity number (MOD 11-2)', () => {
  it('accepts every generated number', () => {
    fc.assert(
      fc.property(validRic, (code) => {
        expect(validateRic(code).value?.normalized).toBe(code);
      }),
      RUNS,
    );
  });

  it('catches every single substitution by a digit or X', () => {
    fc.assert(
      fc.property(validRic, (code) => {
        expect(substitutions(code, `${DIGITS}X`).filter((s) => !validateRic(s.mutated).error)).toEqual([]);
      }),
      RUNS,
    );
  });

  it('catches every adjacent transposition', () => {
    fc.assert(
      fc.property(validRic, (code) => {
        expect(adjacentTranspositions(code).filter((t) => !validateRic(t).error)).toEqual([]);
      }),
      RUNS,
    );
  });
});

describe('organization code (MOD 11)', () => {
  const valueOf = (c: string) => ORG_BODY_ALPHABET.indexOf(c);

  it('catches a body substitution exactly when the values do not differ by a multiple of 11', () => {
    fc.assert(
      fc.property(validOrgCode, (code) => {
        for (const s of substitutions(code, LETTERS_AND_DIGITS)) {
          const caught = Boolean(validateOrgCode(s.mutated).error);
          const inBody = s.index < 8;
          const escapes = inBody && Math.abs(valueOf(s.from) - valueOf(s.to)) % 11 === 0;
          expect(caught, `${code} → ${s.mutated}`).toBe(!escapes);
        }
      }),
      RUNS,
    );
  });

  it.each([
    ['1 ↔ C (differ by 11)', '1', 'C'],
    ['A ↔ L (differ by 11)', 'A', 'L'],
    ['0 ↔ M (differ by 22)', '0', 'M'],
    ['B ↔ X (differ by 22)', 'B', 'X'],
    // Not in DESIGN.md's list, but the same arithmetic: 33 is a multiple of 11 too.
    ['0 ↔ X (differ by 33)', '0', 'X'],
  ])('lets substitutions %s escape, in every body position', (_name, from, to) => {
    fc.assert(
      fc.property(charsOf(ORG_BODY_ALPHABET, 8), fc.integer({ min: 0, max: 7 }), (body, index) => {
        const withFrom = body.slice(0, index) + from + body.slice(index + 1);
        const code = withFrom + orgCheckChar(withFrom);
        const mutated = body.slice(0, index) + to + body.slice(index + 1) + code.charAt(8);
        expect(validateOrgCode(code).error).toBeUndefined();
        expect(validateOrgCode(mutated).error).toBeUndefined();
      }),
      RUNS,
    );
  });

  it('every generated code stays valid after an 11-apart substitution (the check really misses it)', () => {
    fc.assert(
      fc.property(validOrgCode, fc.integer({ min: 0, max: 7 }), (code, index) => {
        const value = valueOf(code.charAt(index));
        const partner = value + 11 <= 35 ? value + 11 : value - 11;
        const mutated = code.slice(0, index) + ORG_BODY_ALPHABET.charAt(partner) + code.slice(index + 1);
        expect(mutated).not.toBe(code);
        expect(validateOrgCode(mutated).error).toBeUndefined();
      }),
      RUNS,
    );
  });
});

describe('business registration number (ISO 7064 MOD 11,10)', () => {
  it('catches every single substitution by a digit', () => {
    fc.assert(
      fc.property(validRegNo, (code) => {
        expect(substitutions(code, DIGITS).filter((s) => !validateRegNo(s.mutated).error)).toEqual([]);
      }),
      RUNS,
    );
  });

  it('accepts a substitution by a letter as unverifiable (real data has letters; nothing can be checked)', () => {
    fc.assert(
      fc.property(validRegNo, fc.integer({ min: 0, max: 14 }), fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'), (code, i, letter) => {
        const mutated = code.slice(0, i) + letter + code.slice(i + 1);
        expect(validateRegNo(mutated).value).toEqual({ normalized: mutated, unverifiable: true });
        expect(checkIdentifier(mutated)).toMatchObject({ scheme: 'regno', valid: true, unverifiable: true });
      }),
      RUNS,
    );
  });

  it('misses some adjacent transpositions: 0 ↔ 1', () => {
    expect(validateRegNo('110108000000901').error).toBeUndefined();
    expect(validateRegNo('110108000000910').error).toBeUndefined();
  });

  it('does not catch every adjacent transposition of generated numbers (the test claims no more than the algorithm)', () => {
    const escaped = fc.sample(validRegNo, { numRuns: 500, seed: 42 }).some((code) =>
      adjacentTranspositions(code).some((t) => !validateRegNo(t).error),
    );
    expect(escaped).toBe(true);
  });
});

describe('normalization', () => {
  it('is idempotent on any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (raw) => {
        const once = normalizeIdentifier(raw);
        expect(normalizeIdentifier(once)).toBe(once);
      }),
      { numRuns: 1000 },
    );
  });

  it('is idempotent on strings of separators, control characters and full-width forms', () => {
    const unit = fc.constantFrom('-', '－', '\t', '\n', '\r', ' ', '\u3000', '\u00a0', 'ａ', 'Ａ', 'a', '1', '１', '\u0000', '\u200b', '（');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 12 }), (raw) => {
        const once = normalizeIdentifier(raw);
        expect(normalizeIdentifier(once)).toBe(once);
        expect(once).not.toMatch(/[-\u3000\u00a0\u200ba-z\uff01-\uff5e ]/);
      }),
      { numRuns: 2000 },
    );
  });

  it('checkIdentifier detects what detectSchemes finds, on valid codes of every scheme in any spelling and on noise', () => {
    const spelled = fc.tuple(fc.oneof(validUscc, validOrgCode, validRegNo, validRic), fc.constantFrom('', ' ', '-')).map(
      ([code, sep]) => code.slice(0, 4) + sep + code.slice(4).toLowerCase(),
    );
    fc.assert(
      fc.property(fc.oneof(spelled, fc.string({ maxLength: 20 })), (raw) => {
        const detected = detectSchemes(raw);
        const check = checkIdentifier(raw);
        if (detected.length === 1) expect(check).toMatchObject({ scheme: detected[0], valid: true, schemeBy: 'detected' });
        else if (detected.length > 1) expect(check).toMatchObject({ scheme: 'ambiguous', candidates: detected, valid: false });
        else expect(check.valid).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('never crashes checkIdentifier and never echoes more than an excerpt, on any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (raw) => {
        const check = checkIdentifier(raw);
        expect(check.input.length).toBeLessThanOrEqual(41);
        expect(check.normalized.length).toBeLessThanOrEqual(41);
        expect(check.message.length).toBeLessThan(120);
        expect(check.valid).toBe(check.rule === undefined);
        const detected = detectSchemes(raw);
        if (detected.length === 1) expect(check.scheme).toBe(detected[0]);
        if (detected.length > 1) expect(check.candidates).toEqual(detected);
        if (detected.length === 0) expect(check.valid).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });
});
