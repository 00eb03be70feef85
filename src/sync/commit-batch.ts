import type { PartnerConfig } from '../config/node-config.js';
import type { Agreement } from '../core/agreements/agreement.js';
import { refuseRecord } from '../core/agreements/evaluate.js';
import { CredfedError } from '../core/errors.js';
import { evidenceOf } from '../core/graph/evidence.js';
import { validateRecord } from '../core/records/validate-record.js';
import { RecordCategory, type CreditRecord } from '../gen/credfed/v1/record.js';
import type { PushAck, RecordRejection } from '../gen/credfed/v1/federation.js';
import { NO_PERSON_KEYS, protectForStore, type PersonsProtection } from '../persons/persons-protection.js';
import { applyRecords } from '../store/repos/apply-records.js';
import { insertPersonIdentities, type PersonIdentityRow } from '../store/repos/person-identities-repo.js';
import { advanceInboundCursor } from '../store/repos/inbound-repo.js';
import { insertInboundRejections } from '../store/repos/inbound-rejections-repo.js';
import type { Store } from '../store/store.js';
import type { IncomingRecord } from './push-wire.js';

/** A batch checked before its transaction: each record either valid (with its bytes) or rejected. */
export interface CheckedBatch {
  readonly items: readonly CheckedItem[];
}

type CheckedItem =
  | {
      readonly seq: number;
      readonly record: CreditRecord;
      readonly payload?: Uint8Array;
      /** Clear identity numbers the record carried, sealed for the store (their pseudonyms replaced them in `record`). */
      readonly identities: readonly PersonIdentityRow[];
      readonly rejection?: undefined;
    }
  | {
      readonly seq: number;
      readonly rejection: RecordRejection;
      /** The rejected record's origin and category as sent (when it named a known category), for the stored rejection. */
      readonly sent?: { readonly originId: string; readonly category?: number };
    };

/**
 * Validates a pushed batch from a partner; no I/O, so it can run while the
 * previous batch commits. Throws PROTOCOL_VIOLATION for a batch that breaks
 * the protocol (empty, sequences not strictly increasing). A record naming a
 * natural person by a clear identity number (e.g. from a sender that does not
 * pseudonymise) is rewritten with the receiver's pseudonyms (`persons`), so
 * it is stored re-encoded; without a pseudonym key it is rejected
 * (PSEUDONYM_KEY_MISSING). Under the sender's data-sharing `agreement`, a
 * record of a category or disclosure class it does not list, or from a third
 * platform when it does not allow those, is rejected with the reason.
 */
export function checkBatch(partner: PartnerConfig, batch: readonly IncomingRecord[], persons: PersonsProtection = NO_PERSON_KEYS, agreement?: Agreement): CheckedBatch {
  assertOrdered(batch);
  return { items: batch.map((item) => checkItem(partner, item, persons, agreement)) };
}

function checkItem(partner: PartnerConfig, item: IncomingRecord, persons: PersonsProtection, agreement: Agreement | undefined): CheckedItem {
  const checked = checkRecord(partner, item, persons, agreement);
  if (!checked.rejection || !item.record) return checked;
  const { originId, category } = item.record;
  return { ...checked, sent: { originId, ...(category > 0 && category in RecordCategory ? { category } : {}) } };
}

function checkRecord(partner: PartnerConfig, { seq, record, payload }: IncomingRecord, persons: PersonsProtection, agreement: Agreement | undefined): CheckedItem {
  if (!record) {
    return { seq, rejection: { seq, recordId: '', reason: 'RECORD_FIELD_MISSING', field: 'record', message: 'record is required' } };
  }
  if (!agreement && record.originId !== partner.id && !partner.relay) {
    return {
      seq,
      rejection: {
        seq,
        recordId: record.recordId,
        reason: 'RECORD_ORIGIN_MISMATCH',
        field: 'origin_id',
        message: `origin_id "${record.originId}" differs from the sender "${partner.id}", which may not relay records`,
      },
    };
  }
  const checked = validateRecord(record, { requireVersion: true });
  if (checked.error) return { seq, rejection: { seq, recordId: record.recordId, ...checked.error } };
  // A valid record, then: may it cross under the agreement?
  const refused = agreement ? refuseRecord(agreement, record, [partner.id]) : undefined;
  if (refused) return { seq, rejection: { seq, recordId: record.recordId, ...refused } };
  const guarded = protectForStore(checked.value, persons);
  if (guarded.error) return { seq, rejection: { seq, recordId: record.recordId, ...guarded.error } };
  const unchanged = guarded.value.record === checked.value && sameIdentifiers(record, checked.value);
  return { seq, record: guarded.value.record, payload: unchanged ? payload : undefined, identities: guarded.value.identities };
}

const LOCK_TIMEOUT_MS = 15_000;

/** Where a batch stands in its stream. */
export interface CommitOrder {
  /** The sender's cursor this batch follows: the stream's resume point, or the previous batch's throughSeq. */
  readonly afterSeq: number;
  /** Settles when the previous batch of the stream has committed (rejects if it failed). */
  readonly previous: Promise<unknown>;
}

/**
 * Commits a checked batch and returns its acknowledgement. In one
 * transaction: store the valid records after `afterSeq` idempotently and the
 * rejections after it (inbound_rejections, for the monthly report), then,
 * once the previous batch committed, move the sender's cursor from `afterSeq`
 * to the batch's last sequence. A cursor found elsewhere (another stream of
 * the same sender moved it) rolls everything back: SYNC_CURSOR_MOVED. The
 * caller sends the ack only after this resolves, i.e. after the commit.
 */
export async function commitBatch(store: Store, partner: PartnerConfig, batch: CheckedBatch, order: CommitOrder): Promise<PushAck> {
  return store.transaction(async (tx) => {
    // A lock wait that involves another sender's transaction and our own ordering
    // (which PostgreSQL cannot see) ends here instead of hanging; the sender resumes.
    await tx.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT_MS}ms'`);
    const fresh = batch.items.filter((item) => item.seq > order.afterSeq);
    const rejected = fresh.filter((item): item is Extract<CheckedItem, { rejection: RecordRejection }> => item.rejection !== undefined);
    const rejections = rejected.map((item) => item.rejection);
    const valid = fresh.filter((item): item is Extract<CheckedItem, { rejection?: undefined }> => !item.rejection);
    await insertPersonIdentities(tx, valid.flatMap((v) => v.identities));
    const outcomes = await applyRecords(
      tx,
      valid.map((v) => v.record),
      {
        receivedFrom: partner.id,
        assignVersions: false,
        outboxPartners: [],
        payloads: valid.map((v) => v.payload),
        // Merges and conflicts touch rows outside this batch's keys: only once the previous batch committed.
        beforeSharedWrites: () => order.previous,
      },
    );
    // Kept for the receiving platform's reports, with the batch (never half-written).
    await insertInboundRejections(
      tx,
      partner.id,
      rejected.map(({ seq, rejection, sent }) => ({ seq, originId: sent?.originId ?? '', recordId: rejection.recordId, category: sent?.category, reason: rejection.reason, field: rejection.field })),
    );
    const accepted = outcomes.filter((o) => o === 'accepted').length;
    const unchanged = batch.items.length - accepted - rejections.length;
    const throughSeq = Math.max(order.afterSeq, batch.items.at(-1)?.seq ?? 0);
    await order.previous;
    const counts = { accepted, unchanged, rejected: rejections.length };
    if (!(await advanceInboundCursor(tx, partner.id, order.afterSeq, throughSeq, counts))) {
      throw new CredfedError('SYNC_CURSOR_MOVED', `another stream from "${partner.id}" moved its cursor past ${order.afterSeq}; resume again`);
    }
    return { throughSeq, accepted, unchanged, rejections };
  });
}

/**
 * The keys a batch's transaction locks before it waits for the previous
 * batch (records, and identifiers including those derived from them):
 * batches sharing one must not overlap.
 */
export function batchKeys(batch: CheckedBatch): Set<string> {
  const keys = new Set<string>();
  for (const item of batch.items) {
    if (item.rejection) continue;
    keys.add(`r\u0000${item.record.originId}\u0000${item.record.recordId}`);
    for (const id of evidenceOf(item.record.subject!).identifiers) keys.add(`i\u0000${id.scheme}\u0000${id.value}`);
  }
  return keys;
}

/** Whether validation left the identifiers as sent (then the received bytes can be stored as they are). */
function sameIdentifiers(sent: CreditRecord, checked: CreditRecord): boolean {
  const a = sent.subject!.identifiers;
  const b = checked.subject!.identifiers;
  return a.length === b.length && a.every((id, i) => id.value === b[i]!.value);
}

function assertOrdered(batch: readonly IncomingRecord[]): void {
  if (batch.length === 0) throw new CredfedError('PROTOCOL_VIOLATION', 'a batch must hold at least one record');
  let previous = 0;
  for (const { seq } of batch) {
    if (!Number.isSafeInteger(seq) || seq <= previous) {
      throw new CredfedError('PROTOCOL_VIOLATION', `sequences must be positive and strictly increasing (found ${seq} after ${previous})`);
    }
    previous = seq;
  }
}
