/**
 * Agreement quotas (calls per minute and per day, per partner), counted in
 * this process and shared with the other replicas through `quota_usage`
 * (migration 0010): every `syncMs` each replica adds what it counted and
 * reads everyone's totals. A call is allowed while the last read total plus
 * what this process counted since stays within the quota; the day's count
 * survives restarts. Between two reads, replicas together may overshoot by
 * what the others counted in that second.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import { CredfedError } from '../core/errors.js';
import type { Logger } from '../obs/logger.js';
import type { Store } from '../store/store.js';
import { windowsAt } from './quota-windows.js';

export interface Quotas {
  readonly perMinute?: number;
  readonly perDay?: number;
}

interface Tally {
  /** Everyone's total as last read from the store (this process's flushed counts included). */
  stored: number;
  /** Counted here since the last flush. */
  pending: number;
}

const KEEP_WINDOWS_MS = 3 * 86_400_000;

export class QuotaCounter {
  private readonly replica = `${process.pid}-${randomBytes(4).toString('hex')}`;
  private readonly tallies = new Map<string, Tally>();
  private timer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | undefined;
  private prunedAt = 0;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly syncMs = 1000,
  ) {}

  /** Reads today's and this minute's totals, then keeps them in sync. */
  async start(): Promise<void> {
    await this.sync();
    this.timer = setInterval(() => void this.sync(), this.syncMs);
    this.timer.unref();
  }

  /** Stops syncing after adding what is still pending. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.sync();
  }

  /**
   * Counts one call of `partnerId` against its quotas; throws QUOTA_EXCEEDED
   * (and counts nothing) when the minute's or the day's quota is spent.
   */
  take(partnerId: string, quotas: Quotas): void {
    if (quotas.perMinute === undefined && quotas.perDay === undefined) return;
    const w = windowsAt(this.clock.now());
    const minute = this.tally(partnerId, w.minute);
    const day = this.tally(partnerId, w.day);
    if (quotas.perMinute !== undefined && minute.stored + minute.pending >= quotas.perMinute) {
      throw new CredfedError('QUOTA_EXCEEDED', `partner "${partnerId}" has used its ${quotas.perMinute} calls of this minute`, { quota: 'perMinute' });
    }
    if (quotas.perDay !== undefined && day.stored + day.pending >= quotas.perDay) {
      throw new CredfedError('QUOTA_EXCEEDED', `partner "${partnerId}" has used its ${quotas.perDay} calls of today (Asia/Shanghai)`, { quota: 'perDay' });
    }
    minute.pending++;
    day.pending++;
  }

  private tally(partnerId: string, window: string): Tally {
    const key = `${partnerId}\u0000${window}`;
    let t = this.tallies.get(key);
    if (!t) this.tallies.set(key, (t = { stored: 0, pending: 0 }));
    return t;
  }

  /** Adds the pending counts, then reads the totals of the current windows. One sync at a time. */
  sync(): Promise<void> {
    this.syncing ??= this.syncOnce()
      .catch((e: unknown) => this.log.warn({ err: e }, 'quota counts could not be shared; counting locally until the store answers'))
      .finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  private async syncOnce(): Promise<void> {
    const now = this.clock.now();
    const w = windowsAt(now);
    const flushed = [...this.tallies].filter(([, t]) => t.pending > 0).map(([key, t]) => ({ key, t, n: t.pending }));
    await this.store.transaction(async (tx) => {
      for (const { key, n } of flushed) {
        const [partner, window] = key.split('\u0000');
        await tx.query(
          `INSERT INTO quota_usage (partner_id, quota_window, replica, used) VALUES ($1, $2, $3, $4)
           ON CONFLICT (partner_id, quota_window, replica) DO UPDATE SET used = quota_usage.used + EXCLUDED.used, updated_at = now()`,
          [partner, window, this.replica, n],
        );
      }
    });
    for (const f of flushed) f.t.pending -= f.n;
    const { rows } = await this.store.query<{ partner_id: string; quota_window: string; used: string }>(
      `SELECT partner_id, quota_window, sum(used) AS used FROM quota_usage WHERE quota_window = ANY($1) GROUP BY partner_id, quota_window`,
      [[w.minute, w.day]],
    );
    for (const [key, t] of this.tallies) {
      const window = key.split('\u0000')[1];
      if (window !== w.minute && window !== w.day) this.tallies.delete(key);
      else t.stored = 0;
    }
    for (const r of rows) this.tally(r.partner_id, r.quota_window).stored = Number(r.used);
    if (now.getTime() - this.prunedAt >= 3600_000) {
      this.prunedAt = now.getTime();
      await this.store.query(`DELETE FROM quota_usage WHERE updated_at < $1`, [new Date(now.getTime() - KEEP_WINDOWS_MS)]);
    }
  }
}
