// computeVerdict and combineLevels (src/core/verdicts/compute-verdict.ts), table-driven over the default rules.
import { describe, expect, it } from 'vitest';
import { combineLevels, computeVerdict } from '../../../src/core/verdicts/compute-verdict.js';
import { DEFAULT_RULES, parseRecognitionRules, type RecognitionRules } from '../../../src/core/verdicts/recognition-rules.js';
import { CreditRecord, PenaltySeverity, RecordCategory, RecordStatus } from '../../../src/gen/credfed/v1/record.js';
import { CreditLevel } from '../../../src/gen/credfed/v1/verdict.js';

const TODAY = '2026-06-01';
const L = CreditLevel;
const all = () => true;

type Kind = 'licence' | 'minor' | 'general' | 'serious' | 'dishonesty' | 'debtor' | 'red' | 'attention' | 'commitment' | `grade:${string}`;

interface Spec {
  readonly id: string;
  readonly kind: Kind;
  readonly status?: RecordStatus;
  readonly date?: string;
  readonly origin?: string;
  /** Evaluations: valid to, scale, reported-at (seconds). */
  readonly validTo?: string;
  readonly scale?: string;
  readonly reported?: number;
}

function rec(s: Spec): CreditRecord {
  const base = {
    originId: s.origin ?? 'city',
    recordId: s.id,
    version: 2,
    decisionDate: s.date ?? '2026-01-10',
    status: s.status ?? RecordStatus.RECORD_STATUS_ACTIVE,
    authority: { name: `authority of ${s.id}`, uscc: '' },
    reportedAt: { seconds: s.reported ?? 1_770_000_000, nanos: 0 },
  };
  const severity = { minor: PenaltySeverity.PENALTY_SEVERITY_MINOR, general: PenaltySeverity.PENALTY_SEVERITY_GENERAL, serious: PenaltySeverity.PENALTY_SEVERITY_SERIOUS };
  if (s.kind.startsWith('grade:')) {
    return CreditRecord.fromPartial({
      ...base,
      category: RecordCategory.RECORD_CATEGORY_CREDIT_EVALUATION,
      details: { $case: 'evaluation', value: { grade: s.kind.slice(6), scale: s.scale ?? '三等九级', validTo: s.validTo ?? '2027-12-31' } },
    });
  }
  switch (s.kind) {
    case 'licence':
      return CreditRecord.fromPartial({ ...base, category: RecordCategory.RECORD_CATEGORY_ADMINISTRATIVE_LICENCE, details: { $case: 'licence', value: { decisionDocumentNumber: `许${s.id}` } } });
    case 'minor':
    case 'general':
    case 'serious':
      return CreditRecord.fromPartial({ ...base, category: RecordCategory.RECORD_CATEGORY_ADMINISTRATIVE_PENALTY, details: { $case: 'penalty', value: { decisionNumber: `罚${s.id}`, severity: severity[s.kind] } } });
    case 'dishonesty':
      return CreditRecord.fromPartial({ ...base, category: RecordCategory.RECORD_CATEGORY_DISHONESTY_LIST, details: { $case: 'dishonestyList', value: { listName: '严重失信主体名单' } } });
    case 'debtor':
      return CreditRecord.fromPartial({ ...base, category: RecordCategory.RECORD_CATEGORY_DISHONEST_DEBTOR, details: { $case: 'dishonestDebtor', value: { caseNumber: `(2026)辽01执${s.id}号` } } });
    case 'red':
      return CreditRecord.fromPartial({ ...base, category: RecordCategory.RECORD_CATEGORY_RED_LIST, details: { $case: 'redList', value: { title: '守信企业' } } });
    case 'attention':
      return CreditRecord.fromPartial({ ...base, category: RecordCategory.RECORD_CATEGORY_KEY_ATTENTION, details: { $case: 'keyAttention', value: { reason: '多次处罚' } } });
    case 'commitment':
      return CreditRecord.fromPartial({ ...base, category: RecordCategory.RECORD_CATEGORY_CREDIT_COMMITMENT, details: { $case: 'commitment', value: { content: '承诺' } } });
  }
  throw new Error(`unknown kind ${s.kind}`);
}

const recs = (...kinds: Kind[]) => kinds.map((kind, i) => rec({ id: `r${i}`, kind }));
const verdict = (records: CreditRecord[], rules: RecognitionRules = DEFAULT_RULES, visible: (r: CreditRecord) => boolean = all) =>
  computeVerdict(records, rules, visible, { today: TODAY });
const decisiveIds = (records: CreditRecord[], rules?: RecognitionRules) =>
  verdict(records, rules)
    .basis.filter((b) => b.decisive)
    .map((b) => b.recordId)
    .sort();

describe('computeVerdict: the default rules', () => {
  it.each<[string, Kind[], CreditLevel, string[]]>([
    ['a dishonesty list entry', ['dishonesty'], L.CREDIT_LEVEL_DISHONEST, ['r0']],
    ['a dishonest judgment debtor', ['debtor'], L.CREDIT_LEVEL_DISHONEST, ['r0']],
    ['a key-attention entry', ['attention'], L.CREDIT_LEVEL_KEY_ATTENTION, ['r0']],
    ['a serious penalty', ['serious'], L.CREDIT_LEVEL_KEY_ATTENTION, ['r0']],
    ['a general penalty', ['general'], L.CREDIT_LEVEL_NORMAL, []],
    ['a minor penalty', ['minor'], L.CREDIT_LEVEL_NORMAL, []],
    ['a red list entry', ['red'], L.CREDIT_LEVEL_TRUSTWORTHY, ['r0']],
    ['an AAA evaluation', ['grade:AAA'], L.CREDIT_LEVEL_TRUSTWORTHY, ['r0']],
    ['an AA evaluation', ['grade:AA'], L.CREDIT_LEVEL_GOOD, ['r0']],
    ['an A evaluation', ['grade:A'], L.CREDIT_LEVEL_GOOD, ['r0']],
    ['a BBB evaluation', ['grade:BBB'], L.CREDIT_LEVEL_NORMAL, []],
    ['a licence and a commitment', ['licence', 'commitment'], L.CREDIT_LEVEL_NORMAL, []],
  ])('%s', (_name, kinds, level, decisive) => {
    const records = recs(...kinds);
    const facts = verdict(records);
    expect(facts.level).toBe(level);
    expect(facts.noRecords).toBe(false);
    expect(facts.disputed).toBe(false);
    expect(decisiveIds(records)).toEqual(decisive);
  });

  it('a tax-credit A is good too (grades match whatever the scale)', () => {
    expect(verdict([rec({ id: 't', kind: 'grade:A', scale: '纳税信用' })]).level).toBe(L.CREDIT_LEVEL_GOOD);
  });

  it('no records: NORMAL, noRecords, empty basis', () => {
    expect(verdict([])).toEqual({ level: L.CREDIT_LEVEL_NORMAL, noRecords: true, disputed: false, basis: [], withheld: 0 });
  });

  it('records with a status not in force are ignored', () => {
    const records = [
      rec({ id: 'a', kind: 'dishonesty', status: RecordStatus.RECORD_STATUS_REPAIRED }),
      rec({ id: 'b', kind: 'debtor', status: RecordStatus.RECORD_STATUS_REVOKED }),
      rec({ id: 'c', kind: 'serious', status: RecordStatus.RECORD_STATUS_EXPIRED }),
      rec({ id: 'd', kind: 'attention', status: RecordStatus.RECORD_STATUS_UNSPECIFIED }),
    ];
    expect(verdict(records)).toEqual({ level: L.CREDIT_LEVEL_NORMAL, noRecords: true, disputed: false, basis: [], withheld: 0 });
  });
});

describe('computeVerdict: precedence', () => {
  it.each<[string, Kind[], CreditLevel, string[]]>([
    ['dishonest over trustworthy', ['red', 'debtor', 'grade:AAA'], L.CREDIT_LEVEL_DISHONEST, ['r1']],
    ['dishonest over key attention, both dishonest records decisive', ['serious', 'dishonesty', 'debtor'], L.CREDIT_LEVEL_DISHONEST, ['r1', 'r2']],
    ['key attention over trustworthy', ['red', 'serious'], L.CREDIT_LEVEL_KEY_ATTENTION, ['r1']],
    ['trustworthy over good', ['grade:AA', 'red'], L.CREDIT_LEVEL_TRUSTWORTHY, ['r1']],
  ])('%s', (_name, kinds, level, decisive) => {
    const records = recs(...kinds);
    expect(verdict(records).level).toBe(level);
    expect(decisiveIds(records)).toEqual(decisive);
  });

  it('follows the configured order', () => {
    const rules = parseRecognitionRules({
      levels: [
        { level: 'trustworthy', when: [{ category: 'red_list' }] },
        { level: 'dishonest', when: [{ category: 'dishonest_debtor' }] },
      ],
      otherwise: 'good',
    }).value!;
    expect(verdict(recs('debtor', 'red'), rules).level).toBe(L.CREDIT_LEVEL_TRUSTWORTHY);
    expect(verdict(recs('debtor'), rules).level).toBe(L.CREDIT_LEVEL_DISHONEST);
    expect(verdict(recs('dishonesty'), rules).level).toBe(L.CREDIT_LEVEL_GOOD);
    expect(verdict([], rules)).toMatchObject({ level: L.CREDIT_LEVEL_GOOD, noRecords: true });
  });
});

describe('computeVerdict: disputed records', () => {
  const ignore = { ...DEFAULT_RULES, disputed: 'ignore' as const };
  const disputed = RecordStatus.RECORD_STATUS_DISPUTED;

  it.each<[string, RecognitionRules, Spec[], CreditLevel, boolean, string[]]>([
    ['count: a disputed dishonesty entry decides, and the verdict says disputed', DEFAULT_RULES, [{ id: 'd', kind: 'dishonesty', status: disputed }], L.CREDIT_LEVEL_DISHONEST, true, ['d']],
    [
      'count: one of two decisive records disputed',
      DEFAULT_RULES,
      [{ id: 'd', kind: 'dishonesty', status: disputed }, { id: 'e', kind: 'debtor' }],
      L.CREDIT_LEVEL_DISHONEST,
      true,
      ['d', 'e'],
    ],
    ['count: a disputed record that does not decide', DEFAULT_RULES, [{ id: 'd', kind: 'general', status: disputed }, { id: 'r', kind: 'red' }], L.CREDIT_LEVEL_TRUSTWORTHY, false, ['r']],
    ['ignore: a disputed dishonesty entry does not count', ignore, [{ id: 'd', kind: 'dishonesty', status: disputed }], L.CREDIT_LEVEL_NORMAL, false, []],
    [
      'ignore: the next rule decides',
      ignore,
      [{ id: 'd', kind: 'dishonesty', status: disputed }, { id: 'k', kind: 'serious' }],
      L.CREDIT_LEVEL_KEY_ATTENTION,
      false,
      ['k'],
    ],
  ])('%s', (_name, rules, specs, level, isDisputed, decisive) => {
    const records = specs.map(rec);
    const facts = verdict(records, rules);
    expect(facts.level).toBe(level);
    expect(facts.disputed).toBe(isDisputed);
    expect(decisiveIds(records, rules)).toEqual(decisive);
    expect(facts.basis).toHaveLength(records.length);
  });

  it('ignore: a disputed record is still listed as basis (not decisive) and the subject has records', () => {
    const facts = verdict([rec({ id: 'd', kind: 'dishonesty', status: disputed })], ignore);
    expect(facts.noRecords).toBe(false);
    expect(facts.basis.map((b) => [b.recordId, b.status, b.decisive])).toEqual([['d', disputed, false]]);
  });
});

describe('computeVerdict: basis and withheld', () => {
  it('lists the visible records as references, decisive first, then latest decision, then key; counts the others', () => {
    const records = [
      rec({ id: 'lic-1', kind: 'licence', date: '2026-03-01' }),
      rec({ id: 'pen-1', kind: 'general', date: '2026-04-01' }),
      rec({ id: 'dl-hidden', kind: 'dishonesty', date: '2026-01-01', origin: 'county-b' }),
      rec({ id: 'debt-1', kind: 'debtor', date: '2025-12-01' }),
      rec({ id: 'lic-0', kind: 'licence', date: '2026-03-01' }),
      rec({ id: 'lic-a', kind: 'licence', date: '2026-03-01', origin: 'a-county' }),
      rec({ id: 'secret', kind: 'licence', origin: 'county-b' }),
    ];
    const facts = verdict(records, DEFAULT_RULES, (r) => r.originId !== 'county-b');
    expect(facts.level).toBe(L.CREDIT_LEVEL_DISHONEST);
    expect(facts.withheld).toBe(2);
    expect(facts.basis.map((b) => [b.originId, b.recordId, b.decisive])).toEqual([
      ['city', 'debt-1', true],
      ['city', 'pen-1', false],
      ['a-county', 'lic-a', false],
      ['city', 'lic-0', false],
      ['city', 'lic-1', false],
    ]);
    expect(facts.basis[1]).toEqual({
      originId: 'city',
      recordId: 'pen-1',
      version: 2,
      category: RecordCategory.RECORD_CATEGORY_ADMINISTRATIVE_PENALTY,
      status: RecordStatus.RECORD_STATUS_ACTIVE,
      severity: PenaltySeverity.PENALTY_SEVERITY_GENERAL,
      decisionDate: '2026-04-01',
      authority: 'authority of pen-1',
      decisive: false,
    });
    expect(facts.basis[0]!.severity).toBe(PenaltySeverity.PENALTY_SEVERITY_UNSPECIFIED);
  });

  it('a withheld record still decides the level', () => {
    const facts = verdict(recs('licence', 'debtor'), DEFAULT_RULES, (r) => r.category !== RecordCategory.RECORD_CATEGORY_DISHONEST_DEBTOR);
    expect(facts).toMatchObject({ level: L.CREDIT_LEVEL_DISHONEST, withheld: 1 });
    expect(facts.basis.map((b) => [b.recordId, b.decisive])).toEqual([['r0', false]]);
  });

  it('records not in force are neither listed nor withheld', () => {
    const facts = verdict([rec({ id: 'x', kind: 'dishonesty', status: RecordStatus.RECORD_STATUS_REVOKED })], DEFAULT_RULES, () => false);
    expect(facts.withheld).toBe(0);
  });
});

describe('computeVerdict: grade', () => {
  const grade = (specs: Spec[], visible: (r: CreditRecord) => boolean = all, rules: RecognitionRules = DEFAULT_RULES) => verdict(specs.map(rec), rules, visible);

  it('carries the grade of an evaluation in force', () => {
    expect(grade([{ id: 'e', kind: 'grade:AA', validTo: '2026-12-31' }]).grade).toEqual({ grade: 'AA', scale: '三等九级', evaluator: 'authority of e', validTo: '2026-12-31' });
  });

  it.each<[string, Spec[], string | undefined, CreditLevel]>([
    ['the latest by decision date', [{ id: 'old', kind: 'grade:AAA', date: '2025-01-01' }, { id: 'new', kind: 'grade:BBB', date: '2026-01-01' }], 'BBB', L.CREDIT_LEVEL_NORMAL],
    [
      'the same decision date: the latest reported',
      [{ id: 'x', kind: 'grade:AA', reported: 200 }, { id: 'y', kind: 'grade:A', reported: 100 }],
      'AA',
      L.CREDIT_LEVEL_GOOD,
    ],
    ['an expired evaluation gives no grade and no level', [{ id: 'e', kind: 'grade:AAA', validTo: '2026-05-31' }], undefined, L.CREDIT_LEVEL_NORMAL],
    ['valid to today is not expired', [{ id: 'e', kind: 'grade:AAA', validTo: TODAY }], 'AAA', L.CREDIT_LEVEL_TRUSTWORTHY],
    ['no valid-to is not expired', [{ id: 'e', kind: 'grade:AA', validTo: '' }], 'AA', L.CREDIT_LEVEL_GOOD],
    [
      'a later expired evaluation leaves the earlier one in force',
      [{ id: 'old', kind: 'grade:AA', date: '2025-06-01' }, { id: 'new', kind: 'grade:AAA', date: '2026-01-01', validTo: '2026-02-01' }],
      'AA',
      L.CREDIT_LEVEL_GOOD,
    ],
    [
      'another scale does not supersede: the tax A still counts, the latest grade is shown',
      [{ id: 'tax', kind: 'grade:A', scale: '纳税信用', date: '2025-06-01' }, { id: 'new', kind: 'grade:BBB', date: '2026-01-01' }],
      'BBB',
      L.CREDIT_LEVEL_GOOD,
    ],
    ['a revoked evaluation does not count', [{ id: 'e', kind: 'grade:AAA', status: RecordStatus.RECORD_STATUS_REVOKED }], undefined, L.CREDIT_LEVEL_NORMAL],
  ])('%s', (_name, specs, expected, level) => {
    const facts = grade(specs);
    expect(facts.grade?.grade).toBe(expected);
    expect(facts.level).toBe(level);
  });

  it('travels only when the asker may see its record (no older grade instead)', () => {
    const specs: Spec[] = [{ id: 'old', kind: 'grade:AA', date: '2025-01-01', scale: 's' }, { id: 'new', kind: 'grade:A', date: '2026-01-01', scale: 's' }];
    const facts = grade(specs, (r) => r.recordId !== 'new');
    expect(facts.grade).toBeUndefined();
    expect(facts).toMatchObject({ level: L.CREDIT_LEVEL_GOOD, withheld: 1 });
    expect(grade(specs, (r) => r.recordId !== 'old').grade?.grade).toBe('A');
  });

  it('a disputed evaluation gives the grade when disputed records count, not when they are ignored', () => {
    const specs: Spec[] = [{ id: 'e', kind: 'grade:AAA', status: RecordStatus.RECORD_STATUS_DISPUTED }];
    expect(grade(specs)).toMatchObject({ grade: { grade: 'AAA' }, level: L.CREDIT_LEVEL_TRUSTWORTHY, disputed: true });
    const ignored = grade(specs, all, { ...DEFAULT_RULES, disputed: 'ignore' });
    expect(ignored.grade).toBeUndefined();
    expect(ignored.level).toBe(L.CREDIT_LEVEL_NORMAL);
  });
});

describe('combineLevels', () => {
  it.each<[string, CreditLevel[], CreditLevel]>([
    ['none: NORMAL', [], L.CREDIT_LEVEL_NORMAL],
    ['one', [L.CREDIT_LEVEL_GOOD], L.CREDIT_LEVEL_GOOD],
    ['dishonest wins', [L.CREDIT_LEVEL_TRUSTWORTHY, L.CREDIT_LEVEL_DISHONEST, L.CREDIT_LEVEL_NORMAL], L.CREDIT_LEVEL_DISHONEST],
    ['key attention over trustworthy', [L.CREDIT_LEVEL_TRUSTWORTHY, L.CREDIT_LEVEL_KEY_ATTENTION], L.CREDIT_LEVEL_KEY_ATTENTION],
    ['trustworthy over good', [L.CREDIT_LEVEL_GOOD, L.CREDIT_LEVEL_TRUSTWORTHY], L.CREDIT_LEVEL_TRUSTWORTHY],
    ['good over normal', [L.CREDIT_LEVEL_NORMAL, L.CREDIT_LEVEL_GOOD], L.CREDIT_LEVEL_GOOD],
    ['UNSPECIFIED and unknown values are skipped', [L.CREDIT_LEVEL_UNSPECIFIED, L.UNRECOGNIZED, L.CREDIT_LEVEL_NORMAL], L.CREDIT_LEVEL_NORMAL],
  ])('default rules: %s', (_name, levels, expected) => {
    expect(combineLevels(levels, DEFAULT_RULES)).toBe(expected);
  });

  it('follows the configured precedence; levels the rules do not name rank after, in the default order', () => {
    const rules = parseRecognitionRules({ levels: [{ level: 'good', when: [{ category: 'red_list' }] }], otherwise: 'normal' }).value!;
    expect(combineLevels([L.CREDIT_LEVEL_DISHONEST, L.CREDIT_LEVEL_GOOD], rules)).toBe(L.CREDIT_LEVEL_GOOD);
    expect(combineLevels([L.CREDIT_LEVEL_NORMAL, L.CREDIT_LEVEL_DISHONEST], rules)).toBe(L.CREDIT_LEVEL_NORMAL);
    expect(combineLevels([L.CREDIT_LEVEL_TRUSTWORTHY, L.CREDIT_LEVEL_KEY_ATTENTION], rules)).toBe(L.CREDIT_LEVEL_KEY_ATTENTION);
  });
});
