// validateRecord (src/core/records/validate-record.ts): one valid sample record,
// one field broken per case; the result names the catalogue reason and the field.
import { describe, expect, it } from 'vitest';
import { validateRecord } from '../../../src/core/records/validate-record.js';
import {
  DisclosureClass,
  RecordCategory,
  RecordStatus,
  type CreditRecord,
  type LicenceDetails,
  type PenaltyDetails,
} from '../../../src/gen/credfed/v1/record.js';
import { IdentifierScheme, SubjectKind } from '../../../src/gen/credfed/v1/subject.js';
import { sampleRecord } from '../../../src/sample/sample-records.js';

const ORIGIN = 'county-a';

/** The first sample record of ORIGIN that satisfies `pred` (samples are deterministic). */
function sampleWhere(pred: (r: CreditRecord) => boolean): CreditRecord {
  for (let i = 0; i < 1000; i++) {
    const r = sampleRecord(ORIGIN, '210100', i);
    if (pred(r)) return r;
  }
  throw new Error('no sample record matches');
}

const isLegalPerson = (r: CreditRecord) => r.subject?.kind === SubjectKind.SUBJECT_KIND_LEGAL_PERSON;
const PENALTY = sampleWhere((r) => isLegalPerson(r) && r.details?.$case === 'penalty');
const LICENCE = sampleWhere((r) => isLegalPerson(r) && r.details?.$case === 'licence');

/** A deep copy of `base` with `mutate` applied. */
function mutated(base: CreditRecord, mutate: (r: CreditRecord) => void): CreditRecord {
  const copy = structuredClone(base);
  mutate(copy);
  return copy;
}

const penalty = (r: CreditRecord): PenaltyDetails => {
  if (r.details?.$case !== 'penalty') throw new Error('not a penalty');
  return r.details.value;
};
const licence = (r: CreditRecord): LicenceDetails => {
  if (r.details?.$case !== 'licence') throw new Error('not a licence');
  return r.details.value;
};

/** `r` as validateRecord returns it: the sample writes org codes with their hyphen, the canonical form has none. */
const canonical = (r: CreditRecord): CreditRecord =>
  mutated(r, (c) => c.subject!.identifiers.forEach((id) => void (id.value = id.value.replace('-', ''))));

/** Replaces the last character of a valid USCC with a wrong check character. */
const wrongCheck = (uscc: string): string => uscc.slice(0, 17) + (uscc.endsWith('0') ? '1' : '0');

describe('validateRecord', () => {
  it.each([
    ['a penalty', PENALTY],
    ['a licence', LICENCE],
  ])('accepts the valid sample (%s), with and without requireVersion', (_name, record) => {
    expect(validateRecord(record, { requireVersion: true })).toEqual({ value: canonical(record) });
    expect(validateRecord(record, { requireVersion: false })).toEqual({ value: canonical(record) });
  });

  type Case = [name: string, base: CreditRecord, mutate: (r: CreditRecord) => void, reason: string, field: string];
  const cases: Case[] = [
    ['missing origin_id', PENALTY, (r) => void (r.originId = ''), 'RECORD_FIELD_MISSING', 'origin_id'],
    ['too long origin_id', PENALTY, (r) => void (r.originId = 'a'.repeat(129)), 'RECORD_FIELD_INVALID', 'origin_id'],
    ['missing record_id', PENALTY, (r) => void (r.recordId = ''), 'RECORD_FIELD_MISSING', 'record_id'],
    ['too long record_id', PENALTY, (r) => void (r.recordId = 'r'.repeat(129)), 'RECORD_FIELD_INVALID', 'record_id'],
    ['missing version', PENALTY, (r) => void (r.version = 0), 'RECORD_FIELD_MISSING', 'version'],
    ['missing authority', PENALTY, (r) => void (r.authority = undefined), 'RECORD_FIELD_MISSING', 'authority.name'],
    ['missing authority.name', PENALTY, (r) => void (r.authority = { name: '', uscc: '' }), 'RECORD_FIELD_MISSING', 'authority.name'],
    ['missing decision_date', PENALTY, (r) => void (r.decisionDate = ''), 'RECORD_FIELD_MISSING', 'decision_date'],
    ['impossible decision_date 2026-02-30', PENALTY, (r) => void (r.decisionDate = '2026-02-30'), 'RECORD_FIELD_INVALID', 'decision_date'],
    ['decision_date as a timestamp', PENALTY, (r) => void (r.decisionDate = '2026-01-05T00:00:00Z'), 'RECORD_FIELD_INVALID', 'decision_date'],
    ['decision_date with slashes', PENALTY, (r) => void (r.decisionDate = '2026/01/05'), 'RECORD_FIELD_INVALID', 'decision_date'],
    ['decision_date before 1900', PENALTY, (r) => void (r.decisionDate = '1899-12-31'), 'RECORD_FIELD_INVALID', 'decision_date'],
    ['unset disclosure', PENALTY, (r) => void (r.disclosure = DisclosureClass.DISCLOSURE_CLASS_UNSPECIFIED), 'RECORD_FIELD_MISSING', 'disclosure'],
    ['unset status', PENALTY, (r) => void (r.status = RecordStatus.RECORD_STATUS_UNSPECIFIED), 'RECORD_FIELD_MISSING', 'status'],
    ['unknown disclosure 99', PENALTY, (r) => void (r.disclosure = 99 as DisclosureClass), 'RECORD_FIELD_INVALID', 'disclosure'],
    ['unknown status 99', PENALTY, (r) => void (r.status = 99 as RecordStatus), 'RECORD_FIELD_INVALID', 'status'],
    ['unknown subject.kind 99', PENALTY, (r) => void (r.subject!.kind = 99 as SubjectKind), 'RECORD_FIELD_INVALID', 'subject.kind'],
    ['negative version', PENALTY, (r) => void (r.version = -1), 'RECORD_FIELD_INVALID', 'version'],
    ['reported_at that is not a time', PENALTY, (r) => void (r.reportedAt = { seconds: NaN, nanos: 0 }), 'RECORD_FIELD_INVALID', 'reported_at'],
    ['missing subject', PENALTY, (r) => void (r.subject = undefined), 'RECORD_FIELD_MISSING', 'subject'],
    ['unset subject.kind', PENALTY, (r) => void (r.subject!.kind = SubjectKind.SUBJECT_KIND_UNSPECIFIED), 'RECORD_FIELD_MISSING', 'subject.kind'],
    ['empty subject.name', PENALTY, (r) => void (r.subject!.name = ''), 'RECORD_FIELD_MISSING', 'subject.name'],
    ['blank subject.name', PENALTY, (r) => void (r.subject!.name = ' \t '), 'RECORD_FIELD_MISSING', 'subject.name'],
    ['no identifiers', PENALTY, (r) => void (r.subject!.identifiers = []), 'RECORD_FIELD_MISSING', 'subject.identifiers'],
    [
      'identifier without a scheme',
      PENALTY,
      (r) => void (r.subject!.identifiers[0]!.scheme = IdentifierScheme.IDENTIFIER_SCHEME_UNSPECIFIED),
      'RECORD_FIELD_MISSING',
      'subject.identifiers[0].scheme',
    ],
    [
      'USCC with a wrong check character',
      PENALTY,
      (r) => void (r.subject!.identifiers[0]!.value = wrongCheck(r.subject!.identifiers[0]!.value)),
      'IDENTIFIER_INVALID',
      'subject.identifiers[0].value',
    ],
    [
      'second identifier (org code) too short',
      PENALTY,
      (r) => void (r.subject!.identifiers[1]!.value = '6000373'),
      'IDENTIFIER_INVALID',
      'subject.identifiers[1].value',
    ],
    ['unknown category 99', PENALTY, (r) => void (r.category = 99 as RecordCategory), 'RECORD_CATEGORY_UNKNOWN', 'category'],
    ['unset category', PENALTY, (r) => void (r.category = RecordCategory.RECORD_CATEGORY_UNSPECIFIED), 'RECORD_CATEGORY_UNKNOWN', 'category'],
    [
      'licence category with penalty details',
      PENALTY,
      (r) => void (r.category = RecordCategory.RECORD_CATEGORY_ADMINISTRATIVE_LICENCE),
      'RECORD_FIELD_INVALID',
      'details',
    ],
    [
      'penalty category with licence details',
      LICENCE,
      (r) => void (r.category = RecordCategory.RECORD_CATEGORY_ADMINISTRATIVE_PENALTY),
      'RECORD_FIELD_INVALID',
      'details',
    ],
    ['no details', PENALTY, (r) => void (r.details = undefined), 'RECORD_FIELD_MISSING', 'details.penalty'],
    ['penalty without decision number', PENALTY, (r) => void (penalty(r).decisionNumber = ''), 'RECORD_FIELD_MISSING', 'penalty.decision_number'],
    ['fine with a decimal comma', PENALTY, (r) => void (penalty(r).fineWanYuan = '1,5'), 'RECORD_FIELD_INVALID', 'penalty.fine_wan_yuan'],
    ['fine that is not a number', PENALTY, (r) => void (penalty(r).fineWanYuan = 'abc'), 'RECORD_FIELD_INVALID', 'penalty.fine_wan_yuan'],
    ['negative fine', PENALTY, (r) => void (penalty(r).fineWanYuan = '-1'), 'RECORD_FIELD_INVALID', 'penalty.fine_wan_yuan'],
    ['fine in exponent notation', PENALTY, (r) => void (penalty(r).fineWanYuan = '1e3'), 'RECORD_FIELD_INVALID', 'penalty.fine_wan_yuan'],
    ['fine with a trailing point', PENALTY, (r) => void (penalty(r).fineWanYuan = '1.'), 'RECORD_FIELD_INVALID', 'penalty.fine_wan_yuan'],
    [
      'confiscated amount that is not a number',
      PENALTY,
      (r) => void (penalty(r).confiscatedWanYuan = '一万'),
      'RECORD_FIELD_INVALID',
      'penalty.confiscated_wan_yuan',
    ],
    [
      'licence without decision document number',
      LICENCE,
      (r) => void (licence(r).decisionDocumentNumber = ''),
      'RECORD_FIELD_MISSING',
      'licence.decision_document_number',
    ],
    [
      'licence validity from after to',
      LICENCE,
      (r) => void (licence(r).validity = { from: '2026-03-02', to: '2026-03-01' }),
      'RECORD_FIELD_INVALID',
      'licence.validity',
    ],
    [
      'licence validity with an impossible date',
      LICENCE,
      (r) => void (licence(r).validity = { from: '2026-01-01', to: '2026-13-01' }),
      'RECORD_FIELD_INVALID',
      'licence.validity.to',
    ],
    [
      'publicity from after to',
      PENALTY,
      (r) => void (r.publicity = { from: '2027-01-01', to: '2026-01-01' }),
      'RECORD_FIELD_INVALID',
      'publicity',
    ],
  ];

  it.each(cases)('refuses %s', (_name, base, mutate, reason, field) => {
    const result = validateRecord(mutated(base, mutate), { requireVersion: true });
    expect(result.value).toBeUndefined();
    expect(result.error).toMatchObject({ reason, field });
    expect(result.error?.message).toEqual(expect.any(String));
  });

  it('does not require a version for local imports (the store assigns it)', () => {
    const noVersion = mutated(PENALTY, (r) => void (r.version = 0));
    expect(validateRecord(noVersion, { requireVersion: false })).toEqual({ value: canonical(noVersion) });
  });

  it.each([
    ['negative', -1],
    ['fractional', 1.5],
    ['unsafe', 2 ** 53],
  ])('refuses a %s version even when none is required', (_name, version) => {
    const record = mutated(PENALTY, (r) => void (r.version = version));
    expect(validateRecord(record, { requireVersion: false }).error).toMatchObject({ reason: 'RECORD_FIELD_INVALID', field: 'version' });
  });

  it.each(['0', '12', '12.5', '999999999999.123456'])('accepts the amount %s', (amount) => {
    const record = mutated(PENALTY, (r) => void (penalty(r).fineWanYuan = amount));
    expect(validateRecord(record, { requireVersion: true }).error).toBeUndefined();
  });

  it('accepts empty amounts (not given)', () => {
    const record = mutated(PENALTY, (r) => {
      penalty(r).fineWanYuan = '';
      penalty(r).confiscatedWanYuan = '';
    });
    expect(validateRecord(record, { requireVersion: true }).error).toBeUndefined();
  });

  it.each([
    ['from equal to to', { from: '2026-03-01', to: '2026-03-01' }],
    ['open-ended', { from: '2026-03-01', to: '' }],
    ['leap day', { from: '2024-02-29', to: '2029-02-28' }],
  ])('accepts a licence validity %s', (_name, validity) => {
    const record = mutated(LICENCE, (r) => void (licence(r).validity = validity));
    expect(validateRecord(record, { requireVersion: true }).error).toBeUndefined();
  });

  it('returns every identifier normalised: full-width, lower case, spaces and hyphens', () => {
    const [uscc, org] = PENALTY.subject!.identifiers.map((i) => i.value) as [string, string];
    const fullWidth = [...uscc].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('');
    const record = mutated(PENALTY, (r) => {
      r.subject!.identifiers[0]!.value = ` ${fullWidth.slice(0, 6)}\u3000${fullWidth.slice(6)} `;
      r.subject!.identifiers[1]!.value = org.toLowerCase().replace('-', ' – ');
    });
    const result = validateRecord(record, { requireVersion: true });
    expect(result.error).toBeUndefined();
    expect(result.value?.subject?.identifiers).toEqual([
      { scheme: IdentifierScheme.IDENTIFIER_SCHEME_USCC, value: uscc, masked: '' },
      { scheme: IdentifierScheme.IDENTIFIER_SCHEME_ORG_CODE, value: org.replace('-', ''), masked: '' },
    ]);
    // everything else is returned as given
    expect({ ...result.value, subject: undefined }).toEqual({ ...record, subject: undefined });
  });

  it('does not modify its input', () => {
    const record = mutated(PENALTY, (r) => void (r.subject!.identifiers[1]!.value = r.subject!.identifiers[1]!.value.toLowerCase()));
    const before = structuredClone(record);
    validateRecord(record, { requireVersion: true });
    expect(record).toEqual(before);
  });
});
