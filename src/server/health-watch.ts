/**
 * The standard gRPC health service (grpc.health.v1.Health, issue 9 point 2)
 * on the gateway's mTLS port: the whole server ("") and each credfed service
 * are SERVING while the store answers and the gateway's own certificate is
 * within its validity, NOT_SERVING otherwise, and NOT_SERVING from the moment
 * the gateway starts stopping (so load balancers and readiness probes take it
 * out before its streams end). Checked every few seconds.
 */
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import type * as grpc from '@grpc/grpc-js';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../obs/logger.js';
import type { Queryable } from '../store/repos/queryable.js';

/** The names a health check may ask about: the whole server, and each service. */
export const HEALTH_SERVICES = ['', 'credfed.v1.Federation', 'credfed.v1.Admin'] as const;
const STORE_TIMEOUT_MS = 2_000;

export interface HealthParts {
  readonly store: Queryable;
  /** The gateway's own certificate (PEM file, re-read each check: it may be rotated). */
  readonly certFile: string;
  readonly clock: Clock;
  readonly log: Logger;
  /** Time between checks (default 5 s). */
  readonly intervalMs?: number;
}

export class HealthWatch {
  private readonly health = new HealthImplementation(Object.fromEntries(HEALTH_SERVICES.map((s) => [s, 'NOT_SERVING'])));
  private timer: NodeJS.Timeout | undefined;
  private status: ServingStatus = 'NOT_SERVING';
  private stopping = false;

  constructor(private readonly parts: HealthParts) {}

  addTo(server: grpc.Server): void {
    this.health.addToServer(server);
  }

  /** Checks now, then every interval. */
  async start(): Promise<void> {
    await this.check();
    const every = this.parts.intervalMs ?? 5_000;
    const loop = () => {
      this.timer = setTimeout(() => void this.check().finally(() => !this.stopping && loop()), every);
      this.timer.unref();
    };
    loop();
  }

  /** The gateway is stopping: NOT_SERVING from now on. */
  draining(): void {
    this.stopping = true;
    clearTimeout(this.timer);
    this.set('NOT_SERVING', 'the gateway is stopping');
  }

  private async check(): Promise<void> {
    if (this.stopping) return;
    const problem = (await this.storeProblem()) ?? this.certificateProblem();
    if (this.stopping) return;
    this.set(problem ? 'NOT_SERVING' : 'SERVING', problem);
  }

  private async storeProblem(): Promise<string | undefined> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.parts.store.query('SELECT 1'),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${STORE_TIMEOUT_MS} ms`)), STORE_TIMEOUT_MS))),
      ]);
      return undefined;
    } catch (e) {
      return `the store does not answer: ${(e as Error).message}`;
    } finally {
      clearTimeout(timer);
    }
  }

  private certificateProblem(): string | undefined {
    try {
      const cert = new X509Certificate(fs.readFileSync(this.parts.certFile));
      const now = this.parts.clock.now().getTime();
      if (now < Date.parse(cert.validFrom)) return `the gateway's certificate is valid only from ${cert.validFrom}`;
      if (now >= Date.parse(cert.validTo)) return `the gateway's certificate expired on ${cert.validTo}`;
      return undefined;
    } catch (e) {
      return `the gateway's certificate cannot be read: ${(e as Error).message}`;
    }
  }

  private set(status: ServingStatus, why?: string): void {
    if (status === this.status) return;
    this.status = status;
    for (const s of HEALTH_SERVICES) this.health.setStatus(s, status);
    if (status === 'SERVING') this.parts.log.info({}, 'health: serving');
    else this.parts.log.warn({ why }, 'health: not serving');
  }
}
