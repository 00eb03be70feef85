import type { CreditRecord, DateRange } from '../../gen/credfed/v1/record.js';
import { DisclosureClass, RecordCategory, RecordStatus } from '../../gen/credfed/v1/record.js';
import { SubjectKind } from '../../gen/credfed/v1/subject.js';
import type { ErrorCode } from '../errors.js';
import { validateIdentifier } from '../ids/index.js';
import { err, ok, type Result } from '../result.js';
import { parseCalendarDate } from './calendar-date.js';
import { coreScheme } from './identifier-scheme.js';

/** Why a record was refused: a catalogue code, the field at fault and a readable message. */
export interface RecordProblem {
  readonly reason: ErrorCode;
  readonly field: string;
  readonly message: string;
}

/** The `details` case each category must carry. */
const DETAILS_CASE: ReadonlyMap<RecordCategory, NonNullable<CreditRecord['details']>['$case']> = new Map([
  [RecordCategory.RECORD_CATEGORY_ADMINISTRATIVE_LICENCE, 'licence'],
  [RecordCategory.RECORD_CATEGORY_ADMINISTRATIVE_PENALTY, 'penalty'],
  [RecordCategory.RECORD_CATEGORY_DISHONESTY_LIST, 'dishonestyList'],
  [RecordCategory.RECORD_CATEGORY_DISHONEST_DEBTOR, 'dishonestDebtor'],
  [RecordCategory.RECORD_CATEGORY_RED_LIST, 'redList'],
  [RecordCategory.RECORD_CATEGORY_KEY_ATTENTION, 'keyAttention'],
  [RecordCategory.RECORD_CATEGORY_CREDIT_COMMITMENT, 'commitment'],
  [RecordCategory.RECORD_CATEGORY_CREDIT_EVALUATION, 'evaluation'],
]);

const MAX_ID_LENGTH = 128;
const MAX_TEXT_LENGTH = 8192;
const DECIMAL = /^\d{1,12}(\.\d{1,6})?$/;
const KNOWN = <T extends number>(values: Record<string, string | number>, v: T): boolean =>
  v > 0 && Object.values(values).includes(v);
const MAX_NANOS = 999_999_999;

const missing = (field: string): RecordProblem => ({
  reason: 'RECORD_FIELD_MISSING',
  field,
  message: `${field} is required`,
});
const invalid = (field: string, message: string): RecordProblem => ({
  reason: 'RECORD_FIELD_INVALID',
  field,
  message: `${field}: ${message}`,
});

/**
 * Checks a record against the contract's rules and returns it with every
 * identifier normalised, or the first problem found. Pure: no I/O.
 * `requireVersion` is false for local imports, where the gateway assigns versions.
 */
export function validateRecord(
  record: CreditRecord,
  opts: { requireVersion: boolean },
): Result<CreditRecord, RecordProblem> {
  const problem = envelopeProblem(record, opts) ?? detailsProblem(record);
  if (problem) return err(problem);
  const subject = checkSubject(record);
  if (subject.error) return err(subject.error);
  const same = subject.value.every((value, i) => value === record.subject!.identifiers[i]!.value);
  if (same) return ok(record);
  const identifiers = record.subject!.identifiers.map((id, i) => ({ ...id, value: subject.value[i]! }));
  return ok({ ...record, subject: { ...record.subject!, identifiers } });
}

function envelopeProblem(r: CreditRecord, opts: { requireVersion: boolean }): RecordProblem | undefined {
  if (!r.originId) return missing('origin_id');
  if (r.originId.length > MAX_ID_LENGTH) return invalid('origin_id', `longer than ${MAX_ID_LENGTH} characters`);
  if (!r.recordId) return missing('record_id');
  if (r.recordId.length > MAX_ID_LENGTH) return invalid('record_id', `longer than ${MAX_ID_LENGTH} characters`);
  if (!Number.isSafeInteger(r.version) || r.version < 0) return invalid('version', 'must be a positive whole number');
  if (opts.requireVersion && r.version === 0) return missing('version');
  if (!KNOWN(RecordCategory, r.category)) {
    return { reason: 'RECORD_CATEGORY_UNKNOWN', field: 'category', message: `category ${r.category} is unknown` };
  }
  if (!r.authority?.name) return missing('authority.name');
  if (!r.decisionDate) return missing('decision_date');
  const decision = parseCalendarDate(r.decisionDate);
  if (decision.error) return invalid('decision_date', decision.error);
  const disclosure = enumProblem('disclosure', DisclosureClass, r.disclosure);
  if (disclosure) return disclosure;
  const status = enumProblem('status', RecordStatus, r.status);
  if (status) return status;
  if (r.reportedAt) {
    const { seconds, nanos } = r.reportedAt;
    if (!Number.isSafeInteger(seconds) || !Number.isInteger(nanos) || nanos < 0 || nanos > MAX_NANOS) {
      return invalid('reported_at', 'expected an RFC 3339 timestamp such as "2026-10-01T08:00:00Z"');
    }
  }
  return dateRangeProblem('publicity', r.publicity);
}

/** Checks the subject; returns its identifiers' normalised values, in order. */
function checkSubject(r: CreditRecord): Result<string[], RecordProblem> {
  const s = r.subject;
  if (!s) return err(missing('subject'));
  const problem = subjectEnvelopeProblem(s);
  if (problem) return err(problem);
  const normalized: string[] = [];
  for (const [i, id] of s.identifiers.entries()) {
    const field = `subject.identifiers[${i}]`;
    const scheme = coreScheme(id.scheme);
    if (!scheme) return err(missing(`${field}.scheme`));
    const checked = validateIdentifier(scheme, id.value);
    if (checked.error) return err({ reason: 'IDENTIFIER_INVALID', field: `${field}.value`, message: checked.error.message });
    normalized.push(checked.value.normalized);
  }
  return ok(normalized);
}

function subjectEnvelopeProblem(s: NonNullable<CreditRecord['subject']>): RecordProblem | undefined {
  const kind = enumProblem('subject.kind', SubjectKind, s.kind);
  if (kind) return kind;
  if (!s.name.trim()) return missing('subject.name');
  if (s.name.length > MAX_TEXT_LENGTH) return invalid('subject.name', 'too long');
  if (s.identifiers.length === 0) return missing('subject.identifiers');
  return undefined;
}

function detailsProblem(r: CreditRecord): RecordProblem | undefined {
  const expected = DETAILS_CASE.get(r.category);
  if (!r.details) return missing(`details.${expected}`);
  if (r.details.$case !== expected) {
    return invalid('details', `category ${RecordCategory[r.category]} needs ${expected} details, found ${r.details.$case}`);
  }
  const d = r.details;
  switch (d.$case) {
    case 'licence':
      if (!d.value.decisionDocumentNumber) return missing('licence.decision_document_number');
      return dateRangeProblem('licence.validity', d.value.validity);
    case 'penalty':
      if (!d.value.decisionNumber) return missing('penalty.decision_number');
      return decimalProblem('penalty.fine_wan_yuan', d.value.fineWanYuan) ??
        decimalProblem('penalty.confiscated_wan_yuan', d.value.confiscatedWanYuan);
    case 'dishonestyList':
      if (!d.value.listName) return missing('dishonesty_list.list_name');
      return dateProblem('dishonesty_list.listed_on', d.value.listedOn) ??
        dateProblem('dishonesty_list.removal_date', d.value.removalDate);
    case 'dishonestDebtor':
      if (!d.value.court) return missing('dishonest_debtor.court');
      if (!d.value.caseNumber) return missing('dishonest_debtor.case_number');
      return dateProblem('dishonest_debtor.listed_on', d.value.listedOn);
    case 'redList':
      if (!d.value.title) return missing('red_list.title');
      return dateRangeProblem('red_list.validity', d.value.validity);
    case 'keyAttention':
      if (!d.value.reason) return missing('key_attention.reason');
      return dateRangeProblem('key_attention.period', d.value.period);
    case 'commitment':
      if (!d.value.content) return missing('commitment.content');
      return undefined;
    case 'evaluation':
      if (!d.value.grade) return missing('evaluation.grade');
      return dateProblem('evaluation.valid_to', d.value.validTo);
  }
}

/** 0 (unset) is missing; any other value outside the enumeration is invalid. */
function enumProblem(field: string, values: Record<string, string | number>, v: number): RecordProblem | undefined {
  if (v === 0) return missing(field);
  return KNOWN(values, v) ? undefined : invalid(field, `${v} is not a known value`);
}

function dateProblem(field: string, value: string): RecordProblem | undefined {
  if (!value) return undefined;
  const parsed = parseCalendarDate(value);
  return parsed.error ? invalid(field, parsed.error) : undefined;
}

function dateRangeProblem(field: string, range: DateRange | undefined): RecordProblem | undefined {
  if (!range) return undefined;
  const problem = dateProblem(`${field}.from`, range.from) ?? dateProblem(`${field}.to`, range.to);
  if (problem) return problem;
  if (range.from && range.to && range.from > range.to) return invalid(field, `from ${range.from} is after to ${range.to}`);
  return undefined;
}

function decimalProblem(field: string, value: string): RecordProblem | undefined {
  if (!value) return undefined;
  return DECIMAL.test(value) ? undefined : invalid(field, `expected a decimal amount such as "1.5", found "${value}"`);
}
