import type * as grpc from '@grpc/grpc-js';
import { CredfedError } from '../core/errors.js';
import type { PushRecordsResponse } from '../gen/credfed/v1/federation.js';
import type { CallContext } from '../grpc/rpc-wrapper.js';
import { malformedReason } from '../grpc/safe-deserialize.js';
import { readInboundCursor } from '../store/repos/inbound-repo.js';
import type { Store } from '../store/store.js';
import { checkBatch, commitBatch, type CheckedBatch } from './commit-batch.js';
import type { IncomingPush } from './push-wire.js';

/**
 * The receiving side of Federation.PushRecords: tells the sender where to
 * resume, then commits each batch in order and acknowledges it after commit.
 * Resolves when the sender half-closes or cancels; rejects on a protocol error
 * (the wrapper turns that into the stream's status).
 */
/** Batches received but not yet committed before reading pauses. */
const MAX_WAITING_BATCHES = 16;

export function pushRecordsHandler(store: Store) {
  return async (call: grpc.ServerDuplexStream<IncomingPush, PushRecordsResponse>, ctx: CallContext): Promise<void> => {
    const partner = ctx.partner!;
    const lastSeq = await readInboundCursor(store, partner.id);
    if (ctx.signal.aborted) return;
    call.write({ message: { $case: 'resume', value: { lastSeq } } });
    ctx.log.info({ lastSeq }, 'push stream opened');
    const check = (req: IncomingPush): CheckedBatch => {
      const malformed = malformedReason(req);
      if (malformed) throw new CredfedError('PROTOCOL_VIOLATION', `malformed message: ${malformed}`);
      if (!req.batch) throw new CredfedError('PROTOCOL_VIOLATION', 'expected a batch message');
      return checkBatch(partner, req.batch);
    };
    const commit = async (batch: CheckedBatch) => {
      // The sender was cut off (suspended): the wrapper has ended the stream; commit nothing more.
      if (ctx.signal.aborted) return;
      const ack = await commitBatch(store, partner, batch);
      ctx.log.debug({ throughSeq: ack.throughSeq, accepted: ack.accepted, rejected: ack.rejections.length }, 'batch committed');
      call.write({ message: { $case: 'ack', value: ack } });
    };
    // Commits run strictly one after another, in order; each batch is checked
    // as it arrives, so checking overlaps the previous commit. Reading pauses
    // when too many batches wait (the sender's window normally prevents that).
    await new Promise<void>((resolve, reject) => {
      let chain = Promise.resolve();
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
          chain = chain.then(() => fail(e));
          return;
        }
        if (++waiting >= MAX_WAITING_BATCHES) call.pause();
        chain = chain.then(() => (failed ? undefined : commit(checked))).then(
          () => {
            if (waiting-- === MAX_WAITING_BATCHES) call.resume();
          },
          fail,
        );
      });
      call.on('end', () => void chain.then(() => resolve()));
      call.on('cancelled', () => resolve());
      call.on('error', () => resolve());
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  };
}
