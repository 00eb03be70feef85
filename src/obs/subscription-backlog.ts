/**
 * How far behind each followed change feed is (partners[].subscribe), from
 * what the feed follower reports:
 *
 *     credfed_subscription_backlog_seconds{partner}
 *
 * 0 while the follower is caught up with the partner's feed (its stream said
 * caught_up, so it delivers changes as they are stored, and every record it
 * delivered is stored here); otherwise the seconds since it was last caught
 * up (or since it started following): while the stream is down, pulling in
 * full, or delivering faster than this node stores. No series while another
 * replica holds the partner's lease.
 */
import { Gauge } from 'prom-client';
import type { Clock } from '../core/clock.js';
import type { Metrics } from './metrics.js';

/** Where a follower stands with one partner's feed. */
export type FeedState = 'caught_up' | 'behind' | 'standby';

export class SubscriptionBacklog {
  /** Per partner: caught up (null), behind since (ms), or following elsewhere (absent). */
  private readonly behindSince = new Map<string, number | null>();

  constructor(
    metrics: Metrics,
    private readonly clock: Clock,
  ) {
    const self = this;
    new Gauge({
      name: 'credfed_subscription_backlog_seconds',
      help: 'Seconds since the follower of the partner change feed was last caught up (0 while caught up; no series while another replica follows it)',
      labelNames: ['partner'],
      registers: [metrics],
      collect() {
        this.reset();
        const now = self.clock.now().getTime();
        for (const [partner, since] of self.behindSince) this.set({ partner }, since === null ? 0 : Math.max(0, (now - since) / 1000));
      },
    });
  }

  /** The follower's state with `partner`'s feed changed (repeating a state changes nothing). */
  state(partner: string, state: FeedState): void {
    if (state === 'standby') this.behindSince.delete(partner);
    else if (state === 'caught_up') this.behindSince.set(partner, null);
    else if (typeof this.behindSince.get(partner) !== 'number') this.behindSince.set(partner, this.clock.now().getTime());
  }
}
