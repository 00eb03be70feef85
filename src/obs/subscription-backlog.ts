/**
 * How far behind each followed change feed is (partners[].subscribe), from
 * what the feed follower reports:
 *
 *     credfed_subscription_backlog_seconds{partner}
 *
 * 0 while the follower is caught up (its stream said caught_up, so it
 * delivers changes as they are stored, and nothing it delivered waits to be
 * stored here). Otherwise the seconds since the point up to which this node
 * holds the partner's changes: while records of the live feed wait to be
 * stored, the partner's stored time of the oldest of them (stored_at; the
 * time it arrived here when the event carries none); while the stream is
 * down or pulling in full, the moment the follower was last caught up (or
 * began following), or the stored time of the last record it stored since.
 * No series while another replica holds the partner's lease.
 */
import { Gauge } from 'prom-client';
import type { Clock } from '../core/clock.js';
import type { Metrics } from './metrics.js';

/** Where a follower stands with one partner's feed. */
export type FeedState = 'caught_up' | 'behind' | 'standby';

/** Hears the follower's state with a partner's feed; `since`, for 'behind': the point up to which this node holds the feed. */
export type FeedStateHook = (partnerId: string, state: FeedState, since?: Date) => void;

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
      help: 'Seconds the follower of the partner change feed is behind it: the age of the oldest record delivered and not yet stored, or, while the stream is down or pulling in full, since it last was caught up (0 while caught up; no series while another replica follows it)',
      labelNames: ['partner'],
      registers: [metrics],
      collect() {
        this.reset();
        const now = self.clock.now().getTime();
        for (const [partner, since] of self.behindSince) this.set({ partner }, since === null ? 0 : Math.max(0, (now - since) / 1000));
      },
    });
  }

  /**
   * The follower's state with `partner`'s feed changed. 'behind' with `since`
   * sets the point it is behind from; without, it keeps the one it had, or
   * starts from now when it was caught up (or on standby).
   */
  state(partner: string, state: FeedState, since?: Date): void {
    if (state === 'standby') this.behindSince.delete(partner);
    else if (state === 'caught_up') this.behindSince.set(partner, null);
    else if (since !== undefined) this.behindSince.set(partner, since.getTime());
    else if (typeof this.behindSince.get(partner) !== 'number') this.behindSince.set(partner, this.clock.now().getTime());
  }
}
