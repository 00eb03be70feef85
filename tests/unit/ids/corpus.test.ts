// A mixed-quality corpus as exports deliver it (full-width, （）, hyphens,
// spaces, lower case, letters in registration numbers, ambiguous 18-digit
// numbers) and the bad input of issue 5: every expected output pinned.
import { describe, expect, it } from 'vitest';
import { checkIdentifier, EXCERPT_LENGTH, normalizeIdentifier } from '../../../src/core/ids/index.ts';

type Row = [input: string, scheme: string | undefined, normalized: string, valid: boolean, rule: string | undefined];

const MIXED: Row[] = [
  ['９１１１００００６０００３７３４１Ｌ', 'uscc', '91110000600037341L', true, undefined],
  ['９１３１０１１５ＭＡ１Ｋ３ＢＴＰ２Ｂ', 'uscc', '91310115MA1K3BTP2B', true, undefined],
  ['91310115ma1k3btp2b', 'uscc', '91310115MA1K3BTP2B', true, undefined],
  [' 9144-0300-7152-6726-XG ', 'uscc', '9144030071526726XG', true, undefined],
  ['9144 0300 7152 6726 xg', 'uscc', '9144030071526726XG', true, undefined],
  ['9144\u00a00300\u30007152\u200b6726XG', 'uscc', '9144030071526726XG', true, undefined],
  ['D2143569-X', 'org', 'D2143569X', true, undefined],
  ['d2143569－x', 'org', 'D2143569X', true, undefined],
  ['ＭＡ１ＭＲＨＧ２－０', 'org', 'MA1MRHG20', true, undefined],
  ['60003734—1', 'org', '600037341', true, undefined],
  // Full-width parentheses become ASCII ones, which no identifier allows.
  ['（60003734-1）', undefined, '(600037341)', false, 'charset'],
  ['110108000000016', 'regno', '110108000000016', true, undefined],
  ['110108-000000-016', 'regno', '110108000000016', true, undefined],
  ['14082500A000118', 'regno', '14082500A000118', true, undefined],
  ['14082500a000118', 'regno', '14082500A000118', true, undefined],
  ['110105194912310409', 'ambiguous', '110105********0409', false, 'ambiguous'],
  ['11010519491231002x', 'ric', '110105********002X', true, undefined],
  ['３６０４２６１９９１０１０１００７１', 'ric', '360426********0071', true, undefined],
  ['91110000600037341K', 'uscc', '91110000600037341K', false, 'check'],
  ['9111O000600037341L', 'uscc', '9111O000600037341L', false, 'charset'],
  ['110108000000015', 'regno', '110108000000015', false, 'check'],
  ['D2143569-1', 'org', 'D21435691', false, 'check'],
];

const BAD: Row[] = [
  ['', undefined, '', false, 'empty'],
  ['   ', undefined, '', false, 'empty'],
  ['-－—', undefined, '', false, 'empty'],
  // Control characters are never dropped: they are a charset error wherever they stand inside.
  ['9111\u000000600037341L', undefined, '9111\u000000600037341L', false, 'charset'],
  ['91110000600037341L\u001b[31m', undefined, '91110000600037341L\u001b[31M', false, 'charset'],
  ['9111\t0000600037341L', undefined, '9111\t0000600037341L', false, 'charset'],
  ['9111\n0000600037341L', undefined, '9111\n0000600037341L', false, 'charset'],
  ['9111\u00850000600037341L', undefined, '9111\u00850000600037341L', false, 'charset'],
  ['\u202e91110000600037341L', undefined, '\u202e91110000600037341L', false, 'charset'],
  // Mixed scripts: look-alike Cyrillic and Greek letters are not Latin ones.
  ['９１１１0000600037341Л', 'uscc', '91110000600037341Л', false, 'charset'],
  ['9111ΟΟΟΟ600037341L', 'uscc', '9111ΟΟΟΟ600037341L', false, 'charset'],
  ['91110000600037341Ｌ𝟏', undefined, '91110000600037341L𝟏', false, 'charset'],
  // SQL metacharacters.
  ["91110000600037341L' OR '1'='1", undefined, "91110000600037341L'OR'1'='1", false, 'charset'],
  ['1; DROP TABLE subjects;--', undefined, '1;DROPTABLESUBJECTS;', false, 'charset'],
  ['%_\\\'"', undefined, '%_\\\'"', false, 'charset'],
  ["91110000600037341'", 'uscc', "91110000600037341'", false, 'charset'],
];

describe('the mixed-quality corpus', () => {
  it.each(MIXED)('%j → %s %s valid=%s %s', (input, scheme, normalized, valid, rule) => {
    expect(checkIdentifier(input)).toMatchObject({ scheme, normalized, valid, rule });
  });
});

describe('bad input is rejected with the rule that failed', () => {
  it.each(BAD)('%j → %s %s valid=%s %s', (input, scheme, normalized, valid, rule) => {
    const check = checkIdentifier(input);
    expect(check).toMatchObject({ scheme, normalized, valid, rule });
    expect(check.message.startsWith(rule === 'charset' ? 'character set: ' : `${rule}: `)).toBe(true);
  });

  it('names a control or invisible character by code point, never raw', () => {
    expect(checkIdentifier('9111\u000000600037341L').message).toBe('character set: U+0000 at position 5 is not allowed in any identifier');
    expect(checkIdentifier('91110000600037341L\u001b[31m').message).toContain('U+001B');
    expect(checkIdentifier('\u202e91110000600037341L').message).toContain('U+202E');
    expect(checkIdentifier('9111\u0000000060003734L', { scheme: 'uscc' }).message).toContain('U+0000');
    for (const [input] of BAD) expect(checkIdentifier(input).message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
  });

  it.each([
    ['10,000 digits', '9'.repeat(10_000)],
    ['10,000 letters', 'x'.repeat(10_000)],
    ['10,000 spaces and a code', `${' '.repeat(10_000)}91110000600037341L`],
    ['a million hyphens', '-'.repeat(1_000_000)],
    ['a million full-width digits', '９'.repeat(1_000_000)],
    ['a million NULs', '\u0000'.repeat(1_000_000)],
  ])('%s: rejected or accepted without echoing more than an excerpt', (_name, input) => {
    for (const scheme of [undefined, 'uscc', 'org', 'regno', 'ric'] as const) {
      const check = checkIdentifier(input, { scheme });
      expect(check.input.length).toBeLessThanOrEqual(EXCERPT_LENGTH + 1);
      expect(check.normalized.length).toBeLessThanOrEqual(EXCERPT_LENGTH + 1);
      expect(check.message.length).toBeLessThan(120);
    }
  });

  it('pins the verdicts on huge inputs', () => {
    expect(checkIdentifier('9'.repeat(10_000))).toMatchObject({
      scheme: undefined,
      valid: false,
      rule: 'length',
      inputLength: 10_000,
      input: `${'9'.repeat(EXCERPT_LENGTH)}…`,
      message: 'length: expected 9 (org), 15 (regno) or 18 (uscc, ric) characters, found 10000',
    });
    expect(checkIdentifier(`${' '.repeat(10_000)}91110000600037341L`)).toMatchObject({ scheme: 'uscc', valid: true });
    expect(checkIdentifier('-'.repeat(1_000_000))).toMatchObject({ valid: false, rule: 'empty' });
    expect(checkIdentifier('\u0000'.repeat(1_000_000))).toMatchObject({ valid: false, rule: 'charset', position: 1 });
    expect(checkIdentifier('x'.repeat(10_000), { scheme: 'uscc' })).toMatchObject({ valid: false, rule: 'length' });
  });

  it('an excerpt never ends in half a surrogate pair', () => {
    const input = `${'1'.repeat(EXCERPT_LENGTH - 1)}𝟏𝟏𝟏`;
    const shown = checkIdentifier(input).input;
    expect(shown).toBe(`${'1'.repeat(EXCERPT_LENGTH - 1)}…`);
  });

  it('never returns a bad input as valid under any scheme', () => {
    for (const [input] of BAD) {
      for (const scheme of ['uscc', 'org', 'regno', 'ric'] as const) expect(checkIdentifier(input, { scheme }).valid).toBe(false);
    }
  });

  it('normalizes without dropping anything but whitespace and hyphens', () => {
    expect(normalizeIdentifier('a\u0000b\u0007c\u007fd\u0085e')).toBe('A\u0000B\u0007C\u007fD\u0085E');
    expect(normalizeIdentifier('\t91110000600037341L\r\n')).toBe('91110000600037341L');
    expect(normalizeIdentifier('-\t')).toBe('');
  });
});
