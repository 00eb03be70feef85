/**
 * A value read from the store when metrics are scraped, for the gauges that
 * show it: read at most once per `maxAgeMs` (scrapes meanwhile, and scrapes
 * that overlap, share one read), and a read that fails or takes longer than
 * `timeoutMs` leaves the last good value in place — a slow or unreachable
 * store never hangs a scrape. A failure is logged once until a read succeeds.
 */
import type { Logger } from './logger.js';

export interface ScrapeReadingOptions {
  /** How long a value is served without reading again (default 1 s). */
  readonly maxAgeMs?: number;
  /** How long a scrape waits for a read (default 2 s); the read goes on and serves later scrapes. */
  readonly timeoutMs?: number;
  readonly log?: Logger;
}

export class ScrapeReading<T> {
  #value: T;
  #readAt = -Infinity;
  #reading: Promise<void> | undefined;
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
    if (performance.now() - this.#readAt < (this.opts.maxAgeMs ?? 1_000)) return this.#value;
    this.#reading ??= this.read()
      .then(
        (value) => {
          this.#value = value;
          this.#readAt = performance.now();
          this.#failing = false;
        },
        (e: unknown) => {
          if (!this.#failing) this.opts.log?.warn({ err: e, metric: this.what }, 'reading a metric from the store failed; showing the last value read');
          this.#failing = true;
        },
      )
      .finally(() => (this.#reading = undefined));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.opts.timeoutMs ?? 2_000);
      timer.unref();
    });
    await Promise.race([this.#reading, timeout]);
    clearTimeout(timer);
    return this.#value;
  }
}
