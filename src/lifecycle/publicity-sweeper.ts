/**
 * Automatic expiry (issue 8, point 1): every `lifecycle.sweepSeconds`, and
 * at start, records in force past their publicity — by their own dates or
 * by the maximum of their category and severity, on today's date in
 * Asia/Shanghai from the gateway's clock — are marked expired in this
 * node's store. Verdicts and query results read records in force only, so
 * an expired record leaves them at once (a cached verdict too: its records
 * state changed). Every node sweeps the records it holds, its own and those
 * it received, so a record leaves every platform that holds it.
 *
 * Each sweep also prunes the change feed (Subscribe) of events older than
 * `feed.retainDays`: a subscriber further behind is told to pull in full.
 *
 * Rows stored before migration 0012 have their lifecycle columns filled in
 * first, a page at a time. Replicas on one store may sweep together: every
 * statement is idempotent.
 */
import type { Clock } from '../core/clock.js';
import { ownEndsOn, publicityLimits, severityOf, shanghaiDate, type PublicityLimit, type PublicityRule } from '../core/lifecycle/publicity.js';
import { CreditRecord } from '../gen/credfed/v1/record.js';
import type { Logger } from '../obs/logger.js';
import { pruneFeed } from '../store/repos/feed-repo.js';
import { expirePastPublicity, fillLifecycle, unreadLifecycleRows } from '../store/repos/lifecycle-repo.js';
import type { Queryable } from '../store/repos/queryable.js';

const FILL_PAGE = 1000;

export interface SweeperParts {
  readonly store: Queryable;
  readonly rules: readonly PublicityRule[];
  readonly sweepSeconds: number;
  readonly clock: Clock;
  readonly log: Logger;
  /** Feed events are kept this many days; unset: never pruned. */
  readonly feedRetainDays?: number;
}

export class PublicitySweeper {
  private readonly limits: readonly PublicityLimit[];
  private timer: NodeJS.Timeout | undefined;
  /** The sweeps, one after another. */
  private chain: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(private readonly parts: SweeperParts) {
    this.limits = publicityLimits(parts.rules);
  }

  /** Sweeps now, then every `sweepSeconds`. */
  start(): void {
    this.schedule(0);
  }

  /** Sweeps once (after the sweep under way, if any); resolves with the number of records it expired. */
  sweep(): Promise<number> {
    const run = this.chain.then(() => this.sweepOnce());
    this.chain = run.catch(() => undefined);
    return run;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.chain;
  }

  private async sweepOnce(): Promise<number> {
    await this.fillUnread();
    const expired = await expirePastPublicity(this.parts.store, shanghaiDate(this.parts.clock.now().getTime()), this.limits);
    if (expired > 0) this.parts.log.info({ count: expired }, 'records past their publicity marked expired');
    const retain = this.parts.feedRetainDays;
    if (retain !== undefined) {
      // By the database's clock, which stamped the events (the injected clock drives publicity only).
      const pruned = await pruneFeed(this.parts.store, retain);
      if (pruned > 0) this.parts.log.info({ count: pruned }, 'feed events past feed.retainDays pruned');
    }
    return expired;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.sweep().then(
        () => this.schedule(this.parts.sweepSeconds * 1000),
        (e: unknown) => {
          this.parts.log.warn({ err: e }, 'the publicity sweep failed; retrying at the next one');
          this.schedule(this.parts.sweepSeconds * 1000);
        },
      );
    }, ms);
    this.timer.unref();
  }

  /** Fills the lifecycle columns of rows stored before they existed. */
  private async fillUnread(): Promise<void> {
    let filled = 0;
    for (;;) {
      const rows = await unreadLifecycleRows(this.parts.store, FILL_PAGE);
      if (rows.length === 0) break;
      const updated = await fillLifecycle(
        this.parts.store,
        rows.map((r) => {
          const record = CreditRecord.decode(r.payload);
          return { ...r, severity: severityOf(record), endsOn: ownEndsOn(record) };
        }),
      );
      filled += updated;
      // A page none of which could be filled (each row replaced meanwhile by a version that brought its own) ends the pass.
      if (this.stopped || updated === 0 || rows.length < FILL_PAGE) break;
    }
    if (filled > 0) this.parts.log.info({ count: filled }, 'publicity dates read for records stored before them');
  }
}
