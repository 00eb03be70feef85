/**
 * Objections and joint-punishment feedback as a node holds them (migration
 * 0014), and the record they concern: held here, from whom, marked disputed.
 */
import type { Page } from '../../partners/page-token.js';
import { keyOf, pageOf, pageSizeOf } from './keyset-page.js';
import type { Queryable } from './queryable.js';

/** stored_at to the microsecond, as page tokens carry it (a JavaScript Date keeps milliseconds only). */
const storedUs = (alias: string) => `to_char(${alias}.stored_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS stored_us`;

export interface ObjectionRow {
  readonly objectionId: string;
  readonly originId: string;
  readonly recordId: string;
  readonly version: number;
  readonly filedAt: string;
  readonly complainant: string;
  readonly reason: string;
  readonly filedTime: Date;
  readonly state: number;
  readonly outcome: number;
  readonly resolution: string;
  readonly resolvedTime: Date | null;
  readonly receivedFrom: string;
  readonly forwardedTo: string;
  /** Whether `forwardedTo` acknowledged it (nothing left in the queue). */
  readonly forwarded: boolean;
  /** At the origin: the record's version once marked disputed; null elsewhere. */
  readonly originVersion: number | null;
}

export interface FeedbackRow {
  readonly feedbackId: string;
  readonly originId: string;
  readonly recordId: string;
  readonly reportedBy: string;
  readonly measure: string;
  readonly appliedOn: string;
  readonly reportedTime: Date;
  readonly receivedFrom: string;
  readonly forwardedTo: string;
  readonly forwarded: boolean;
}

/** A record held here, as an objection or a feedback needs it. */
export interface HeldRecord {
  readonly originId: string;
  readonly version: number;
  readonly status: number;
  readonly category: number;
  readonly disclosure: number;
  /** The partner it came from; 'local' for this node's own records. */
  readonly receivedFrom: string;
}

/** The records held with this id (of `originId`, or of any origin when empty). */
export async function heldRecords(q: Queryable, originId: string, recordId: string): Promise<HeldRecord[]> {
  const { rows } = await q.query<{ origin_id: string; version: string; status: number; category: number; disclosure: number; received_from: string }>(
    `SELECT origin_id, version, status, category, disclosure, received_from FROM records WHERE record_id = $1 AND ($2 = '' OR origin_id = $2) ORDER BY origin_id`,
    [recordId, originId],
  );
  return rows.map((r) => ({ originId: r.origin_id, version: Number(r.version), status: r.status, category: r.category, disclosure: r.disclosure, receivedFrom: r.received_from }));
}

/** Marks a record in force disputed (status 2) at this node; its version is unchanged. */
export async function markDisputed(tx: Queryable, originId: string, recordId: string): Promise<void> {
  await tx.query(`UPDATE records SET status = 2 WHERE origin_id = $1 AND record_id = $2 AND status = 1`, [originId, recordId]);
}

/** Stores an objection; false when one with its id is held already (nothing changes). */
export async function insertObjection(tx: Queryable, o: Omit<ObjectionRow, 'forwarded' | 'state' | 'outcome' | 'resolution' | 'resolvedTime' | 'originVersion'>): Promise<boolean> {
  const { rowCount } = await tx.query(
    `INSERT INTO objections (objection_id, origin_id, record_id, version, filed_at, complainant, reason, filed_time, received_from, forwarded_to)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (objection_id) DO NOTHING`,
    [o.objectionId, o.originId, o.recordId, o.version, o.filedAt, o.complainant, o.reason, o.filedTime, o.receivedFrom, o.forwardedTo],
  );
  return rowCount === 1;
}

/** At the origin: the record's version once the objection marked it disputed. */
export async function setOriginVersion(tx: Queryable, objectionId: string, version: number): Promise<void> {
  await tx.query(`UPDATE objections SET origin_version = $2 WHERE objection_id = $1`, [objectionId, version]);
}

const OBJECTION_COLUMNS = `o.objection_id, o.origin_id, o.record_id, o.version, o.filed_at, o.complainant, o.reason, o.filed_time, o.state,
  o.outcome, o.resolution, o.resolved_time, o.received_from, o.forwarded_to, o.origin_version, ${storedUs('o')},
  NOT EXISTS (SELECT 1 FROM upstream_queue q WHERE q.kind = 'objection' AND q.message_id = o.objection_id) AS forwarded`;

type ObjectionDbRow = {
  objection_id: string;
  origin_id: string;
  record_id: string;
  version: string;
  filed_at: string;
  complainant: string;
  reason: string;
  filed_time: Date;
  state: number;
  outcome: number;
  resolution: string;
  resolved_time: Date | null;
  received_from: string;
  forwarded_to: string;
  origin_version: string | null;
  stored_us: string;
  forwarded: boolean;
};

function objectionOf(r: ObjectionDbRow): ObjectionRow {
  return {
    objectionId: r.objection_id,
    originId: r.origin_id,
    recordId: r.record_id,
    version: Number(r.version),
    filedAt: r.filed_at,
    complainant: r.complainant,
    reason: r.reason,
    filedTime: r.filed_time,
    state: r.state,
    outcome: r.outcome,
    resolution: r.resolution,
    resolvedTime: r.resolved_time,
    receivedFrom: r.received_from,
    forwardedTo: r.forwarded_to,
    forwarded: r.forwarded_to === '' || r.forwarded,
    originVersion: r.origin_version === null ? null : Number(r.origin_version),
  };
}

/** One objection, locked for the transaction when `lock`. */
export async function getObjection(q: Queryable, objectionId: string, lock = false): Promise<ObjectionRow | undefined> {
  const { rows } = await q.query<ObjectionDbRow>(`SELECT ${OBJECTION_COLUMNS} FROM objections o WHERE o.objection_id = $1 ${lock ? 'FOR UPDATE OF o' : ''}`, [objectionId]);
  return rows[0] ? objectionOf(rows[0]) : undefined;
}

const LISTED_KEY = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z\|[0-9a-f-]{36}$/;


/** Objections, newest stored first; `state` 0: all. */
export async function listObjections(q: Queryable, state: number, page: { pageSize?: number; pageToken?: string }): Promise<Page<ObjectionRow>> {
  const size = pageSizeOf(page.pageSize);
  const [at, id] = page.pageToken ? keyOf(page.pageToken, (k) => LISTED_KEY.test(k)).split('|') : [null, null];
  const { rows } = await q.query<ObjectionDbRow>(
    `SELECT ${OBJECTION_COLUMNS} FROM objections o
      WHERE ($1::smallint = 0 OR o.state = $1) AND ($2::timestamptz IS NULL OR (o.stored_at, o.objection_id) < ($2::timestamptz, $3::uuid))
      ORDER BY o.stored_at DESC, o.objection_id DESC LIMIT $4`,
    [state, at, id, size + 1],
  );
  const stored = new Map(rows.map((r) => [r.objection_id, r.stored_us]));
  return pageOf(rows, size, objectionOf, (o) => `${stored.get(o.objectionId)!}|${o.objectionId}`);
}

/**
 * Closes an open objection with the origin's outcome, carried by a version
 * of the record it concerns (a version of another record closes nothing).
 */
export async function closeObjection(tx: Queryable, o: { objectionId: string; originId: string; recordId: string; outcome: number; resolution: string }): Promise<void> {
  await tx.query(
    `UPDATE objections SET state = 2, outcome = $4, resolution = $5, resolved_time = now()
      WHERE objection_id = $1 AND origin_id = $2 AND record_id = $3 AND state = 1`,
    [o.objectionId, o.originId, o.recordId, o.outcome, o.resolution],
  );
}

/** Open objections to a record other than `except`. */
export async function otherOpenObjections(q: Queryable, originId: string, recordId: string, except: string): Promise<number> {
  const { rows } = await q.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM objections WHERE origin_id = $1 AND record_id = $2 AND state = 1 AND objection_id <> $3`,
    [originId, recordId, except],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Stores feedback; false when one with its id is held already. */
export async function insertFeedback(tx: Queryable, f: Omit<FeedbackRow, 'forwarded'>): Promise<boolean> {
  const { rowCount } = await tx.query(
    `INSERT INTO feedback (feedback_id, origin_id, record_id, reported_by, measure, applied_on, reported_time, received_from, forwarded_to)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (feedback_id) DO NOTHING`,
    [f.feedbackId, f.originId, f.recordId, f.reportedBy, f.measure, f.appliedOn, f.reportedTime, f.receivedFrom, f.forwardedTo],
  );
  return rowCount === 1;
}

type FeedbackDbRow = {
  feedback_id: string;
  origin_id: string;
  record_id: string;
  reported_by: string;
  measure: string;
  applied_on: string;
  reported_time: Date;
  received_from: string;
  forwarded_to: string;
  stored_us: string;
  forwarded: boolean;
};

const FEEDBACK_COLUMNS = `f.feedback_id, f.origin_id, f.record_id, f.reported_by, f.measure, to_char(f.applied_on, 'YYYY-MM-DD') AS applied_on, f.reported_time,
  f.received_from, f.forwarded_to, ${storedUs('f')},
  NOT EXISTS (SELECT 1 FROM upstream_queue q WHERE q.kind = 'feedback' AND q.message_id = f.feedback_id) AS forwarded`;

function feedbackOf(r: FeedbackDbRow): FeedbackRow {
  return {
    feedbackId: r.feedback_id,
    originId: r.origin_id,
    recordId: r.record_id,
    reportedBy: r.reported_by,
    measure: r.measure,
    appliedOn: r.applied_on,
    reportedTime: r.reported_time,
    receivedFrom: r.received_from,
    forwardedTo: r.forwarded_to,
    forwarded: r.forwarded_to === '' || r.forwarded,
  };
}

export async function getFeedback(q: Queryable, feedbackId: string): Promise<FeedbackRow | undefined> {
  const { rows } = await q.query<FeedbackDbRow>(`SELECT ${FEEDBACK_COLUMNS} FROM feedback f WHERE f.feedback_id = $1`, [feedbackId]);
  return rows[0] ? feedbackOf(rows[0]) : undefined;
}

/** Feedback, newest stored first; about one record id when given. */
export async function listFeedback(q: Queryable, recordId: string, page: { pageSize?: number; pageToken?: string }): Promise<Page<FeedbackRow>> {
  const size = pageSizeOf(page.pageSize);
  const [at, id] = page.pageToken ? keyOf(page.pageToken, (k) => LISTED_KEY.test(k)).split('|') : [null, null];
  const { rows } = await q.query<FeedbackDbRow>(
    `SELECT ${FEEDBACK_COLUMNS} FROM feedback f
      WHERE ($1 = '' OR f.record_id = $1) AND ($2::timestamptz IS NULL OR (f.stored_at, f.feedback_id) < ($2::timestamptz, $3::uuid))
      ORDER BY f.stored_at DESC, f.feedback_id DESC LIMIT $4`,
    [recordId, at, id, size + 1],
  );
  const stored = new Map(rows.map((r) => [r.feedback_id, r.stored_us]));
  return pageOf(rows, size, feedbackOf, (f) => `${stored.get(f.feedbackId)!}|${f.feedbackId}`);
}
