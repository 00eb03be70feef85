/**
 * How a gateway undoes its start-up: each part registers how it is stopped
 * (a closer), and the closers run newest first — all of them when the
 * gateway stops, and those registered so far when a later step of the
 * start-up fails. Closers run one at a time; one that throws does not stop
 * the others (the store still closes), and its error is rethrown at the end.
 */
export class Closers {
  private readonly stack: Array<() => unknown> = [];

  /** Registers `close`; it runs before every closer registered earlier. */
  push(close: () => unknown): void {
    this.stack.push(close);
  }

  /** Runs `setUp`; when it throws, runs the closers registered so far, then rethrows. */
  async unwindOnFailure<T>(setUp: () => Promise<T>): Promise<T> {
    try {
      return await setUp();
    } catch (e) {
      await this.closeAll();
      throw e;
    }
  }

  /** Runs every closer, newest first; rejects with the first error once all have run. */
  async closeAll(): Promise<void> {
    const failures: unknown[] = [];
    for (let close = this.stack.pop(); close; close = this.stack.pop()) {
      try {
        await close();
      } catch (e) {
        failures.push(e);
      }
    }
    if (failures.length > 0) throw failures[0];
  }
}
