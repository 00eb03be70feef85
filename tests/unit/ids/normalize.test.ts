import { describe, expect, it } from 'vitest';
import { normalizeIdentifier } from '../../../src/core/ids/index.ts';

describe('normalizeIdentifier', () => {
  it.each([
    ['already canonical', '91110000600037341L', '91110000600037341L'],
    ['surrounding whitespace', '  91110000600037341L\t\n', '91110000600037341L'],
    ['full-width digits and letter', '９１１１００００６０００３７３４１Ｌ', '91110000600037341L'],
    ['ideographic space', '９１１１００００\u3000６０００３７３４１Ｌ', '91110000600037341L'],
    ['lower case', '91310115ma1k3btp2b', '91310115MA1K3BTP2B'],
    ['full-width lower case', 'ｍａ１ｍｒｈｇ２－０', 'MA1MRHG20'],
    ['inner spaces', '9111 0000 6000 3734 1L', '91110000600037341L'],
    ['non-breaking space', '9111\u00a00000', '91110000'],
    ['ASCII hyphen', 'D2143569-X', 'D2143569X'],
    ['full-width hyphen', 'D2143569－X', 'D2143569X'],
    ['em dash', 'D2143569—X', 'D2143569X'],
    ['hyphen U+2010', 'D2143569‐X', 'D2143569X'],
    ['en dash', 'D2143569–X', 'D2143569X'],
    ['minus sign', 'D2143569−X', 'D2143569X'],
    ['full-width parentheses become ASCII', '（ab）', '(AB)'],
    ['zero-width space', '6000\u200b3734-1', '600037341'],
    ['empty', '', ''],
    ['only whitespace and dashes', ' \u3000-－ ', ''],
  ])('%s', (_name, raw, expected) => {
    expect(normalizeIdentifier(raw)).toBe(expected);
  });

  it('upper-cases ASCII letters only, so no look-alike becomes a code character', () => {
    expect(normalizeIdentifier('ı')).toBe('ı'); // dotless i would upper-case to 'I'
    expect(normalizeIdentifier('ſ')).toBe('ſ'); // long s would upper-case to 'S'
  });

  it.each([
    ['NUL', '9111\u00000000', '9111\u00000000'],
    ['an inner tab', '9111\t0000', '9111\t0000'],
    ['an inner line break', '9111\r\n0000', '9111\r\n0000'],
    ['ESC', '9111\u001b[0m', '9111\u001b[0M'],
    ['DEL and a C1 control', '9111\u007f\u0085', '9111\u007f\u0085'],
    ['bidi marks (not zero-width spaces)', '\u200e9111\u200f', '\u200e9111\u200f'],
  ])('keeps %s inside, for a charset error', (_name, raw, expected) => {
    expect(normalizeIdentifier(raw)).toBe(expected);
  });

  it('trims tabs and line breaks around the value, also behind a dropped hyphen', () => {
    expect(normalizeIdentifier('\t91110000600037341L\r\n')).toBe('91110000600037341L');
    expect(normalizeIdentifier('91110000600037341L-\t')).toBe('91110000600037341L');
  });

  it('is idempotent', () => {
    const once = normalizeIdentifier(' ９１１１００００-６０００３７３４１ｌ ');
    expect(normalizeIdentifier(once)).toBe(once);
  });
});
