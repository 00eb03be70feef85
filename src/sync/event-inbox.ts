/**
 * A queue of events with a timed take: lets one loop wait for whichever comes
 * first of a stream message, a wake-up call or a timeout.
 */
export class EventInbox<T> {
  private readonly items: T[] = [];
  private waiter?: (item: T | undefined) => void;

  push(item: T): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w(item);
    } else {
      this.items.push(item);
    }
  }

  /** The next event, or undefined after `timeoutMs`. */
  take(timeoutMs: number): Promise<T | undefined> {
    const next = this.items.shift();
    if (next !== undefined) return Promise.resolve(next);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        resolve(undefined);
      }, timeoutMs);
      this.waiter = (item) => {
        clearTimeout(timer);
        resolve(item);
      };
    });
  }
}
