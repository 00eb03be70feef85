/**
 * The gateway's view of the partner registry: every partner, loaded at start
 * and refreshed every 2 s, so a change made by the CLI or by another replica
 * on the same database reaches every gateway within a refresh. Listeners hear
 * when a partner is cut off (suspended, or gone from the registry) and end
 * that partner's calls.
 */
import { PeriodicReload } from '../core/periodic-reload.js';
import type { Partner } from './partner.js';

export const DEFAULT_REFRESH_MS = 2_000;

/** Why a partner's calls must end. */
export interface CutOff {
  readonly partnerId: string;
  readonly why: 'suspended' | 'removed';
}

export interface PartnerDirectoryOptions {
  /** Reads every partner (the registry is small). */
  readonly load: () => Promise<readonly Partner[]>;
  /** Time between refreshes (default 2 s). */
  readonly refreshMs?: number;
  /** A failed refresh keeps the last known partners; told here. */
  readonly onError?: (e: unknown) => void;
  /** Every partner whose status changed, was added or removed, after each refresh. */
  readonly onChange?: (before: Partner | undefined, after: Partner | undefined) => void;
}

export class PartnerDirectory {
  private partners = new Map<string, Partner>();
  private readonly listeners = new Set<(c: CutOff) => void>();
  private readonly reload: PeriodicReload<readonly Partner[]>;
  private loaded = false;

  constructor(private readonly opts: PartnerDirectoryOptions) {
    this.reload = new PeriodicReload({ read: opts.load, apply: (rows) => this.apply(rows), onError: (e) => opts.onError?.(e) });
  }

  /** Loads the partners (a failure here is thrown: a gateway must not start blind), then refreshes periodically. */
  async start(): Promise<void> {
    this.apply(await this.opts.load());
    this.reload.every(this.opts.refreshMs ?? DEFAULT_REFRESH_MS);
  }

  get(id: string): Partner | undefined {
    return this.partners.get(id);
  }

  /** All partners as last loaded. */
  all(): Partner[] {
    return [...this.partners.values()];
  }

  /** Hears every cut-off; returns the function that stops listening. */
  onCutOff(listener: (c: CutOff) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Reloads now (at most one load at a time; a call during a load waits for it). */
  refresh(): Promise<void> {
    return this.reload.refresh();
  }

  /** Stops refreshing; resolves when a load under way has finished (so the store can be closed). */
  stop(): Promise<void> {
    return this.reload.stop();
  }

  private apply(rows: readonly Partner[]): void {
    const first = !this.loaded;
    this.loaded = true;
    const previous = this.partners;
    const next = new Map(rows.map((p) => [p.id, p]));
    this.partners = next;
    const cutOffs: CutOff[] = [];
    for (const [id, before] of previous) {
      const after = next.get(id);
      if (!after) {
        if (before.status === 'active') cutOffs.push({ partnerId: id, why: 'removed' });
      } else if (before.status === 'active' && after.status === 'suspended') {
        cutOffs.push({ partnerId: id, why: 'suspended' });
      }
      if (after?.revision !== before.revision) this.opts.onChange?.(before, after);
    }
    if (!first) for (const [id, after] of next) if (!previous.has(id)) this.opts.onChange?.(undefined, after);
    for (const c of cutOffs) {
      for (const listener of [...this.listeners]) {
        try {
          listener(c);
        } catch (e) {
          this.opts.onError?.(e);
        }
      }
    }
  }
}
