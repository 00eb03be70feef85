/**
 * A PushRecords stream held open by a test: send a batch whenever, wait for
 * its ack, see how and when the stream ended.
 */
import type * as grpc from '@grpc/grpc-js';
import type { FederationClient, PushAck, PushRecordsResponse, SequencedRecord } from '../../../src/gen/credfed/v1/federation.js';
import { reasonOf } from '../../../src/grpc/to-grpc-error.js';
import { waitFor } from '../../helpers/federation-fixture.js';

export interface OpenPush {
  /** The receiver's last committed sequence, once it said so. */
  resumeSeq(): Promise<number>;
  /** Sends one batch and waits (5 s at most) for its ack. */
  sendAndAck(records: SequencedRecord[]): Promise<PushAck>;
  /** How the stream ended, once it did. */
  readonly ended: () => { code: number; reason?: string; details: string } | 'ok' | undefined;
  close(): void;
}

export function openPush(client: FederationClient, timeoutMs = 60_000): OpenPush {
  const call = client.pushRecords({ deadline: Date.now() + timeoutMs });
  let resume: number | undefined;
  const acks: PushAck[] = [];
  let ended: ReturnType<OpenPush['ended']>;
  call.on('data', (msg: PushRecordsResponse) => {
    if (msg.message?.$case === 'resume') resume = msg.message.value.lastSeq;
    else if (msg.message?.$case === 'ack') acks.push(msg.message.value);
  });
  call.on('error', (e: grpc.ServiceError) => (ended ??= { code: e.code, reason: reasonOf(e), details: e.details }));
  call.on('end', () => (ended ??= 'ok'));
  return {
    resumeSeq: () => waitFor(() => (resume !== undefined ? { seq: resume } : ended ? Promise.reject(new Error(JSON.stringify(ended))) : undefined), 5_000, 'resume').then((r) => r!.seq),
    async sendAndAck(records) {
      const through = records[records.length - 1]!.seq;
      call.write({ message: { $case: 'batch', value: { records } } });
      return (await waitFor(() => acks.find((a) => a.throughSeq === through), 5_000, `ack through ${through}`))!;
    },
    ended: () => ended,
    close: () => {
      call.end();
      call.cancel();
    },
  };
}
