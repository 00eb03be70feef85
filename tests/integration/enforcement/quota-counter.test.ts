// Agreement quotas counted per partner and window, shared by replicas through the store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import { CredfedError } from '../../../src/core/errors.js';
import { QuotaCounter } from '../../../src/enforcement/quota-counter.js';
import { createLogger } from '../../../src/obs/logger.js';
import { createTestStore, type TestStore } from '../../helpers/store-fixture.js';

const log = createLogger({ level: 'silent', node: 'test' });
const refusal = (fn: () => void) => {
  try {
    fn();
  } catch (e) {
    return e instanceof CredfedError ? `${e.code}:${String(e.details.quota)}` : String(e);
  }
  return 'allowed';
};

describe(`quota counter (${process.env.DATABASE_URL ? 'postgres' : 'embedded'})`, () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await createTestStore();
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('allows perMinute calls in a minute, refuses the next, and starts again the next minute', async () => {
    const clock = fixedClock(new Date('2026-11-24T10:00:05Z'));
    const q = new QuotaCounter(t.store, clock, log, 60_000);
    await q.start();
    for (let i = 0; i < 3; i++) expect(refusal(() => q.take('city-b', { perMinute: 3 }))).toBe('allowed');
    expect(refusal(() => q.take('city-b', { perMinute: 3 }))).toBe('QUOTA_EXCEEDED:perMinute');
    expect(refusal(() => q.take('city-c', { perMinute: 3 }))).toBe('allowed');
    clock.advance(60_000);
    expect(refusal(() => q.take('city-b', { perMinute: 3 }))).toBe('allowed');
    await q.stop();
  });

  it('counts the day in Asia/Shanghai across restarts, and a refused call counts nothing', async () => {
    const clock = fixedClock(new Date('2026-11-24T15:50:00Z')); // 23:50 in Shanghai
    const first = new QuotaCounter(t.store, clock, log, 60_000);
    await first.start();
    expect(refusal(() => first.take('bank-x', { perDay: 2, perMinute: 100 }))).toBe('allowed');
    expect(refusal(() => first.take('bank-x', { perDay: 2, perMinute: 100 }))).toBe('allowed');
    expect(refusal(() => first.take('bank-x', { perDay: 2, perMinute: 100 }))).toBe('QUOTA_EXCEEDED:perDay');
    await first.stop();

    clock.advance(5 * 60_000); // 23:55, same day: a restarted gateway still knows the count
    const second = new QuotaCounter(t.store, clock, log, 60_000);
    await second.start();
    expect(refusal(() => second.take('bank-x', { perDay: 2 }))).toBe('QUOTA_EXCEEDED:perDay');
    clock.advance(10 * 60_000); // 00:05 the next day in Shanghai
    expect(refusal(() => second.take('bank-x', { perDay: 2 }))).toBe('allowed');
    await second.stop();
  });

  it('shares counts between replicas once they sync', async () => {
    const clock = fixedClock(new Date('2026-11-24T11:00:00Z'));
    const a = new QuotaCounter(t.store, clock, log, 60_000);
    const b = new QuotaCounter(t.store, clock, log, 60_000);
    await a.start();
    await b.start();
    for (let i = 0; i < 4; i++) a.take('city-d', { perMinute: 5 });
    await a.sync();
    await b.sync();
    expect(refusal(() => b.take('city-d', { perMinute: 5 }))).toBe('allowed');
    expect(refusal(() => b.take('city-d', { perMinute: 5 }))).toBe('QUOTA_EXCEEDED:perMinute');
    await a.stop();
    await b.stop();
  });
});
