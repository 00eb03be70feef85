// The parts of the scrape-time gauges that need no store: a store reading
// shared by scrapes, that never holds one up, keeps its last good value, and
// gives up a read that hangs; the sync lag gauges of the current push
// partners only (a fake store); the subscription backlog from the follower's
// states, by the injected clock.
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import { createMetrics } from '../../../src/obs/metrics.js';
import { ScrapeReading, type ScrapeStore } from '../../../src/obs/scrape-reading.js';
import { SubscriptionBacklog } from '../../../src/obs/subscription-backlog.js';
import { registerSyncLagGauges } from '../../../src/obs/sync-lag-gauges.js';

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

  // Regression: a read hanging on an open connection never settled, and the gauge silently froze.
  it('gives up a read pending longer than staleMs, reads again, and ignores the late result of the one given up', async () => {
    const finish: ((n: number) => void)[] = [];
    let reads = 0;
    const reading = new ScrapeReading(
      'm',
      () => {
        reads++;
        return new Promise<number>((resolve) => finish.push(resolve));
      },
      0,
      { maxAgeMs: 0, timeoutMs: 5, staleMs: 30 },
    );
    expect(await reading.get()).toBe(0);
    expect(await reading.get()).toBe(0); // still the same read
    expect(reads).toBe(1);
    await new Promise((r) => setTimeout(r, 40));
    expect(await reading.get()).toBe(0);
    expect(reads).toBe(2); // the first given up, a second started
    await new Promise((r) => setTimeout(r, 40));
    expect(await reading.get()).toBe(0);
    expect(reads).toBe(2); // only one read given up may stay pending
    finish[1]!(5);
    await new Promise((r) => setImmediate(r));
    expect(await reading.get()).toBe(5); // (and a third read started)
    finish[0]!(3); // the read given up lands late: older than the value shown, ignored
    await new Promise((r) => setImmediate(r));
    expect(await reading.get()).toBe(5);
    finish[2]!(6);
    await new Promise((r) => setImmediate(r));
    expect(await reading.get()).toBe(6);
  });

  it('runs the store reads under a statement timeout', async () => {
    const statements: string[] = [];
    const store: ScrapeStore = {
      transaction: async (fn) => fn({ query: async (sql: string) => (statements.push(sql), { rows: [] }) as never }),
    };
    const metrics = createMetrics('city');
    registerSyncLagGauges({ metrics, store, pushPartners: () => [] });
    await metrics.getSingleMetric('credfed_outbox_backlog')!.get();
    expect(statements[0]).toMatch(/^SET LOCAL statement_timeout = \d+$/);
    expect(statements[1]).toContain('outbox_state');
  });
});

describe('sync lag gauges', () => {
  // Regression: every outbox_state row was shown, so a partner removed or switched to push: false kept a growing series.
  it('show the partners pushed to now only, at 0 before anything was queued for them', async () => {
    const rows = [
      { partner_id: 'city', records: '2', seconds: 30 },
      { partner_id: 'removed', records: '7', seconds: 9_000 },
    ];
    const store: ScrapeStore = {
      transaction: async (fn) => fn({ query: async (sql: string) => ({ rows: sql.includes('outbox_state') ? rows : [] }) as never }),
    };
    const metrics = createMetrics('county-a');
    let partners = ['city', 'province'];
    registerSyncLagGauges({ metrics, store, pushPartners: () => partners, reading: { maxAgeMs: 0 } });
    const values = async (name: string) => Object.fromEntries((await metrics.getSingleMetric(name)!.get()).values.map((v) => [v.labels.partner ?? '', v.value]));
    expect(await values('credfed_sync_lag_seconds')).toEqual({ city: 30, province: 0 });
    expect(await values('credfed_sync_lag_records')).toEqual({ city: 2, province: 0 });
    expect(await values('credfed_outbox_backlog')).toEqual({ '': 2 });
    partners = ['province'];
    expect(await values('credfed_sync_lag_seconds')).toEqual({ province: 0 });
  });
});

describe('SubscriptionBacklog', () => {
  const values = async (metrics: ReturnType<typeof createMetrics>) =>
    Object.fromEntries((await metrics.getSingleMetric('credfed_subscription_backlog_seconds')!.get()).values.map((v) => [v.labels.partner, v.value]));

  it('is 0 while caught up, counts from the moment it fell behind (stream down, full pull), and leaves out a feed another replica follows', async () => {
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

  // Regression: on a busy feed it only went back to 0 after a flush with no record arriving meanwhile,
  // so it grew for minutes while the real lag was sub-second.
  it('measures from the stored time of the oldest event waiting while events flow, and is 0 once caught up', async () => {
    const clock = fixedClock(new Date('2026-12-05T10:00:00Z'));
    const metrics = createMetrics('city-b');
    const backlog = new SubscriptionBacklog(metrics, clock);
    backlog.state('city', 'caught_up');
    // A busy feed: every moment some events wait, each stored a moment after the partner stored it.
    for (let i = 0; i < 600; i++) {
      clock.advance(500);
      backlog.state('city', 'behind', new Date(clock.now().getTime() - 300));
      expect(await values(metrics)).toEqual({ city: 0.3 });
    }
    backlog.state('city', 'caught_up');
    expect(await values(metrics)).toEqual({ city: 0 });
    // Events stored long ago at the partner (a stream resumed after an outage): their age.
    backlog.state('city', 'behind', new Date(clock.now().getTime() - 90_000));
    expect(await values(metrics)).toEqual({ city: 90 });
    // A partner clock ahead of ours never makes it negative.
    backlog.state('city', 'behind', new Date(clock.now().getTime() + 5_000));
    expect(await values(metrics)).toEqual({ city: 0 });
  });
});
