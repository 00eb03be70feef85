import type { PartnerConfig } from '../config/node-config.js';
import { CredfedError } from '../core/errors.js';
import { validateRecord } from '../core/records/validate-record.js';
import type { CreditRecord } from '../gen/credfed/v1/record.js';
import type { PushAck, RecordRejection } from '../gen/credfed/v1/federation.js';
import { applyRecords } from '../store/repos/apply-records.js';
import { advanceInboundCursor, lockInboundCursor } from '../store/repos/inbound-repo.js';
import type { Store } from '../store/store.js';
import type { IncomingRecord } from './push-wire.js';

/**
 * Commits one pushed batch from a partner and returns its acknowledgement.
 * In one transaction: lock the partner's cursor, skip sequences already
 * committed, validate each record (a bad one is rejected, the rest go on),
 * store the valid ones idempotently and advance the cursor. The caller sends
 * the ack only after this resolves, i.e. after the commit.
 */
export async function commitBatch(store: Store, partner: PartnerConfig, batch: readonly IncomingRecord[]): Promise<PushAck> {
  assertOrdered(batch);
  return store.transaction(async (tx) => {
    const lastSeq = await lockInboundCursor(tx, partner.id);
    const fresh = batch.filter((r) => r.seq > lastSeq);
    const rejections: RecordRejection[] = [];
    const valid: CreditRecord[] = [];
    const payloads: (Uint8Array | undefined)[] = [];
    for (const { seq, record, payload } of fresh) {
      if (!record) {
        rejections.push({ seq, recordId: '', reason: 'RECORD_FIELD_MISSING', field: 'record', message: 'record is required' });
        continue;
      }
      if (record.originId !== partner.id && !partner.relay) {
        rejections.push({
          seq,
          recordId: record.recordId,
          reason: 'RECORD_ORIGIN_MISMATCH',
          field: 'origin_id',
          message: `origin_id "${record.originId}" differs from the sender "${partner.id}", which may not relay records`,
        });
        continue;
      }
      const checked = validateRecord(record, { requireVersion: true });
      if (checked.error) {
        rejections.push({ seq, recordId: record.recordId, ...checked.error });
        continue;
      }
      valid.push(checked.value);
      payloads.push(sameIdentifiers(record, checked.value) ? payload : undefined);
    }
    const outcomes = await applyRecords(tx, valid, { receivedFrom: partner.id, assignVersions: false, outboxPartners: [], payloads });
    const accepted = outcomes.filter((o) => o === 'accepted').length;
    const unchanged = batch.length - accepted - rejections.length;
    const throughSeq = Math.max(lastSeq, batch.at(-1)?.seq ?? 0);
    await advanceInboundCursor(tx, partner.id, throughSeq, { accepted, unchanged, rejected: rejections.length });
    return { throughSeq, accepted, unchanged, rejections };
  });
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
