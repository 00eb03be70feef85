/** Objections and feedback as stored rows and as contract messages (objection.proto). */
import type { Feedback, Objection } from '../gen/credfed/v1/objection.js';
import { dateToTimestamp, timestampToIso } from '../store/repos/record-rows.js';
import type { FeedbackRow, ObjectionRow } from '../store/repos/objections-repo.js';
import type { Timestamp } from '../gen/google/protobuf/timestamp.js';

export function objectionMessage(o: ObjectionRow): Objection {
  return {
    objectionId: o.objectionId,
    originId: o.originId,
    recordId: o.recordId,
    version: o.version,
    filedAt: o.filedAt,
    complainant: o.complainant,
    reason: o.reason,
    filedTime: dateToTimestamp(o.filedTime),
    state: o.state,
    outcome: o.outcome,
    resolution: o.resolution,
    ...(o.resolvedTime ? { resolvedTime: dateToTimestamp(o.resolvedTime) } : {}),
    receivedFrom: o.receivedFrom,
    forwardedTo: o.forwardedTo,
    forwarded: o.forwarded,
  };
}

export function feedbackMessage(f: FeedbackRow): Feedback {
  return {
    feedbackId: f.feedbackId,
    originId: f.originId,
    recordId: f.recordId,
    reportedBy: f.reportedBy,
    measure: f.measure,
    appliedOn: f.appliedOn,
    reportedTime: dateToTimestamp(f.reportedTime),
    receivedFrom: f.receivedFrom,
    forwardedTo: f.forwardedTo,
    forwarded: f.forwarded,
  };
}

/** A timestamp from the wire; undefined when absent or out of range. */
export function timeOf(t: Timestamp | undefined): Date | undefined {
  const iso = timestampToIso(t);
  return iso ? new Date(iso) : undefined;
}
