import type * as grpc from '@grpc/grpc-js';
import { CredfedError } from '../core/errors.js';
import type { PushRecordsResponse } from '../gen/credfed/v1/federation.js';
import type { CallContext } from '../grpc/rpc-wrapper.js';
import { malformedReason } from '../grpc/safe-deserialize.js';
import { readInboundCursor } from '../store/repos/inbound-repo.js';
import type { Store } from '../store/store.js';
import { commitBatch } from './commit-batch.js';
import type { IncomingPush } from './push-wire.js';

/**
 * The receiving side of Federation.PushRecords: tells the sender where to
 * resume, then commits each batch in order and acknowledges it after commit.
 * Resolves when the sender half-closes or cancels; rejects on a protocol error
 * (the wrapper turns that into the stream's status).
 */
export function pushRecordsHandler(store: Store) {
  return async (call: grpc.ServerDuplexStream<IncomingPush, PushRecordsResponse>, ctx: CallContext): Promise<void> => {
    const partner = ctx.partner!;
    const lastSeq = await readInboundCursor(store, partner.id);
    call.write({ message: { $case: 'resume', value: { lastSeq } } });
    ctx.log.info({ lastSeq }, 'push stream opened');
    const handle = async (req: IncomingPush) => {
      const malformed = malformedReason(req);
      if (malformed) throw new CredfedError('PROTOCOL_VIOLATION', `malformed message: ${malformed}`);
      if (!req.batch) throw new CredfedError('PROTOCOL_VIOLATION', 'expected a batch message');
      const ack = await commitBatch(store, partner, req.batch);
      ctx.log.debug({ throughSeq: ack.throughSeq, accepted: ack.accepted, rejected: ack.rejections.length }, 'batch committed');
      call.write({ message: { $case: 'ack', value: ack } });
    };
    // Batches are handled strictly one after another: reading pauses while one commits.
    await new Promise<void>((resolve, reject) => {
      let chain = Promise.resolve();
      let failed = false;
      call.on('data', (req: IncomingPush) => {
        if (failed) return;
        call.pause();
        chain = chain.then(() => handle(req)).then(
          () => void call.resume(),
          (e: unknown) => {
            failed = true;
            reject(e);
          },
        );
      });
      call.on('end', () => void chain.then(() => resolve()));
      call.on('cancelled', () => resolve());
      call.on('error', () => resolve());
    });
  };
}
