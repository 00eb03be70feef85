/**
 * A gateway's sync and store metrics in one piece (issue 9, points 1 and 3):
 * records received by partner and channel (records-meter.ts), with the 双公示
 * timeliness of those that pass the checks (timeliness-meter.ts), sync lag
 * and last-received ages (sync-lag-gauges.ts), the propagation backlog
 * (backlog-gauges.ts), the followed feeds' backlogs
 * (subscription-backlog.ts), and the store's connection pool
 * (pool-gauges.ts). The push receiver and the feed follower report to the
 * hooks it returns.
 */
import { pushPartnerIds, type NodeConfig } from '../config/node-config.js';
import type { Clock } from '../core/clock.js';
import { shanghaiDate } from '../core/lifecycle/publicity.js';
import type { Store } from '../store/store.js';
import { registerPropagationBacklog } from './backlog-gauges.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { registerPoolGauges } from './pool-gauges.js';
import { RecordsMeter, type ReceiveChannel, type ReceivedRecords } from './records-meter.js';
import { SubscriptionBacklog, type FeedStateHook } from './subscription-backlog.js';
import { registerSyncLagGauges } from './sync-lag-gauges.js';
import type { TimelinessMeter } from './timeliness-meter.js';

export interface GatewayMetricHooks {
  /** For the push receiver: each committed batch pushed by a partner. */
  readonly pushReceived: ReceivedRecords;
  /** For the feed follower: each committed batch from a followed feed (a full pull's records are counted with channel "snapshot"). */
  readonly feedReceived: ReceivedRecords;
  /** For the feed follower: caught up with a partner's feed, behind it (since when), or following it elsewhere. */
  readonly feedState: FeedStateHook;
}

export function registerGatewayMetrics(parts: { config: NodeConfig; store: Store; metrics: Metrics; clock: Clock; log: Logger; timeliness: TimelinessMeter }): GatewayMetricHooks {
  const { config, store, metrics, clock, log, timeliness } = parts;
  const records = new RecordsMeter(metrics);
  registerSyncLagGauges({ metrics, store, log, pushPartners: () => pushPartnerIds(config) });
  registerPropagationBacklog({ metrics, store, log });
  registerPoolGauges(metrics, () => store.poolUsage());
  const feeds = new SubscriptionBacklog(metrics, clock);
  const received =
    (channel: ReceiveChannel): ReceivedRecords =>
    (partner, batch) => {
      // A full pull brings records the partner held before: not received now, so no timeliness.
      if (batch.snapshot) return records.committed(partner, 'snapshot', batch);
      records.committed(partner, channel, batch);
      timeliness.observe(partner, batch.records, shanghaiDate(clock.now().getTime()));
    };
  return { pushReceived: received('push'), feedReceived: received('feed'), feedState: (partner, state, since) => feeds.state(partner, state, since) };
}
