/**
 * Objections and joint-punishment feedback at one node (issue 8, point 2 and
 * point 4's ReportFeedback): filed or reported here, or passed on by the
 * partner a record was sent to; stored, and queued for the partner the record
 * came from until the origin has it (src/lifecycle/upstream-sender.ts passes
 * them on). The origin resolves an objection with the record's next version,
 * which carries the outcome to every platform the record goes to.
 */
import { randomUUID } from 'node:crypto';
import type { NodeConfig } from '../config/node-config.js';
import { pushPartnerIds } from '../config/node-config.js';
import type { Clock } from '../core/clock.js';
import { CredfedError } from '../core/errors.js';
import { shanghaiDate } from '../core/lifecycle/publicity.js';
import { checkFeedbackAsk, checkMessageId, checkNodeId, checkObjectionAsk, disputedVersion, resolvingVersion, type FeedbackAsk, type ObjectionAsk } from '../core/objections/objection-rules.js';
import { RecordStatus, type CreditRecord, type ObjectionOutcome } from '../gen/credfed/v1/record.js';
import { applyRecords } from '../store/repos/apply-records.js';
import {
  getFeedback,
  getObjection,
  heldRecords,
  insertFeedback,
  insertObjection,
  markDisputed,
  type FeedbackRow,
  type HeldRecord,
  type ObjectionRow,
  otherOpenObjections,
  setOriginVersion,
} from '../store/repos/objections-repo.js';
import type { Queryable } from '../store/repos/queryable.js';
import { lockRecord } from '../store/repos/record-by-key.js';
import { enqueueUpstream } from '../store/repos/upstream-queue-repo.js';
import type { Store } from '../store/store.js';

export interface ObjectionDeps {
  readonly config: NodeConfig;
  readonly store: Store;
  readonly clock: Clock;
  /** Wakes the upstream sender (something was queued). */
  readonly notify?: () => void;
  /** Wakes the push senders (a resolution was queued in the outbox). */
  readonly notifyOutbox?: () => void;
}

/** An objection as it is stored: as filed, and where it came from. */
type NewObjection = Omit<ObjectionRow, 'forwardedTo' | 'forwarded' | 'state' | 'outcome' | 'resolution' | 'resolvedTime' | 'originVersion'>;

/** Files an objection here for a subject or its agent: stored, the record marked disputed, queued towards its origin. */
export async function fileObjection(deps: ObjectionDeps, ask: ObjectionAsk): Promise<ObjectionRow> {
  checkObjectionAsk(ask, { originRequired: false });
  const id = randomUUID();
  await deps.store.transaction(async (tx) => {
    const held = await heldRecord(tx, ask.originId.trim(), ask.recordId.trim());
    await storeObjection(deps, tx, held, {
      objectionId: id,
      originId: held.originId,
      recordId: ask.recordId.trim(),
      version: held.version,
      filedAt: deps.config.nodeId,
      complainant: ask.complainant.trim(),
      reason: ask.reason.trim(),
      filedTime: deps.clock.now(),
      receivedFrom: '',
    });
  });
  deps.notify?.();
  return (await getObjection(deps.store, id))!;
}

/** Whether the calling partner may know of a record held here (its agreement's categories, disclosure classes, origins). */
export type MayKnow = (held: HeldRecord) => boolean;

/**
 * An objection a partner passed on (Federation.ForwardObjection); idempotent
 * on its id. A record the partner may not know of is answered as one not held.
 */
export async function receiveObjection(deps: ObjectionDeps, partnerId: string, o: Omit<NewObjection, 'receivedFrom'>, mayKnow: MayKnow): Promise<void> {
  checkMessageId('OBJECTION_INVALID', 'objection_id', o.objectionId);
  checkObjectionAsk(o, { originRequired: true });
  checkNodeId('OBJECTION_INVALID', 'filed_at', o.filedAt);
  await deps.store.transaction(async (tx) => {
    const held = await heldRecord(tx, o.originId, o.recordId, mayKnow);
    await storeObjection(deps, tx, held, { ...o, receivedFrom: partnerId });
  });
  deps.notify?.();
  deps.notifyOutbox?.();
}

/** Resolves an objection to one of this node's records with the record's next version, queued for every push partner. */
export async function resolveObjection(
  deps: ObjectionDeps,
  ask: { objectionId: string; outcome: ObjectionOutcome; reason: string; decidedBy: string },
): Promise<{ objection: ObjectionRow; record: CreditRecord; queuedFor: string[] }> {
  const { config } = deps;
  if (!ask.objectionId.trim()) throw new CredfedError('OBJECTION_INVALID', 'objection_id: required');
  checkMessageId('OBJECTION_INVALID', 'objection_id', ask.objectionId.trim());
  const queuedFor = pushPartnerIds(config);
  const record = await deps.store.transaction(async (tx) => {
    const objection = await getObjection(tx, ask.objectionId.trim(), true);
    if (!objection) throw new CredfedError('OBJECTION_NOT_FOUND', `no objection ${ask.objectionId} is held here`);
    const ref = `${objection.originId}/${objection.recordId}`;
    if (objection.originId !== config.nodeId) throw new CredfedError('NOT_ORIGIN', `record ${ref} originated at "${objection.originId}": only its origin resolves objections to it`, { origin: objection.originId });
    if (objection.state !== 1) throw new CredfedError('OBJECTION_CLOSED', `objection ${objection.objectionId} to ${ref} is resolved already`);
    const held = await lockRecord(tx, config.nodeId, objection.recordId);
    if (!held) throw new CredfedError('RECORD_NOT_FOUND', `record ${ref} is no longer held`);
    const next = resolvingVersion(held, {
      objectionId: objection.objectionId,
      objectedVersion: objection.originVersion ?? objection.version,
      othersOpen: (await otherOpenObjections(tx, objection.originId, objection.recordId, objection.objectionId)) > 0,
      outcome: ask.outcome,
      reason: ask.reason,
      decidedBy: ask.decidedBy,
      today: shanghaiDate(deps.clock.now().getTime()),
    });
    await applyRecords(tx, [next], { receivedFrom: 'local', assignVersions: false, outboxPartners: queuedFor, decision: true });
    return next;
  });
  deps.notifyOutbox?.();
  return { objection: (await getObjection(deps.store, ask.objectionId.trim()))!, record, queuedFor };
}

/** Reports a measure this platform applied because of a record it holds: stored, queued towards the record's origin. */
export async function reportFeedback(deps: ObjectionDeps, ask: FeedbackAsk): Promise<FeedbackRow> {
  const appliedOn = checkFeedbackAsk(ask, shanghaiDate(deps.clock.now().getTime()));
  const id = randomUUID();
  await deps.store.transaction(async (tx) => {
    const held = await heldRecord(tx, ask.originId.trim(), ask.recordId.trim());
    await storeFeedback(deps, tx, held, {
      feedbackId: id,
      originId: held.originId,
      recordId: ask.recordId.trim(),
      reportedBy: deps.config.nodeId,
      measure: ask.measure.trim(),
      appliedOn,
      reportedTime: deps.clock.now(),
      receivedFrom: '',
    });
  });
  deps.notify?.();
  return (await getFeedback(deps.store, id))!;
}

/** Feedback a partner passed on (Federation.ReportFeedback); idempotent on its id; a record it may not know of is answered as one not held. */
export async function receiveFeedback(deps: ObjectionDeps, partnerId: string, f: Omit<FeedbackRow, 'receivedFrom' | 'forwardedTo' | 'forwarded'>, mayKnow: MayKnow): Promise<void> {
  checkMessageId('FEEDBACK_INVALID', 'feedback_id', f.feedbackId);
  checkFeedbackAsk(f, shanghaiDate(deps.clock.now().getTime() + 86_400_000)); // a day's grace for the reporter's clock
  checkNodeId('FEEDBACK_INVALID', 'reported_by', f.reportedBy);
  await deps.store.transaction(async (tx) => {
    const held = await heldRecord(tx, f.originId, f.recordId, mayKnow);
    await storeFeedback(deps, tx, held, { ...f, receivedFrom: partnerId });
  });
  deps.notify?.();
}

/** The one record the ask names; RECORD_NOT_FOUND, or OBJECTION_INVALID when the id is held from several origins. */
async function heldRecord(q: Queryable, originId: string, recordId: string, mayKnow: MayKnow = () => true): Promise<HeldRecord> {
  const held = (await heldRecords(q, originId, recordId)).filter(mayKnow);
  if (held.length === 0) throw new CredfedError('RECORD_NOT_FOUND', `no record "${recordId}"${originId ? ` of "${originId}"` : ''} is held here`, { recordId });
  if (held.length > 1) throw new CredfedError('OBJECTION_INVALID', `origin_id: record id "${recordId}" is held from ${held.map((h) => h.originId).join(', ')}: name its origin`);
  return held[0]!;
}

/** Where a message about a held record goes next: '' at its origin, else the partner it came from. */
function nextHop(deps: ObjectionDeps, held: HeldRecord): string {
  return held.originId === deps.config.nodeId || held.receivedFrom === 'local' ? '' : held.receivedFrom;
}

/** Never back to the partner a message came from (a record path with a loop ends here). */
function onward(hop: string, receivedFrom: string): string {
  return hop === receivedFrom ? '' : hop;
}

async function storeObjection(deps: ObjectionDeps, tx: Queryable, held: HeldRecord, o: NewObjection): Promise<void> {
  if (await getObjection(tx, o.objectionId)) return; // passed on again: held already
  if (held.status !== RecordStatus.RECORD_STATUS_ACTIVE && held.status !== RecordStatus.RECORD_STATUS_DISPUTED) {
    throw new CredfedError('RECORD_STATUS_REFUSED', `record ${held.originId}/${o.recordId} is no longer in force (repaired, revoked or expired): there is nothing to object to`);
  }
  const forwardedTo = onward(nextHop(deps, held), o.receivedFrom);
  if (!(await insertObjection(tx, { ...o, forwardedTo }))) return; // passed on again: held already
  if (held.originId === deps.config.nodeId) {
    await setOriginVersion(tx, o.objectionId, await markDisputedAtOrigin(deps, tx, o));
  } else {
    await markDisputed(tx, held.originId, o.recordId);
  }
  if (forwardedTo) await enqueueUpstream(tx, forwardedTo, 'objection', o.objectionId);
}

/**
 * At the origin, an objection to a record in force marks it disputed
 * everywhere: its next version (status DISPUTED, naming the objection) goes
 * to every push partner and every feed. Returns the version held after.
 */
async function markDisputedAtOrigin(deps: ObjectionDeps, tx: Queryable, o: NewObjection): Promise<number> {
  const record = await lockRecord(tx, deps.config.nodeId, o.recordId);
  if (!record) throw new CredfedError('RECORD_NOT_FOUND', `record ${deps.config.nodeId}/${o.recordId} is no longer held`);
  if (record.status !== RecordStatus.RECORD_STATUS_ACTIVE) return record.version;
  const marked = disputedVersion(record, { objectionId: o.objectionId, reason: o.reason, filedAt: o.filedAt, today: shanghaiDate(deps.clock.now().getTime()) });
  await applyRecords(tx, [marked], { receivedFrom: 'local', assignVersions: false, outboxPartners: pushPartnerIds(deps.config), decision: true });
  return marked.version;
}

async function storeFeedback(deps: ObjectionDeps, tx: Queryable, held: HeldRecord, f: Omit<FeedbackRow, 'forwardedTo' | 'forwarded'>): Promise<void> {
  const forwardedTo = onward(nextHop(deps, held), f.receivedFrom);
  if (!(await insertFeedback(tx, { ...f, forwardedTo }))) return;
  if (forwardedTo) await enqueueUpstream(tx, forwardedTo, 'feedback', f.feedbackId);
}
