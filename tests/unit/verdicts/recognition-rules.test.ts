// Recognition rules (src/core/verdicts/recognition-rules.ts): defaults, every
// problem of a rules document listed with its path, precedence, level mapping.
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import {
  DEFAULT_RULES,
  LEVEL_NAMES,
  fromCreditLevel,
  levelPrecedence,
  parseRecognitionRules,
  rulesToDocument,
  toCreditLevel,
} from '../../../src/core/verdicts/recognition-rules.js';
import { CreditLevel } from '../../../src/gen/credfed/v1/verdict.js';

/** The paths of the problems of a document that must be invalid. */
function paths(raw: unknown): string[] {
  const result = parseRecognitionRules(raw);
  expect(result.value).toBeUndefined();
  return (result.error ?? []).map((p) => p.slice(0, p.indexOf(':')));
}

describe('DEFAULT_RULES', () => {
  it('round trips through its document (and YAML)', () => {
    const doc = YAML.parse(YAML.stringify(rulesToDocument(DEFAULT_RULES)));
    expect(parseRecognitionRules(doc)).toEqual({ value: DEFAULT_RULES });
    expect(parseRecognitionRules(DEFAULT_RULES)).toEqual({ value: DEFAULT_RULES });
  });

  it('is what an empty document gives, and is frozen', () => {
    expect(parseRecognitionRules({}).value).toEqual(DEFAULT_RULES);
    expect(Object.isFrozen(DEFAULT_RULES.levels[1]!.when[1]!.severities)).toBe(true);
  });

  it('ranks dishonest, key_attention, trustworthy, good, then normal', () => {
    expect(levelPrecedence(DEFAULT_RULES)).toEqual(['dishonest', 'key_attention', 'trustworthy', 'good', 'normal']);
  });
});

describe('parseRecognitionRules', () => {
  it('takes the defaults for the settings left out', () => {
    expect(parseRecognitionRules({ disputed: 'ignore' }).value).toEqual({ ...DEFAULT_RULES, disputed: 'ignore' });
    const levels = [{ level: 'dishonest', when: [{ category: 'dishonesty_list' }] }];
    expect(parseRecognitionRules({ levels }).value).toEqual({ levels, otherwise: 'normal', disputed: 'count' });
    expect(parseRecognitionRules({ levels: [], otherwise: 'good' }).value).toEqual({ levels: [], otherwise: 'good', disputed: 'count' });
  });

  it('keeps the order of the rules as precedence, then otherwise', () => {
    const rules = parseRecognitionRules({
      levels: [
        { level: 'good', when: [{ category: 'credit_evaluation', grades: ['A'] }] },
        { level: 'dishonest', when: [{ category: 'dishonest_debtor' }] },
      ],
      otherwise: 'key_attention',
    }).value!;
    expect(levelPrecedence(rules)).toEqual(['good', 'dishonest', 'key_attention']);
  });

  it.each([
    ['not a mapping', ['levels'], ['rules']],
    ['an unknown top-level key', { level: [] }, ['level']],
    ['levels not a list', { levels: { dishonest: [] } }, ['levels']],
    ['a rule not a mapping', { levels: ['dishonest'] }, ['levels[0]']],
    ['an unknown key in a rule', { levels: [{ level: 'dishonest', when: [{ category: 'dishonest_debtor' }], then: 1 }] }, ['levels[0].then']],
    ['an unknown level', { levels: [{ level: 'excellent', when: [{ category: 'red_list' }] }] }, ['levels[0].level']],
    ['a missing level', { levels: [{ when: [{ category: 'red_list' }] }] }, ['levels[0].level']],
    ['a level that is not text', { levels: [{ level: 3, when: [{ category: 'red_list' }] }] }, ['levels[0].level']],
    ['a missing when', { levels: [{ level: 'good' }] }, ['levels[0].when']],
    ['an empty when', { levels: [{ level: 'good', when: [] }] }, ['levels[0].when']],
    ['when not a list', { levels: [{ level: 'good', when: { category: 'red_list' } }] }, ['levels[0].when']],
    ['a match not a mapping', { levels: [{ level: 'good', when: ['red_list'] }] }, ['levels[0].when[0]']],
    ['an unknown category', { levels: [{ level: 'good', when: [{ category: 'red_list' }, { category: 'honour' }] }] }, ['levels[0].when[1].category']],
    ['an unknown key in a match', { levels: [{ level: 'good', when: [{ category: 'red_list', grade: 'A' }] }] }, ['levels[0].when[0].grade']],
    [
      'an unknown severity',
      { levels: [{ level: 'key_attention', when: [{ category: 'administrative_penalty', severities: ['serious', 'grave'] }] }] },
      ['levels[0].when[0].severities[1]'],
    ],
    [
      'a severity listed twice',
      { levels: [{ level: 'key_attention', when: [{ category: 'administrative_penalty', severities: ['serious', 'serious'] }] }] },
      ['levels[0].when[0].severities[1]'],
    ],
    ['empty severities', { levels: [{ level: 'key_attention', when: [{ category: 'administrative_penalty', severities: [] }] }] }, ['levels[0].when[0].severities']],
    ['severities on a non-penalty', { levels: [{ level: 'dishonest', when: [{ category: 'dishonest_debtor', severities: ['serious'] }] }] }, ['levels[0].when[0].severities']],
    ['grades on a non-evaluation', { levels: [{ level: 'good', when: [{ category: 'red_list', grades: ['AAA'] }] }] }, ['levels[0].when[0].grades']],
    ['a lower-case grade', { levels: [{ level: 'good', when: [{ category: 'credit_evaluation', grades: ['AA', 'a'] }] }] }, ['levels[0].when[0].grades[1]']],
    ['grades not a list', { levels: [{ level: 'good', when: [{ category: 'credit_evaluation', grades: 'AA' }] }] }, ['levels[0].when[0].grades']],
    [
      'a level listed twice',
      { levels: [{ level: 'good', when: [{ category: 'red_list' }] }, { level: 'good', when: [{ category: 'credit_evaluation' }] }] },
      ['levels[1].level'],
    ],
    ['otherwise also a rule', { levels: [{ level: 'good', when: [{ category: 'red_list' }] }], otherwise: 'good' }, ['otherwise']],
    ['otherwise also a default rule', { otherwise: 'dishonest' }, ['otherwise']],
    ['an unknown otherwise', { otherwise: 'fine' }, ['otherwise']],
    ['an unknown disputed mode', { disputed: 'drop' }, ['disputed']],
  ])('reports %s', (_name, raw, expected) => {
    expect(paths(raw)).toEqual(expected);
  });

  it('lists every problem of a document at once', () => {
    const found = paths({
      levels: [
        { level: 'dishonest', when: [{ category: 'dishonesty_list', severities: ['serious'] }] },
        { level: 'dishonest', when: [] },
        { level: 'great', when: [{ category: 'credit_evaluation', grades: ['aaa'] }, { category: 'red_list', grades: ['AAA'] }] },
      ],
      otherwise: 'dishonest',
      disputed: 'maybe',
      extra: true,
    });
    expect(found.sort()).toEqual(
      [
        'extra',
        'levels[0].when[0].severities',
        'levels[1].level',
        'levels[1].when',
        'levels[2].level',
        'levels[2].when[0].grades[0]',
        'levels[2].when[1].grades',
        'otherwise',
        'disputed',
      ].sort(),
    );
  });
});

describe('level names and CreditLevel', () => {
  it.each([
    ['dishonest', CreditLevel.CREDIT_LEVEL_DISHONEST],
    ['key_attention', CreditLevel.CREDIT_LEVEL_KEY_ATTENTION],
    ['normal', CreditLevel.CREDIT_LEVEL_NORMAL],
    ['good', CreditLevel.CREDIT_LEVEL_GOOD],
    ['trustworthy', CreditLevel.CREDIT_LEVEL_TRUSTWORTHY],
  ] as const)('%s is %i', (name, level) => {
    expect(toCreditLevel(name)).toBe(level);
    expect(fromCreditLevel(level)).toBe(name);
  });

  it('has no name for UNSPECIFIED or an unknown value', () => {
    expect(fromCreditLevel(CreditLevel.CREDIT_LEVEL_UNSPECIFIED)).toBeUndefined();
    expect(fromCreditLevel(CreditLevel.UNRECOGNIZED)).toBeUndefined();
    expect(fromCreditLevel(9 as CreditLevel)).toBeUndefined();
    expect(LEVEL_NAMES.map(toCreditLevel)).toEqual([1, 2, 3, 4, 5]);
  });
});
