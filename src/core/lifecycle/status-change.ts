/**
 * Credit repair (信用修复) and revocation at a record's origin (issue 8,
 * point 3; DESIGN.md 2.3): the rules a change must meet and the version that
 * carries it. Pure: the caller reads the record and stores the new version.
 *
 * - Only the origin changes a record's status, and only a record in force
 *   (active or disputed).
 * - A repair needs a credit commitment and applies to negative records only
 *   (penalties, dishonesty lists, dishonest debtors, key attention), once
 *   their minimum publicity has passed: `lifecycle.repairMinimum`, months
 *   from the decision date, DEFAULT_REPAIR_MINIMUM per the NDRC 信用修复管理办法.
 * - A revocation (the decision was withdrawn or annulled) applies to any
 *   record at any time.
 */
import { CATEGORY_NAMES } from '../agreements/agreement.js';
import { CredfedError } from '../errors.js';
import { parseCalendarDate } from '../records/calendar-date.js';
import { ObjectionOutcome, RecordCategory, RecordStatus, type CreditRecord } from '../../gen/credfed/v1/record.js';
import { severityOf, type PublicityLimit, type PublicityRule } from './publicity.js';

/** Minimum months from the decision date before a repair: general penalties 3, serious ones (and those of no stated severity) and dishonesty-list entries 12; minor penalties, key attention and dishonest debtors at any time. */
export const DEFAULT_REPAIR_MINIMUM: readonly PublicityRule[] = [
  { category: 'administrative_penalty', severity: 'minor', months: 0 },
  { category: 'administrative_penalty', severity: 'general', months: 3 },
  { category: 'administrative_penalty', severity: 'serious', months: 12 },
  { category: 'administrative_penalty', months: 12 },
  { category: 'dishonesty_list', months: 12 },
];

/** Categories a repair applies to: the negative ones. */
const REPAIRABLE: readonly RecordCategory[] = [
  RecordCategory.RECORD_CATEGORY_ADMINISTRATIVE_PENALTY,
  RecordCategory.RECORD_CATEGORY_DISHONESTY_LIST,
  RecordCategory.RECORD_CATEGORY_DISHONEST_DEBTOR,
  RecordCategory.RECORD_CATEGORY_KEY_ATTENTION,
];

const IN_FORCE: readonly RecordStatus[] = [RecordStatus.RECORD_STATUS_ACTIVE, RecordStatus.RECORD_STATUS_DISPUTED];
export const MAX_REASON = 500;
const MAX_REF = 200;

export interface StatusChangeAsk {
  readonly status: RecordStatus;
  readonly reason: string;
  readonly commitmentRef: string;
  /** "YYYY-MM-DD"; empty: today. */
  readonly decidedOn: string;
  readonly decidedBy: string;
}

export interface StatusChangeContext {
  readonly nodeId: string;
  /** Today in Asia/Shanghai, "YYYY-MM-DD". */
  readonly today: string;
  /** `publicityLimits(lifecycle.repairMinimum)`. */
  readonly repairMinimum: readonly PublicityLimit[];
}

/**
 * Checks the request alone (before any record is read): ADMIN_REQUEST_INVALID
 * naming the field.
 */
export function checkStatusChangeAsk(ask: StatusChangeAsk, today: string): string {
  const isRepair = ask.status === RecordStatus.RECORD_STATUS_REPAIRED;
  if (!isRepair && ask.status !== RecordStatus.RECORD_STATUS_REVOKED) invalid('status: expected REPAIRED or REVOKED');
  const reason = ask.reason.trim();
  if (!reason) invalid('reason: required (why the record is repaired or revoked)');
  if (reason.length > MAX_REASON) invalid(`reason: at most ${MAX_REASON} characters`);
  if (isRepair && !ask.commitmentRef.trim()) invalid("commitment_ref: a repair needs the reference of the subject's credit commitment");
  if (ask.commitmentRef.length > MAX_REF) invalid(`commitment_ref: at most ${MAX_REF} characters`);
  if (!isRepair && ask.commitmentRef) invalid('commitment_ref: only a repair names a credit commitment');
  const decidedOn = ask.decidedOn || today;
  const parsed = parseCalendarDate(decidedOn);
  if (parsed.error) invalid(`decided_on: ${parsed.error}`);
  if (decidedOn > today) invalid(`decided_on: ${decidedOn} is in the future (today is ${today} in Asia/Shanghai)`);
  return decidedOn;
}

/**
 * The next version of `record` carrying the change; throws NOT_ORIGIN or
 * RECORD_STATUS_REFUSED naming the rule (and, for an early repair, the first
 * day it is allowed).
 */
export function changeStatus(record: CreditRecord, ask: StatusChangeAsk, ctx: StatusChangeContext): CreditRecord {
  const decidedOn = checkStatusChangeAsk(ask, ctx.today);
  const ref = `${record.originId}/${record.recordId}`;
  if (record.originId !== ctx.nodeId) {
    throw new CredfedError('NOT_ORIGIN', `record ${ref} originated at "${record.originId}": only its origin repairs or revokes it`, { origin: record.originId });
  }
  if (!IN_FORCE.includes(record.status)) {
    throw new CredfedError('RECORD_STATUS_REFUSED', `record ${ref} is ${statusName(record.status)}, no longer in force`, { status: statusName(record.status) });
  }
  if (decidedOn < record.decisionDate) invalid(`decided_on: ${decidedOn} is before the record's decision date ${record.decisionDate}`);
  if (ask.status === RecordStatus.RECORD_STATUS_REPAIRED) checkRepair(record, decidedOn, ctx.repairMinimum, ref);
  return {
    ...record,
    version: record.version + 1,
    status: ask.status,
    statusChange: {
      previous: record.status,
      decidedOn,
      reason: ask.reason.trim(),
      commitmentRef: ask.commitmentRef.trim(),
      decidedBy: ask.decidedBy,
      objectionId: '',
      outcome: ObjectionOutcome.OBJECTION_OUTCOME_UNSPECIFIED,
    },
  };
}

function checkRepair(record: CreditRecord, decidedOn: string, minimum: readonly PublicityLimit[], ref: string): void {
  const category = CATEGORY_NAMES[record.category - 1] ?? `category ${record.category}`;
  if (!REPAIRABLE.includes(record.category)) {
    throw new CredfedError('RECORD_STATUS_REFUSED', `record ${ref} is a ${category}: only negative records are repaired (revoke it if the decision was withdrawn)`, {
      category,
    });
  }
  const limit = minimum.find((l) => l.category === record.category && l.severity === severityOf(record));
  if (!limit || limit.months === 0) return;
  const earliest = addMonths(record.decisionDate, limit.months);
  if (decidedOn < earliest) {
    throw new CredfedError(
      'RECORD_STATUS_REFUSED',
      `record ${ref} (${category}, decided ${record.decisionDate}) may be repaired from ${earliest}, after its minimum publicity of ${limit.months} months`,
      { earliest, months: limit.months },
    );
  }
}

/** A calendar date plus whole months, the day clamped to the month's last (2026-01-31 + 1 → 2026-02-28). */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const first = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d, last));
  return first.toISOString().slice(0, 10);
}

function statusName(status: RecordStatus): string {
  return (RecordStatus[status] ?? String(status)).replace('RECORD_STATUS_', '').toLowerCase();
}

function invalid(message: string): never {
  throw new CredfedError('ADMIN_REQUEST_INVALID', message);
}
