/**
 * The gateway's trust material, kept current: read at start (a failure there
 * stops the start), then every 2 s like the partner registry, so a revocation,
 * an imported anchor or CRL, or replaced TLS files reach every replica within
 * a refresh. A failed read keeps the last material. Listeners hear the server
 * material change, certificates newly revoked, and anchors that stop being
 * trusted; warnings are logged once per state change, and gauges say whether
 * each CRL is current.
 */
import { Gauge } from 'prom-client';
import type { Clock } from '../core/clock.js';
import { isCredfedError } from '../core/errors.js';
import { PeriodicReload } from '../core/periodic-reload.js';
import type { Logger } from '../obs/logger.js';
import type { Metrics } from '../obs/metrics.js';
import { certificateKey } from './serial.js';
import { buildTrustMaterial, type TrustMaterial, type TrustSources } from './trust-material.js';

export const DEFAULT_TRUST_REFRESH_MS = 2_000;

export interface TrustDirectoryOptions {
  readonly read: () => Promise<TrustSources>;
  readonly paths: { readonly ca: string; readonly crl?: string };
  readonly clock: Clock;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly refreshMs?: number;
}

/** What changed in one refresh. */
export interface TrustChange {
  readonly before: TrustMaterial;
  readonly after: TrustMaterial;
}

export class TrustDirectory {
  private material: TrustMaterial | undefined;
  private readonly changeListeners = new Set<(c: TrustChange) => void>();
  private readonly revokedListeners = new Set<(certificates: ReadonlySet<string>) => void>();
  private readonly untrustedListeners = new Set<(partnerId: string) => void>();
  private readonly warned = new Map<string, string>();
  private readonly anchorGauge: Gauge;
  private readonly ownGauge: Gauge;
  private readonly reload: PeriodicReload<TrustMaterial>;

  constructor(private readonly opts: TrustDirectoryOptions) {
    this.reload = new PeriodicReload({ read: () => this.build(), apply: (next) => this.apply(next), onError: (e) => this.refreshFailed(e) });
    this.anchorGauge = new Gauge({
      name: 'credfed_trust_anchor_crl_current',
      help: "1 while a partner's foreign CA (trust anchor) has a current CRL and is trusted, 0 while its partners are refused",
      labelNames: ['partner'],
      registers: [opts.metrics],
    });
    this.ownGauge = new Gauge({
      name: 'credfed_own_crl_current',
      help: "1 while the CRL of this node's own CA is current, 0 when stale (every client of the CA is refused), -1 when none is loaded",
      registers: [opts.metrics],
    });
  }

  /** Builds the first material (throws: a gateway must not start without it), then refreshes periodically. */
  async start(): Promise<TrustMaterial> {
    const first = await this.build();
    this.material = first;
    this.report(first);
    this.reload.every(this.opts.refreshMs ?? DEFAULT_TRUST_REFRESH_MS);
    return first;
  }

  current(): TrustMaterial {
    if (!this.material) throw new Error('TrustDirectory used before start()');
    return this.material;
  }

  /** Hears every refresh that changed the material (before → after). */
  onChange(listener: (c: TrustChange) => void): () => void {
    this.changeListeners.add(listener);
    return () => void this.changeListeners.delete(listener);
  }

  /** Hears the certificates (issuer key / serial, see certificateKey) newly revoked in one refresh. */
  onRevoked(listener: (certificates: ReadonlySet<string>) => void): () => void {
    this.revokedListeners.add(listener);
    return () => void this.revokedListeners.delete(listener);
  }

  /** Hears each partner whose foreign anchor stopped being trusted (CRL stale, removed, …). */
  onAnchorUntrusted(listener: (partnerId: string) => void): () => void {
    this.untrustedListeners.add(listener);
    return () => void this.untrustedListeners.delete(listener);
  }

  /** Re-reads now (one read at a time). */
  refresh(): Promise<void> {
    return this.material ? this.reload.refresh() : Promise.resolve();
  }

  stop(): Promise<void> {
    return this.reload.stop();
  }

  private async build(): Promise<TrustMaterial> {
    const sources = await this.opts.read();
    return buildTrustMaterial(sources, this.opts.clock.now(), this.opts.paths);
  }

  private refreshFailed(e: unknown): void {
    if (isCredfedError(e) && (e.code === 'CERT_INVALID' || e.code === 'CERT_FILE_MISSING')) {
      this.once('refresh', e.message, () => this.opts.log.error({ err: e }, 'the new TLS files or CRLs are unusable; keeping the trust material last loaded'));
    } else {
      this.opts.log.warn({ err: e }, 'reading the trust material failed; keeping the material last loaded');
    }
  }

  private apply(next: TrustMaterial): void {
    const before = this.material!;
    this.material = next;
    this.warned.delete('refresh');
    this.report(next);
    const newlyRevoked = new Set<string>();
    for (const [ca, serials] of next.revoked) {
      const old = before.revoked.get(ca);
      for (const s of serials) if (!old?.has(s)) newlyRevoked.add(certificateKey(ca, s));
    }
    const untrusted = [...before.anchors.values()].filter((a) => a.trusted && !next.anchors.get(a.partnerId)?.trusted).map((a) => a.partnerId);
    const changed = next.serverDigest !== before.serverDigest || next.clientDigest !== before.clientDigest;
    if (changed) this.emit(this.changeListeners, { before, after: next });
    if (newlyRevoked.size > 0) {
      this.opts.log.info({ count: newlyRevoked.size }, 'certificates newly revoked: ending the calls made with them and closing their connections');
      this.emit(this.revokedListeners, newlyRevoked);
    }
    for (const p of untrusted) this.emit(this.untrustedListeners, p);
  }

  private emit<T>(listeners: Set<(v: T) => void>, value: T): void {
    for (const l of [...listeners]) {
      try {
        l(value);
      } catch (e) {
        this.opts.log.error({ err: e }, 'a trust listener failed');
      }
    }
  }

  /** Gauges, and a warning per state change. */
  private report(m: TrustMaterial): void {
    const log = this.opts.log;
    this.ownGauge.set(m.ownCrl === 'none' ? -1 : m.ownCrl === 'current' ? 1 : 0);
    this.once('own-crl', m.ownCrl, () => {
      if (m.ownCrl === 'stale') log.warn({ status: 'stale' }, "the CRL of this node's own CA is past its nextUpdate: every client of that CA is refused until a fresh one is published (credfed ca crl)");
      else if (m.ownCrl === 'none' && m.anchors.size > 0) log.warn({ status: 'none', count: m.anchors.size }, 'foreign trust anchors are imported but not trusted: publish our own CRL first (credfed ca crl, or tls.crl)');
    });
    this.once('warnings', m.warnings.join('\n'), () => m.warnings.forEach((w) => log.warn({}, w)));
    this.anchorGauge.reset();
    for (const a of m.anchors.values()) {
      this.anchorGauge.set({ partner: a.partnerId }, a.trusted ? 1 : 0);
      this.once(`anchor:${a.partnerId}`, a.state, () => {
        if (a.trusted) log.info({ partner: a.partnerId, status: a.state }, `trusting the partner's CA: ${a.detail}`);
        else if (a.state !== 'no-own-crl') log.warn({ partner: a.partnerId, status: a.state }, `refusing the partner's certificates: ${a.detail}`);
      });
    }
  }

  /** Runs `act` when the state under `key` differs from the last one seen. */
  private once(key: string, state: string, act: () => void): void {
    if (this.warned.get(key) === state) return;
    this.warned.set(key, state);
    act();
  }
}
