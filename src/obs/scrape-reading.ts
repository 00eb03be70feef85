/**
 * A value read from the store when metrics are scraped, for the gauges that
 * show it: read at most once per `maxAgeMs` (scrapes meanwhile, and scrapes
 * that overlap, share one read), and a read that fails or takes longer than
 * `timeoutMs` leaves the last good value in place — a slow or unreachable
 * store never hangs a scrape. A failure is logged once until a read succeeds.
 *
 * A read never freezes the value for good: its statements run under a
 * statement timeout (`readWithTimeout`), so the server ends one blocked in
 * the store; and a read still pending after `staleMs` (a connection that
 * went silent) is given up — logged, its late result ignored when older than
 * the value shown — and the next scrape starts another. At most one read
 * given up is left pending at a time, so a dead store does not take the pool.
 */
import type { Queryable } from '../store/repos/queryable.js';
import type { Store } from '../store/store.js';
import type { Logger } from './logger.js';

/** How long the server lets a statement of a scrape read run (the statement_timeout of its transaction). */
export const SCRAPE_STATEMENT_TIMEOUT_MS = 5_000;

export interface ScrapeReadingOptions {
  /** How long a value is served without reading again (default 1 s). */
  readonly maxAgeMs?: number;
  /** How long a scrape waits for a read (default 2 s); the read goes on and serves later scrapes. */
  readonly timeoutMs?: number;
  /** After how long a pending read is given up and the next scrape reads again (default 10 s). */
  readonly staleMs?: number;
  readonly log?: Logger;
}

/** What a scrape read needs of the store: a transaction, to bound its statements. */
export type ScrapeStore = Pick<Store, 'transaction'>;

/** Runs `read` in a transaction whose statements the server cancels after `ms` (statement_timeout). */
export function readWithTimeout<T>(store: ScrapeStore, read: (q: Queryable) => Promise<T>, ms = SCRAPE_STATEMENT_TIMEOUT_MS): Promise<T> {
  return store.transaction(async (tx) => {
    await tx.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.ceil(ms))}`);
    return read(tx);
  });
}

interface Read {
  readonly startedAt: number;
  readonly done: Promise<void>;
}

export class ScrapeReading<T> {
  #value: T;
  #readAt = -Infinity;
  /** When the read that produced the value started: a read started earlier never replaces it. */
  #valueFrom = -Infinity;
  #reading: Read | undefined;
  /** A read given up on that has not settled yet. */
  #abandoned: Promise<void> | undefined;
  #failing = false;

  constructor(
    private readonly what: string,
    private readonly read: () => Promise<T>,
    initial: T,
    private readonly opts: ScrapeReadingOptions = {},
  ) {
    this.#value = initial;
  }

  /** The value, read again when older than maxAgeMs. Never throws. */
  async get(): Promise<T> {
    const now = performance.now();
    if (now - this.#readAt < (this.opts.maxAgeMs ?? 1_000)) return this.#value;
    const staleMs = this.opts.staleMs ?? 10_000;
    if (this.#reading && now - this.#reading.startedAt >= staleMs && !this.#abandoned) {
      this.opts.log?.warn({ metric: this.what, pendingMs: Math.round(now - this.#reading.startedAt) }, 'reading a metric from the store has not finished; reading it again');
      const abandoned = this.#reading.done.finally(() => {
        if (this.#abandoned === abandoned) this.#abandoned = undefined;
      });
      this.#abandoned = abandoned;
      this.#reading = undefined;
    }
    this.#reading ??= this.start();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.opts.timeoutMs ?? 2_000);
      timer.unref();
    });
    await Promise.race([this.#reading.done, timeout]);
    clearTimeout(timer);
    return this.#value;
  }

  private start(): Read {
    const startedAt = performance.now();
    const read: Read = {
      startedAt,
      done: Promise.resolve()
        .then(() => this.read())
        .then(
          (value) => {
            if (startedAt <= this.#valueFrom) return; // a read given up on, landing after a newer one
            this.#value = value;
            this.#valueFrom = startedAt;
            this.#readAt = performance.now();
            this.#failing = false;
          },
          (e: unknown) => {
            if (!this.#failing) this.opts.log?.warn({ err: e, metric: this.what }, 'reading a metric from the store failed; showing the last value read');
            this.#failing = true;
          },
        )
        .finally(() => {
          if (this.#reading === read) this.#reading = undefined;
        }),
    };
    return read;
  }
}
