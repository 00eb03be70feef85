// Agreement documents: what parses, every problem listed with its path, the canonical form, field rules and diffs.
import fc from 'fast-check';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { CATEGORY_NAMES, DIRECTIONS, DISCLOSURE_NAMES, PURPOSES } from '../../../src/core/agreements/agreement.js';
import { diffAgreements } from '../../../src/core/agreements/diff-agreement.js';
import { applyFieldRules, maskText } from '../../../src/core/agreements/field-rules.js';
import { agreementFromObject, agreementToDocument, parseAgreement } from '../../../src/core/agreements/parse-agreement.js';
import { enterprise, recordOf } from '../../helpers/agreement-records.js';

const GOOD = {
  agreement: 'city-b-2026',
  title: '长三角信用互认',
  parties: { partners: ['city-b'], groups: ['peer_region'], exclude: ['city-x'] },
  valid: { from: '2026-01-01', until: '2026-12-31' },
  directions: ['push', 'query'],
  categories: ['all'],
  disclosure: ['public', 'conditional'],
  purposes: ['bidding_review'],
  quotas: { perMinute: 10, perDay: 100 },
  fields: [{ field: 'penalty.violation_facts', action: 'drop' }],
  personIds: 'clear',
  thirdParty: true,
};

const problems = (doc: unknown, known?: string[]) => {
  const r = agreementFromObject(doc, known ? { knownPartners: new Set(known) } : {});
  return r.error ?? [];
};

describe('parseAgreement', () => {
  it('parses a complete document, dates in Asia/Shanghai, "all" expanded', () => {
    const a = parseAgreement(YAML.stringify(GOOD)).value!;
    expect(a.validFrom.toISOString()).toBe('2025-12-31T16:00:00.000Z');
    expect(a.validUntil.toISOString()).toBe('2026-12-31T16:00:00.000Z'); // through the end of 31 Dec in Shanghai
    expect(a.categories).toEqual(CATEGORY_NAMES);
    expect(a).toMatchObject({ id: 'city-b-2026', personIds: 'clear', thirdParty: true, quotas: { perMinute: 10, perDay: 100 } });
    expect(Object.isFrozen(a) && Object.isFrozen(a.directions)).toBe(true);
  });

  it('takes JSON and RFC 3339 timestamps, and defaults personIds, thirdParty, quotas and fields', () => {
    const a = parseAgreement(JSON.stringify({ ...GOOD, valid: { from: '2026-01-01T08:00:00Z', until: '2026-02-01T00:00:00+08:00' }, personIds: undefined, thirdParty: undefined, quotas: undefined, fields: undefined })).value!;
    expect(a.validFrom.toISOString()).toBe('2026-01-01T08:00:00.000Z');
    expect(a).toMatchObject({ personIds: 'masked', thirdParty: false, quotas: {}, fields: [] });
  });

  it('lists every problem at once, each with its path', () => {
    const found = problems(
      {
        agreement: 'Not An Id',
        parties: { partners: ['city-b', 'city-b', 'ghost'], exclude: ['city-b'], teams: [] },
        valid: { from: '2026-02-30', until: 'soon' },
        directions: ['query', 'beam'],
        categories: ['all', 'administrative_penalty'],
        disclosure: [],
        purposes: ['gossip'],
        quotas: { perMinute: 0, perDay: 1.5 },
        fields: [{ field: 'penalty.nope', action: 'shred' }, 'x'],
        personIds: 'plain',
        thirdParty: 'yes',
        extra: 1,
      },
      ['city-b'],
    );
    for (const at of [
      'agreement:',
      'parties.teams:',
      'parties.partners[1]: "city-b" is listed twice',
      'parties.exclude: "city-b" is both a party and excluded',
      'parties.partners: unknown partner "ghost"',
      'valid.from:',
      'valid.until:',
      'directions[1]:',
      'categories: "all" stands alone',
      'disclosure: must not be empty',
      'purposes[0]:',
      'quotas.perMinute:',
      'quotas.perDay:',
      'fields[0].field: unknown field',
      'fields[0].action:',
      'fields[1]:',
      'personIds:',
      'thirdParty:',
      'extra:',
    ]) {
      expect(found.some((p) => p.startsWith(at))).toBe(true);
    }
  });

  it.each([
    ['query without purposes', { ...GOOD, purposes: undefined }, 'purposes:'],
    ['purposes without query', { ...GOOD, directions: ['push'] }, 'purposes:'],
    ['from not before until', { ...GOOD, valid: { from: '2026-05-01', until: '2026-04-30' } }, 'valid:'],
    ['no party', { ...GOOD, parties: { exclude: ['x1'] } }, 'parties:'],
    ['perMinute above perDay', { ...GOOD, quotas: { perMinute: 10, perDay: 5 } }, 'quotas:'],
    ['one field ruled twice', { ...GOOD, fields: [{ field: 'subject.name', action: 'drop' }, { field: 'subject.name', action: 'mask' }] }, 'fields[1].field:'],
    ['a missing required setting', { ...GOOD, disclosure: undefined }, 'disclosure: is required'],
  ])('refuses a contradiction: %s', (_what, doc, at) => {
    expect(problems(doc).some((p) => p.startsWith(at))).toBe(true);
  });

  it.each([
    ['not a mapping', '- a\n- b\n'],
    ['two documents', 'agreement: a\n---\nagreement: b\n'],
    ['broken YAML', 'agreement: [unclosed\n'],
    ['empty', ''],
  ])('refuses %s', (_what, text) => {
    expect(parseAgreement(text).error!.length).toBeGreaterThan(0);
  });

  it('round-trips through its canonical document', () => {
    const subset = <T>(xs: readonly T[]) => fc.subarray([...xs], { minLength: 1 });
    fc.assert(
      fc.property(subset(DIRECTIONS), subset(CATEGORY_NAMES), subset(DISCLOSURE_NAMES), subset(PURPOSES), fc.boolean(), (directions, categories, disclosure, purposes, thirdParty) => {
        const doc = { ...GOOD, directions: [...directions, 'query'].filter((d, i, all) => all.indexOf(d) === i), categories, disclosure, purposes, thirdParty };
        const a = agreementFromObject(doc).value!;
        const again = parseAgreement(YAML.stringify(agreementToDocument(a))).value!;
        expect(again).toEqual(a);
        expect(diffAgreements(a, again)).toEqual([]);
      }),
    );
  });
});

describe('field rules', () => {
  it.each([
    ['张三丰', '张*丰'],
    ['王大明', '王*明'],
    ['李四', '**'],
    ['A', '*'],
    ['', ''],
    ['91210100MA0', '9*********0'],
  ])('masks %j as %j', (text, masked) => expect(maskText(text)).toBe(masked));

  it('drops and masks fields of the record and its subject, leaves the input alone and ignores other categories', () => {
    const r = recordOf(enterprise('沈阳示例科技有限公司', '91210100MA0XXXXXX1'), { origin: 'city', id: 'r1', kind: 'penalty' });
    const out = applyFieldRules(r, [
      { field: 'penalty.violation_facts', action: 'drop' },
      { field: 'penalty.penalty_types', action: 'mask' },
      { field: 'subject.legal_representative', action: 'mask' },
      { field: 'licence.content', action: 'drop' },
    ]);
    expect(out.details?.$case === 'penalty' && out.details.value).toMatchObject({ violationFacts: '', penaltyTypes: ['**'], content: '罚款' });
    expect(out.subject!.legalRepresentative).toBe('王*明');
    expect(r.details?.$case === 'penalty' && r.details.value.violationFacts).toBe('未按规定开展安全检查');
  });
});

describe('diffAgreements', () => {
  it('names each changed setting; list order alone is no change', () => {
    const a = agreementFromObject(GOOD).value!;
    const b = agreementFromObject({ ...GOOD, directions: ['query', 'push'], purposes: ['bidding_review', 'financing'], quotas: { perMinute: 10 }, valid: { ...GOOD.valid, until: '2027-12-31' } }).value!;
    expect(diffAgreements(a, b).map((d) => d.path)).toEqual(['valid.until', 'purposes', 'quotas.perDay']);
  });
});
