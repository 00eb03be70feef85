/**
 * The active agreements as a gateway sees them: read at start, then re-read
 * every `refreshMs` (default 2 s) when their revision changed — so an
 * activation reaches every replica within 5 s. Read errors keep the set last
 * read. The enforcement gate asks it which agreement governs a partner.
 */
import type { AgreementInForce } from '../core/agreements/agreement.js';
import { selectGoverning } from '../core/agreements/governing.js';
import type { Logger } from '../obs/logger.js';
import { agreementsRevision, listActive } from '../store/repos/agreements-repo.js';
import type { Store } from '../store/store.js';

export class AgreementDirectory {
  private active: readonly AgreementInForce[] = [];
  private revision = -1;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly refreshMs = 2000,
  ) {}

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch((e: unknown) => this.log.warn({ err: e }, 'reading the agreements failed; keeping those last read')), this.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  governing(partner: { readonly id: string; readonly kind: string }): AgreementInForce | undefined {
    return selectGoverning(this.active, partner);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Re-reads the active set if its revision changed. */
  async refresh(): Promise<void> {
    const revision = await agreementsRevision(this.store);
    if (revision === this.revision) return;
    this.active = await listActive(this.store);
    this.revision = revision;
    this.log.info({ count: this.active.length }, 'agreements read');
    for (const l of [...this.listeners]) l();
  }
}
