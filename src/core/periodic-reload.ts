/**
 * Re-reads a source periodically and hands each result over, one read at a
 * time: a refresh asked for during a read waits for that read; a failed read
 * is reported and changes nothing; nothing is handed over once stopped.
 */
export interface PeriodicReloadOptions<T> {
  readonly read: () => Promise<T>;
  readonly apply: (value: T) => void;
  readonly onError: (e: unknown) => void;
}

export class PeriodicReload<T> {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly opts: PeriodicReloadOptions<T>) {}

  /** Refreshes every `ms` from now on (unless stopped already); the timer does not keep the process alive. */
  every(ms: number): void {
    if (this.stopped) return;
    this.timer = setInterval(() => void this.refresh(), ms);
    this.timer.unref();
  }

  /** Reads now (at most one read at a time; a call during a read waits for it). */
  refresh(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.inFlight ??= this.opts
      .read()
      .then(
        (value) => {
          if (!this.stopped) this.opts.apply(value);
        },
        (e: unknown) => this.opts.onError(e),
      )
      .finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /** Stops refreshing; resolves when a read under way has finished (so its source can be closed). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }
}
