import type * as grpc from '@grpc/grpc-js';
import type { FederationClient, PushAck, PushRecordsResponse, SequencedRecord } from '../../src/gen/credfed/v1/federation.js';
import { reasonOf } from '../../src/grpc/to-grpc-error.js';

export interface PushOutcome {
  resumeSeq?: number;
  acks: PushAck[];
  error?: { code: number; reason?: string; details: string };
}

/**
 * Opens one PushRecords stream, waits for resume, sends the batches one by one
 * (waiting for each ack; with `pipelined`, all at once, so the receiver holds
 * several), then half-closes and collects the outcome.
 */
export function pushBatches(
  client: FederationClient,
  batches: SequencedRecord[][],
  timeoutMs = 15_000,
  opts: { pipelined?: boolean } = {},
): Promise<PushOutcome> {
  return new Promise((resolve) => {
    const outcome: PushOutcome = { acks: [] };
    const call = client.pushRecords({ deadline: Date.now() + timeoutMs });
    let next = 0;
    const sendNext = () => {
      if (next < batches.length) call.write({ message: { $case: 'batch', value: { records: batches[next++]! } } });
      else call.end();
    };
    call.on('data', (msg: PushRecordsResponse) => {
      if (msg.message?.$case === 'resume') {
        outcome.resumeSeq = msg.message.value.lastSeq;
        if (opts.pipelined) for (let i = 0; i <= batches.length; i++) sendNext();
        else sendNext();
      } else if (msg.message?.$case === 'ack') {
        outcome.acks.push(msg.message.value);
        if (!opts.pipelined) sendNext();
      }
    });
    call.on('error', (e: grpc.ServiceError) => {
      outcome.error = { code: e.code, reason: reasonOf(e), details: e.details };
      resolve(outcome);
    });
    call.on('end', () => resolve(outcome));
  });
}
