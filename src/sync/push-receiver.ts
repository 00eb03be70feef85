import type * as grpc from '@grpc/grpc-js';
import { CredfedError } from '../core/errors.js';
import type { PushAck, PushRecordsResponse } from '../gen/credfed/v1/federation.js';
import type { CallContext } from '../grpc/rpc-wrapper.js';
import { malformedReason } from '../grpc/safe-deserialize.js';
import { openInboundCursor } from '../store/repos/inbound-repo.js';
import type { PersonsProtection } from '../persons/persons-protection.js';
import type { Store } from '../store/store.js';
import { batchKeys, checkBatch, commitBatch, type CheckedBatch } from './commit-batch.js';
import { OrderedCommits } from './ordered-commits.js';
import type { IncomingPush } from './push-wire.js';
import type { ReceivedRecords } from '../obs/records-meter.js';

/** Batches received but not yet acknowledged before reading pauses. */
const MAX_WAITING_BATCHES = 16;
const NO_KEYS: ReadonlySet<string> = new Set();

export type { ReceivedRecords } from '../obs/records-meter.js';

/**
 * The receiving side of Federation.PushRecords: tells the sender where to
 * resume, then commits each batch in order and acknowledges it after commit.
 * Resolves when the sender half-closes or cancels; rejects on a protocol error
 * (the wrapper turns that into the stream's status). `received` hears each
 * batch once it has committed (the records and timeliness meters).
 */
export function pushRecordsHandler(store: Store, persons?: PersonsProtection, received?: ReceivedRecords) {
  // Overlapping transactions need connections of their own: PostgreSQL, not the one-session embedded store.
  const parallel = store.backend === 'postgres' ? 2 : 1;
  return async (call: grpc.ServerDuplexStream<IncomingPush, PushRecordsResponse>, ctx: CallContext): Promise<void> => {
    const partner = ctx.partner!;
    const lastSeq = await openInboundCursor(store, partner.id);
    if (ctx.signal.aborted) return;
    call.write({ message: { $case: 'resume', value: { lastSeq } } });
    ctx.log.info({ lastSeq }, 'push stream opened');
    const check = (req: IncomingPush): CheckedBatch => {
      const malformed = malformedReason(req);
      if (malformed) throw new CredfedError('PROTOCOL_VIOLATION', `malformed message: ${malformed}`);
      if (!req.batch) throw new CredfedError('PROTOCOL_VIOLATION', 'expected a batch message');
      // Each batch is checked under the agreement in force when it arrives (a refusal ends the stream).
      return checkBatch(partner, req.batch, persons, ctx.agreementNow()?.agreement);
    };
    // Each batch is checked as it arrives; its transaction may start while the
    // one before it is still running (PostgreSQL), but commits only after it,
    // and acknowledgements go out in order. Reading pauses when too many
    // batches wait (the sender's window normally prevents that).
    const commits = new OrderedCommits<PushAck | undefined>(parallel);
    await new Promise<void>((resolve, reject) => {
      let acks = Promise.resolve();
      let afterSeq = lastSeq;
      let waiting = 0;
      let failed = false;
      const fail = (e: unknown) => {
        failed = true;
        reject(e);
      };
      call.on('data', (req: IncomingPush) => {
        if (failed || ctx.signal.aborted) return;
        let checked: CheckedBatch;
        try {
          checked = check(req);
        } catch (e) {
          // Report after the batches before it are committed and acknowledged.
          acks = acks.then(() => fail(e));
          return;
        }
        if (++waiting >= MAX_WAITING_BATCHES) call.pause();
        const after = afterSeq;
        afterSeq = Math.max(afterSeq, checked.items.at(-1)!.seq);
        // One at a time (embedded store): nothing can overlap, so no keys to compare.
        const committed = commits.add(parallel > 1 ? batchKeys(checked) : NO_KEYS, (previous) =>
          // The sender was cut off (suspended) or the stream failed: commit nothing more.
          failed || ctx.signal.aborted ? Promise.resolve(undefined) : commitBatch(store, partner, checked, { afterSeq: after, previous }),
        );
        acks = acks
          .then(() => committed)
          .then(async (ack) => {
            if (!ack) return;
            // Committed: counted whatever becomes of the stream (sequences already committed before are not counted again).
            const fresh = checked.items.filter((item) => item.seq > after);
            received?.(partner.id, { received: fresh.length, accepted: ack.accepted, rejections: ack.rejections, records: fresh.flatMap((item) => (item.rejection ? [] : [item.record])) });
            if (failed) return;
            // The exchange is entered in the audit log, durably, before it is acknowledged.
            await ctx.record({ recordsAccepted: ack.accepted, recordsRejected: ack.rejections.length });
            if (failed || ctx.signal.aborted) return;
            ctx.log.debug({ throughSeq: ack.throughSeq, accepted: ack.accepted, rejected: ack.rejections.length }, 'batch committed');
            call.write({ message: { $case: 'ack', value: ack } });
            if (waiting-- === MAX_WAITING_BATCHES) call.resume();
          })
          .catch(fail);
      });
      call.on('end', () => void acks.then(() => resolve()));
      call.on('cancelled', () => resolve());
      call.on('error', () => resolve());
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  };
}
