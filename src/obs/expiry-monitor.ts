/**
 * The periodic expiry check of one gateway: re-issues our CRL when due
 * (through the tasks it is given, e.g. the CRL keeper), reads the watched
 * certificates and CRLs, logs the warnings expiry-evaluation.ts finds due,
 * and exposes two gauges, computed at scrape time from the injected clock:
 *
 *     credfed_certificate_expiry_seconds{role, subject, serial}
 *     credfed_crl_next_update_seconds{issuer}
 *
 * (negative once expired / past nextUpdate).
 */
import { Gauge } from 'prom-client';
import type { Clock } from '../core/clock.js';
import { alertMessage, daysLeft, ExpiryAlerts, type ExpiryAlert } from './expiry-evaluation.js';
import { mergeWatched, type ExpirySource, type Watched } from './expiry-sources.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

/** Default time between checks. */
export const DEFAULT_EXPIRY_CHECK_MS = 60_000;

export interface ExpiryMonitorOptions {
  readonly sources: readonly ExpirySource[];
  readonly metrics: Metrics;
  readonly clock: Clock;
  readonly log: Logger;
  /** Run before each reading, e.g. the CRL keeper (so the gauge shows a CRL it just published). */
  readonly tasks?: readonly (() => Promise<unknown>)[];
  readonly intervalMs?: number;
}

export class ExpiryMonitor {
  readonly #opts: ExpiryMonitorOptions;
  readonly #alerts = new ExpiryAlerts();
  /** What each source found last (kept when it fails). */
  readonly #found = new Map<string, Watched>();
  /** The source problem last logged per source, so each is logged once. */
  readonly #problems = new Map<string, string>();
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(opts: ExpiryMonitorOptions) {
    this.#opts = opts;
    const watched = () => mergeWatched([...this.#found.values()]);
    const secondsLeft = (at: Date) => (at.getTime() - opts.clock.now().getTime()) / 1000;
    new Gauge({
      name: 'credfed_certificate_expiry_seconds',
      help: 'Seconds until the certificate notAfter (negative once expired); role: own, ca, partner (issued by our CA, valid), anchor (foreign CA)',
      labelNames: ['role', 'subject', 'serial'],
      registers: [opts.metrics],
      collect() {
        this.reset();
        for (const c of watched().certificates) this.set({ role: c.role, subject: c.subject, serial: c.serial }, secondsLeft(c.notAfter));
      },
    });
    new Gauge({
      name: 'credfed_crl_next_update_seconds',
      help: 'Seconds until the CRL nextUpdate (negative once past it); issuer: this node id for our CA, the partner id for a foreign CA',
      labelNames: ['issuer'],
      registers: [opts.metrics],
      collect() {
        this.reset();
        for (const c of watched().crls) this.set({ issuer: c.issuer }, secondsLeft(c.nextUpdate));
      },
    });
  }

  /** Checks once now, then every interval until stop(). */
  async start(): Promise<void> {
    await this.checkNow();
    if (this.#stopped) return;
    this.#timer = setInterval(() => void this.checkNow(), this.#opts.intervalMs ?? DEFAULT_EXPIRY_CHECK_MS);
    this.#timer.unref();
  }

  /** Waits for a check under way; no check starts afterwards. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#running;
  }

  /** One check (tasks, reading, warnings); waits for a check under way first. Never throws. */
  checkNow(): Promise<void> {
    this.#running = this.#running
      .then(() => (this.#stopped ? undefined : this.#check()))
      .catch((e: unknown) => this.#opts.log.error({ err: e }, 'expiry check failed'));
    return this.#running;
  }

  async #check(): Promise<void> {
    const { log, clock } = this.#opts;
    for (const task of this.#opts.tasks ?? []) await task().catch((e: unknown) => log.error({ err: e }, 'expiry task failed'));
    const now = clock.now();
    await Promise.all(
      this.#opts.sources.map(async (source) => {
        try {
          this.#found.set(source.name, await source.read(now));
          this.#problems.delete(source.name);
        } catch (e) {
          const problem = (e as Error).message;
          if (this.#problems.get(source.name) === problem) return;
          this.#problems.set(source.name, problem);
          log.warn({ err: e, file: source.name }, 'cannot read certificates to watch for expiry; keeping what was read last');
        }
      }),
    );
    const watched = mergeWatched([...this.#found.values()]);
    for (const alert of this.#alerts.evaluate(watched.certificates, watched.crls, now)) logAlert(log, alert);
  }
}

function logAlert(log: Logger, alert: ExpiryAlert): void {
  const severe = alert.level === 'expired' || alert.level === 'stale';
  const fields =
    alert.kind === 'certificate'
      ? {
          role: alert.certificate.role,
          subject: alert.certificate.subject,
          serial: alert.certificate.serial,
          notAfter: alert.certificate.notAfter.toISOString(),
          daysLeft: daysLeft(alert.msLeft),
          threshold: alert.level,
        }
      : {
          issuer: alert.crl.issuer,
          nextUpdate: alert.crl.nextUpdate.toISOString(),
          hoursLeft: Math.round((alert.msLeft / 3_600_000) * 10) / 10,
          threshold: alert.level,
        };
  if (severe) log.error(fields, alertMessage(alert));
  else log.warn(fields, alertMessage(alert));
}
