// Publicity periods, pure: a record's own end of force from its dates, the
// configured maxima expanded to (category, severity) pairs as the sweep
// applies them, and the `lifecycle` configuration refused with every
// problem named.
import { describe, expect, it } from 'vitest';
import { parseLifecycleConfig } from '../../../src/config/lifecycle-config.js';
import { DEFAULT_PUBLICITY, ownEndsOn, parsePublicityRules, publicityLimits, severityOf, shanghaiDate } from '../../../src/core/lifecycle/publicity.js';
import { DEFAULT_REPAIR_MINIMUM } from '../../../src/core/lifecycle/status-change.js';
import { RecordCategory, type CreditRecord } from '../../../src/gen/credfed/v1/record.js';
import { sampleRecord } from '../../../src/sample/sample-records.js';

const base = (over: Partial<CreditRecord>): CreditRecord => ({ ...sampleRecord('county-a', '210100', 1), publicity: undefined, ...over });
const dishonesty = (removalDate: string) =>
  base({ category: RecordCategory.RECORD_CATEGORY_DISHONESTY_LIST, details: { $case: 'dishonestyList', value: { listName: 'x', legalBasis: 'y', listedOn: '2026-01-10', removalDate, measures: [] } } });
const redList = (to: string) => base({ category: RecordCategory.RECORD_CATEGORY_RED_LIST, details: { $case: 'redList', value: { title: '守信企业', validity: { from: '2026-01-01', to } } } });
const keyAttention = (to: string) => base({ category: RecordCategory.RECORD_CATEGORY_KEY_ATTENTION, details: { $case: 'keyAttention', value: { reason: 'r', period: { from: '2026-01-01', to } } } });
const evaluation = (validTo: string) => base({ category: RecordCategory.RECORD_CATEGORY_CREDIT_EVALUATION, details: { $case: 'evaluation', value: { grade: 'A', scale: '三等九级', validTo } } });
const penalty = (severity: number, publicityTo = '') =>
  base({
    category: RecordCategory.RECORD_CATEGORY_ADMINISTRATIVE_PENALTY,
    publicity: publicityTo ? { from: '2026-01-10', to: publicityTo } : undefined,
    details: { $case: 'penalty', value: { decisionNumber: 'n', violationType: 't', violationFacts: 'f', legalBasis: 'b', penaltyTypes: [], content: 'c', fineWanYuan: '1', confiscatedWanYuan: '0', suspendedLicences: '', severity } },
  });

describe('ownEndsOn: the first day out of force by the record\'s own dates', () => {
  it.each([
    ['a penalty without publicity dates', penalty(2), undefined],
    ['publicity.to is the last day: the day after', penalty(2, '2026-04-09'), '2026-04-10'],
    ['a dishonesty-list removal date is itself the first day out', dishonesty('2026-06-01'), '2026-06-01'],
    ['still listed (no removal date)', dishonesty(''), undefined],
    ['a red list\'s validity end, plus a day', redList('2026-12-31'), '2027-01-01'],
    ['a key-attention period end, plus a day', keyAttention('2026-02-28'), '2026-03-01'],
    ['an evaluation\'s valid-to, plus a day', evaluation('2024-02-28'), '2024-02-29'],
    ['an unreadable date sets no end', redList('2026-02-30'), undefined],
  ])('%s', (_, record, expected) => {
    expect(ownEndsOn(record)).toBe(expected);
  });

  it('the earliest of several ends', () => {
    expect(ownEndsOn({ ...dishonesty('2026-06-01'), publicity: { from: '', to: '2026-03-31' } })).toBe('2026-04-01');
  });
});

describe('severity and dates', () => {
  it('a penalty stores its severity, other records 0', () => {
    expect([penalty(1), penalty(3), penalty(0), dishonesty('')].map(severityOf)).toEqual([1, 3, 0, 0]);
  });

  it('today is the calendar date in Asia/Shanghai', () => {
    expect(shanghaiDate(Date.parse('2026-03-31T15:59:59Z'))).toBe('2026-03-31');
    expect(shanghaiDate(Date.parse('2026-03-31T16:00:00Z'))).toBe('2026-04-01');
  });
});

describe('publicityLimits', () => {
  it('expands the defaults: a severity\'s own rule, the category rule for a penalty of no stated severity', () => {
    const penalties = RecordCategory.RECORD_CATEGORY_ADMINISTRATIVE_PENALTY;
    expect(publicityLimits(DEFAULT_PUBLICITY)).toEqual(
      expect.arrayContaining([
        { category: penalties, severity: 1, months: 3 },
        { category: penalties, severity: 2, months: 12 },
        { category: penalties, severity: 3, months: 36 },
        { category: penalties, severity: 0, months: 36 },
      ]),
    );
    expect(publicityLimits(DEFAULT_PUBLICITY)).toHaveLength(4);
  });

  it('a category rule alone covers every severity; another category gets severity 0', () => {
    const limits = publicityLimits([
      { category: 'administrative_penalty', months: 6 },
      { category: 'administrative_penalty', severity: 'serious', months: 24 },
      { category: 'red_list', months: 24 },
    ]);
    expect(limits.map((l) => `${l.category}/${l.severity}=${l.months}`).sort()).toEqual(['2/0=6', '2/1=6', '2/2=6', '2/3=24', '5/0=24']);
  });
});

describe('parsePublicityRules and the lifecycle section', () => {
  it('accepts a list and keeps it whole', () => {
    expect(parsePublicityRules([{ category: 'administrative_penalty', severity: 'minor', months: 0 }]).value).toEqual([{ category: 'administrative_penalty', severity: 'minor', months: 0 }]);
  });

  it('names every problem with its index', () => {
    const r = parsePublicityRules([
      { category: 'penalties', months: 3 },
      { category: 'red_list', severity: 'minor', months: 3 },
      { category: 'administrative_penalty', severity: 'grave', months: 3 },
      { category: 'administrative_penalty', months: 3.5 },
      { category: 'administrative_penalty', months: 3, extra: 1 },
      { category: 'administrative_penalty', months: 12 },
      'x',
    ]);
    expect(r.error).toEqual([
      expect.stringMatching(/^\[0\]\.category: expected one of administrative_licence, .* found "penalties"$/),
      '[1].severity: only an administrative_penalty has a severity, not red_list',
      expect.stringMatching(/^\[2\]\.severity: expected one of minor, general, serious, found "grave"$/),
      '[3].months: expected a whole number from 0 to 1200, found 3.5',
      '[4].extra: unknown setting (known: category, severity, months)',
      '[5]: a second rule for administrative_penalty',
      '[6]: expected { category, severity, months }',
    ]);
  });

  const section = (doc: Record<string, unknown>) => {
    const problems: string[] = [];
    const get = (dotted: string) => dotted.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), doc);
    return { config: parseLifecycleConfig({ get, resolvePath: (_, v) => v }, problems), problems };
  };

  it('defaults: the national maxima, a sweep a minute', () => {
    expect(section({})).toEqual({ config: { publicity: DEFAULT_PUBLICITY, sweepSeconds: 60, repairMinimum: DEFAULT_REPAIR_MINIMUM }, problems: [] });
  });

  it('refuses bad settings with their paths', () => {
    expect(section({ lifecycle: { publicity: [{ category: 'x', months: 1 }], sweepSeconds: 0, every: 1 } }).problems).toEqual([
      'lifecycle.every: unknown setting (known: publicity, sweepSeconds, repairMinimum)',
      expect.stringMatching(/^lifecycle\.publicity\[0\]\.category: expected one of/),
      'lifecycle.sweepSeconds: expected a whole number from 1 to 86400, found 0',
    ]);
    expect(section({ lifecycle: { publicity: 'short' } }).problems).toEqual(['lifecycle.publicity: expected a list of { category, severity, months }']);
  });
});
