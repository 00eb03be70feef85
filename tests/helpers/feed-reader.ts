/** A Subscribe stream read into a list, for tests: every message as it came, and how the stream ended. */
import type * as grpc from '@grpc/grpc-js';
import type { SubscribeRequest, SubscribeResponse } from '../../src/gen/credfed/v1/feed.js';
import type { FederationClient } from '../../src/gen/credfed/v1/federation.js';
import { waitFor } from './federation-fixture.js';

export class FeedReader {
  readonly messages: SubscribeResponse[] = [];
  /** The status the stream ended with (undefined while it runs). */
  ended: grpc.ServiceError | 'end' | undefined;
  private readonly call: grpc.ClientReadableStream<SubscribeResponse>;

  constructor(client: FederationClient, req: Partial<SubscribeRequest> = {}) {
    this.call = client.subscribe({ cursor: '', categories: [], watch: [], ...req });
    this.call.on('data', (m: SubscribeResponse) => this.messages.push(m));
    this.call.on('error', (e: grpc.ServiceError) => (this.ended = e));
    this.call.on('end', () => (this.ended ??= 'end'));
  }

  /** The record events, as "recordId@version:status/kind". */
  records(): string[] {
    return this.messages.flatMap((m) => (m.event?.$case === 'record' ? [`${m.event.value.record!.recordId}@${m.event.value.record!.version}:${m.event.value.record!.status}/${m.event.value.kind}`] : []));
  }

  /** The cursor of the last message that carried one. */
  lastCursor(): string {
    return [...this.messages].reverse().find((m) => m.cursor !== '')?.cursor ?? '';
  }

  until(what: string, test: (m: SubscribeResponse[]) => boolean, timeoutMs = 15_000): Promise<unknown> {
    return waitFor(() => {
      if (this.ended && this.ended !== 'end') throw this.ended;
      return test(this.messages);
    }, timeoutMs, what);
  }

  /** Waits until the stream ends; returns its error (or 'end'). */
  async end(timeoutMs = 10_000): Promise<grpc.ServiceError | 'end'> {
    await waitFor(() => this.ended !== undefined, timeoutMs, 'the feed stream to end');
    return this.ended!;
  }

  close(): void {
    this.call.cancel();
  }
}
