/**
 * Objections (异议) and joint-punishment feedback (联合奖惩反馈), issue 8: what
 * a filing, a resolution and a feedback report must hold, and the record
 * version that carries an objection's outcome. Pure.
 *
 * - An objection is filed at any platform holding the record and travels
 *   hop by hop to the record's origin; only the origin resolves it.
 * - Upheld: the record stands (active again). Corrected: the corrected
 *   content must have been imported since the objection (a newer version).
 *   Revoked: the record leaves verdicts everywhere.
 * - The resolution is the record's next version, whose status change names
 *   the objection and its outcome, so it travels wherever the record goes.
 */
import { CredfedError, type ErrorCode } from '../errors.js';
import { parseCalendarDate } from '../records/calendar-date.js';
import { ObjectionOutcome, RecordStatus, type CreditRecord } from '../../gen/credfed/v1/record.js';
import { MAX_REASON } from '../lifecycle/status-change.js';

const MAX_COMPLAINANT = 200;
const MAX_ID = 200;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const IN_FORCE: readonly RecordStatus[] = [RecordStatus.RECORD_STATUS_ACTIVE, RecordStatus.RECORD_STATUS_DISPUTED];

export interface ObjectionAsk {
  readonly originId: string;
  readonly recordId: string;
  readonly complainant: string;
  readonly reason: string;
}

/** Checks a filing (here or passed on): OBJECTION_INVALID naming the field. */
export function checkObjectionAsk(ask: ObjectionAsk, opts: { originRequired: boolean }): void {
  const bad = (m: string) => fail('OBJECTION_INVALID', m);
  if (!ask.recordId.trim()) bad('record_id: required');
  if (ask.recordId.length > MAX_ID) bad(`record_id: at most ${MAX_ID} characters`);
  if (opts.originRequired && !ask.originId.trim()) bad('origin_id: required');
  if (ask.originId.length > MAX_ID) bad(`origin_id: at most ${MAX_ID} characters`);
  if (!ask.reason.trim()) bad('reason: required (why the record is wrong)');
  if (ask.reason.length > MAX_REASON) bad(`reason: at most ${MAX_REASON} characters`);
  if (ask.complainant.length > MAX_COMPLAINANT) bad(`complainant: at most ${MAX_COMPLAINANT} characters`);
}

const NODE_ID = /^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$/;

/** Checks a platform's node id named in a message passed on (where it was filed or reported). */
export function checkNodeId(code: 'OBJECTION_INVALID' | 'FEEDBACK_INVALID', field: string, id: string): void {
  if (!NODE_ID.test(id)) fail(code, `${field}: expected a node id, found ${JSON.stringify(id.slice(0, 70))}`);
}

/** Checks an id assigned where a message was filed. */
export function checkMessageId(code: 'OBJECTION_INVALID' | 'FEEDBACK_INVALID', field: string, id: string): void {
  if (!UUID.test(id)) fail(code, `${field}: expected a UUID, found ${JSON.stringify(id.slice(0, 40))}`);
}

export interface FeedbackAsk {
  readonly originId: string;
  readonly recordId: string;
  readonly measure: string;
  /** "YYYY-MM-DD"; empty: today. */
  readonly appliedOn: string;
}

/** Checks a feedback report; returns the date applied. FEEDBACK_INVALID naming the field. */
export function checkFeedbackAsk(ask: FeedbackAsk, today: string): string {
  const bad = (m: string) => fail('FEEDBACK_INVALID', m);
  if (!ask.originId.trim()) bad('origin_id: required');
  if (!ask.recordId.trim()) bad('record_id: required');
  if (ask.originId.length > MAX_ID || ask.recordId.length > MAX_ID) bad(`origin_id, record_id: at most ${MAX_ID} characters`);
  if (!ask.measure.trim()) bad('measure: required (the measure applied, e.g. 限制参加政府采购)');
  if (ask.measure.length > MAX_REASON) bad(`measure: at most ${MAX_REASON} characters`);
  const on = ask.appliedOn || today;
  const parsed = parseCalendarDate(on);
  if (parsed.error) bad(`applied_on: ${parsed.error}`);
  if (on > today) bad(`applied_on: ${on} is in the future (today is ${today} in Asia/Shanghai)`);
  return on;
}

/**
 * The version marking a record in force disputed at its origin when an
 * objection reaches it: status DISPUTED, the objection named, no outcome yet.
 */
export function disputedVersion(record: CreditRecord, o: { objectionId: string; reason: string; filedAt: string; today: string }): CreditRecord {
  return {
    ...record,
    version: record.version + 1,
    status: RecordStatus.RECORD_STATUS_DISPUTED,
    statusChange: {
      previous: record.status,
      decidedOn: o.today,
      reason: o.reason.trim(),
      commitmentRef: '',
      decidedBy: `objection/${o.filedAt}`,
      objectionId: o.objectionId,
      outcome: ObjectionOutcome.OBJECTION_OUTCOME_UNSPECIFIED,
    },
  };
}

export interface Resolution {
  readonly objectionId: string;
  /** The version held when the objection reached the origin (after marking it disputed): a correction is a later one. */
  readonly objectedVersion: number;
  /** Other objections to the record are still open: an upheld or corrected record stays disputed. */
  readonly othersOpen?: boolean;
  readonly outcome: ObjectionOutcome;
  readonly reason: string;
  readonly decidedBy: string;
  /** Today in Asia/Shanghai. */
  readonly today: string;
}

/** The outcomes an origin may give. */
export const OUTCOMES: readonly ObjectionOutcome[] = [ObjectionOutcome.OBJECTION_OUTCOME_UPHELD, ObjectionOutcome.OBJECTION_OUTCOME_CORRECTED, ObjectionOutcome.OBJECTION_OUTCOME_REVOKED];

/**
 * The record's next version carrying the outcome; throws OBJECTION_INVALID
 * (outcome, reason) or RECORD_STATUS_REFUSED (no longer in force; a
 * correction not imported yet).
 */
export function resolvingVersion(record: CreditRecord, r: Resolution): CreditRecord {
  if (!OUTCOMES.includes(r.outcome)) fail('OBJECTION_INVALID', 'outcome: expected UPHELD, CORRECTED or REVOKED');
  if (!r.reason.trim()) fail('OBJECTION_INVALID', 'reason: required (why the objection is resolved so)');
  if (r.reason.length > MAX_REASON) fail('OBJECTION_INVALID', `reason: at most ${MAX_REASON} characters`);
  const ref = `${record.originId}/${record.recordId}`;
  if (!IN_FORCE.includes(record.status)) fail('RECORD_STATUS_REFUSED', `record ${ref} is no longer in force: the objection cannot change it (it is closed with the record's next version only)`);
  if (r.outcome === ObjectionOutcome.OBJECTION_OUTCOME_CORRECTED && record.version <= r.objectedVersion) {
    fail('RECORD_STATUS_REFUSED', `record ${ref} is still version ${record.version}, the one objected to: import the corrected record first, then resolve as corrected`);
  }
  const revoked = r.outcome === ObjectionOutcome.OBJECTION_OUTCOME_REVOKED;
  return {
    ...record,
    version: record.version + 1,
    status: revoked ? RecordStatus.RECORD_STATUS_REVOKED : r.othersOpen ? RecordStatus.RECORD_STATUS_DISPUTED : RecordStatus.RECORD_STATUS_ACTIVE,
    statusChange: {
      previous: record.status,
      decidedOn: r.today,
      reason: r.reason.trim(),
      commitmentRef: '',
      decidedBy: r.decidedBy,
      objectionId: r.objectionId,
      outcome: r.outcome,
    },
  };
}

function fail(code: ErrorCode, message: string): never {
  throw new CredfedError(code, message);
}
