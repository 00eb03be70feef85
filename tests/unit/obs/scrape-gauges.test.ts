// The parts of the scrape-time gauges that need no store: a store reading
// shared by scrapes, that never holds one up and keeps its last good value;
// the subscription backlog from the follower's states, by the injected clock.
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import { createMetrics } from '../../../src/obs/metrics.js';
import { ScrapeReading } from '../../../src/obs/scrape-reading.js';
import { SubscriptionBacklog } from '../../../src/obs/subscription-backlog.js';

describe('ScrapeReading', () => {
  it('reads once for scrapes within its age, and again after', async () => {
    let reads = 0;
    const reading = new ScrapeReading('m', async () => ++reads, 0, { maxAgeMs: 60_000 });
    expect(await Promise.all([reading.get(), reading.get()])).toEqual([1, 1]);
    expect(await reading.get()).toBe(1);
    const fresh = new ScrapeReading('m', async () => ++reads, 0, { maxAgeMs: 0 });
    expect(await fresh.get()).toBe(2);
    expect(await fresh.get()).toBe(3);
  });

  it('keeps the last good value when a read fails, and does not wait for a read that hangs', async () => {
    let next: () => Promise<number> = async () => 7;
    const reading = new ScrapeReading('m', () => next(), 0, { maxAgeMs: 0, timeoutMs: 20 });
    expect(await reading.get()).toBe(7);
    next = async () => {
      throw new Error('store down');
    };
    expect(await reading.get()).toBe(7);
    let finish: (n: number) => void = () => undefined;
    next = () => new Promise<number>((resolve) => (finish = resolve));
    expect(await reading.get()).toBe(7);
    finish(9);
    await new Promise((r) => setImmediate(r));
    expect(await reading.get()).toBe(9); // the late read landed (the next one hangs in turn)
  });
});

describe('SubscriptionBacklog', () => {
  const values = async (metrics: ReturnType<typeof createMetrics>) =>
    Object.fromEntries((await metrics.getSingleMetric('credfed_subscription_backlog_seconds')!.get()).values.map((v) => [v.labels.partner, v.value]));

  it('is 0 while caught up, counts from the moment it fell behind, and leaves out a feed another replica follows', async () => {
    const clock = fixedClock(new Date('2026-12-05T10:00:00Z'));
    const metrics = createMetrics('city-b');
    const backlog = new SubscriptionBacklog(metrics, clock);
    backlog.state('city', 'behind');
    clock.advance(5_000);
    expect(await values(metrics)).toEqual({ city: 5 });
    backlog.state('city', 'behind'); // still behind since the start
    clock.advance(1_000);
    expect(await values(metrics)).toEqual({ city: 6 });
    backlog.state('city', 'caught_up');
    clock.advance(60_000);
    expect(await values(metrics)).toEqual({ city: 0 });
    backlog.state('city', 'behind');
    clock.advance(2_000);
    backlog.state('other', 'behind');
    backlog.state('other', 'standby');
    expect(await values(metrics)).toEqual({ city: 2 });
  });
});
