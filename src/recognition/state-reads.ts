/**
 * Subject look-ups for verdicts, coalesced: every identifier asked in one
 * turn of the event loop is resolved, with its subject's records state, by
 * one statement (`subjectStates`) instead of two round trips per call. A
 * read always starts after the call that asked for it arrived, so it sees
 * every change committed before the call, on any replica.
 */
import type { Queryable } from '../store/repos/queryable.js';
import { subjectStates, type SubjectState } from '../store/repos/records-in-force-repo.js';
import { idKey } from '../store/repos/subject-groups.js';

/** Identifiers one statement resolves at most. */
const MAX_PER_READ = 500;

interface Waiting {
  readonly scheme: number;
  readonly value: string;
  readonly resolve: (s: SubjectState | undefined) => void;
  readonly reject: (e: unknown) => void;
}

export class SubjectStateReads {
  private waiting: Waiting[] = [];
  private scheduled = false;

  constructor(private readonly store: Queryable) {}

  /** The canonical subject a (normalised) identifier names and its records state; undefined when it is not linked. */
  get(scheme: number, value: string): Promise<SubjectState | undefined> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ scheme, value, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const all = this.waiting;
    this.waiting = [];
    for (let i = 0; i < all.length; i += MAX_PER_READ) void this.read(all.slice(i, i + MAX_PER_READ));
  }

  private async read(batch: readonly Waiting[]): Promise<void> {
    try {
      const states = await subjectStates(this.store, batch);
      for (const w of batch) w.resolve(states.get(idKey(w.scheme, w.value)));
    } catch (e) {
      for (const w of batch) w.reject(e);
    }
  }
}
