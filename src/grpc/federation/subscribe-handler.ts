/**
 * Federation.Subscribe and Admin.WatchFeed: a change feed (src/feed/feed-stream.ts)
 * written to a gRPC server stream, with backpressure. A partner receives what
 * its agreement allows (decided again before every batch; each delivered
 * batch is entered in the audit log before it is sent); an administrator
 * watches this gateway's whole feed.
 */
import type * as grpc from '@grpc/grpc-js';
import { disclosureFor, EVERYTHING_VISIBLE } from '../../agreements/disclose-records.js';
import type { NodeConfig } from '../../config/node-config.js';
import { CredfedError } from '../../core/errors.js';
import { visibilityOf } from '../../core/agreements/evaluate.js';
import type { Clock } from '../../core/clock.js';
import { runFeed, type FeedAudience, type FeedSink, type FeedStreamDeps } from '../../feed/feed-stream.js';
import type { SubscribeRequest, SubscribeResponse, WatchFeedRequest, WatchFeedResponse } from '../../gen/credfed/v1/feed.js';
import type { PersonsProtection } from '../../persons/persons-protection.js';
import type { Store } from '../../store/store.js';
import type { CallContext } from '../rpc-wrapper.js';

export interface SubscribeDeps {
  readonly config: NodeConfig;
  readonly store: Store;
  readonly persons: PersonsProtection;
  readonly clock: Clock;
}

function feedDeps({ config, store, persons, clock }: SubscribeDeps): FeedStreamDeps {
  return { store, clock, keys: persons.policy.keys, mask: config.persons.mask, rules: config.recognition.rules, pollMs: config.feed.pollMs };
}

export function subscribeHandler(deps: SubscribeDeps) {
  const feed = feedDeps(deps);
  return async (call: grpc.ServerWritableStream<SubscribeRequest, SubscribeResponse>, ctx: CallContext): Promise<void> => {
    const partner = ctx.partner!;
    const audience: FeedAudience = () => {
      const agreement = ctx.agreementNow()?.agreement;
      // The partner's own records are never sent back to it.
      return { agreement, visibility: { ...(agreement ? visibilityOf(agreement) : EVERYTHING_VISIBLE), sides: [deps.config.nodeId, partner.id], notFrom: partner.id } };
    };
    const sink: FeedSink = {
      disclose: async (records, agreement) => {
        const disclosure = await disclosureFor(deps.store, deps.persons, deps.config.persons.mask, agreement, records);
        return (r) => disclosure.record(r);
      },
      delivering: (count) => ctx.record({ recordsReturned: count }),
      write: writerOf(call, ctx.signal, (m) => m),
    };
    // Levels of watched subjects are recognition answers: they need an agreement that allows queries too.
    const agreement = ctx.agreementNow()?.agreement;
    if (call.request.watch.length > 0 && agreement && !agreement.directions.includes('query')) {
      throw new CredfedError('DIRECTION_NOT_ALLOWED', `agreement "${agreement.id}" does not allow "query": a feed with a watch list needs it (the levels of watched subjects)`);
    }
    ctx.log.info({ resumed: call.request.cursor !== '', watched: call.request.watch.length }, 'feed subscribed');
    await runFeed(feed, call.request, audience, sink, ctx.signal);
  };
}

export function watchFeedHandler(deps: SubscribeDeps) {
  const feed = feedDeps(deps);
  const everything: FeedAudience = () => ({ agreement: undefined, visibility: { ...EVERYTHING_VISIBLE, sides: [] } });
  return async (call: grpc.ServerWritableStream<WatchFeedRequest, WatchFeedResponse>, ctx: CallContext): Promise<void> => {
    const sink: FeedSink = {
      disclose: async () => (r) => r,
      delivering: async () => undefined,
      write: writerOf(call, ctx.signal, (event: SubscribeResponse) => ({ event })),
    };
    const req = call.request.feed ?? { cursor: '', categories: [], watch: [] };
    await runFeed(feed, req, everything, sink, ctx.signal);
  };
}

/** Writes a feed message; resolves at once, or when the stream drained (or the call ended). */
function writerOf<M>(call: grpc.ServerWritableStream<unknown, M>, signal: AbortSignal, wrap: (m: SubscribeResponse) => M): (m: SubscribeResponse) => Promise<void> {
  return (message) => {
    if (signal.aborted || call.write(wrap(message))) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        call.off('drain', done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      call.once('drain', done);
      signal.addEventListener('abort', done, { once: true });
    });
  };
}
