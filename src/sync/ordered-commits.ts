/**
 * Runs a stream's batch commits with some overlap, never out of order: up to
 * `parallel` batches are in their transactions at once; each one is handed the
 * outcome of the batch before it and commits only after that one did (the
 * caller awaits it just before committing); a batch that shares a key (a
 * record, an identifier) with one still running starts only after it, so two
 * transactions of one stream never wait on each other's row locks while the
 * later one waits for the earlier to commit.
 */
interface Running {
  readonly keys: ReadonlySet<string>;
  readonly settled: Promise<void>;
}

export class OrderedCommits<T> {
  private last: Promise<unknown> = Promise.resolve();
  private startGate: Promise<void> = Promise.resolve();
  private readonly running = new Set<Running>();

  constructor(private readonly parallel: number) {}

  /**
   * Schedules `work` after the work added before it has started, once a slot
   * is free and no running work shares one of `keys`. `previous` settles as the
   * work added just before settles. Returns what `work` returns.
   */
  add(keys: ReadonlySet<string>, work: (previous: Promise<unknown>) => Promise<T>): Promise<T> {
    const previous = this.last;
    let result!: Promise<T>;
    const started = this.startGate.then(async () => {
      await this.slotFor(keys);
      result = work(previous);
      const entry: Running = {
        keys,
        settled: result.then(
          () => undefined,
          () => undefined,
        ).finally(() => this.running.delete(entry)),
      };
      this.running.add(entry);
    });
    this.startGate = started;
    const outcome = started.then(() => result);
    this.last = outcome;
    return outcome;
  }

  private async slotFor(keys: ReadonlySet<string>): Promise<void> {
    for (;;) {
      const busy = [...this.running];
      const blockers = busy.filter((r) => shares(r.keys, keys));
      if (blockers.length === 0 && busy.length < this.parallel) return;
      await Promise.race((blockers.length > 0 ? blockers : busy).map((r) => r.settled));
    }
  }
}

function shares(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const k of small) if (large.has(k)) return true;
  return false;
}
