/**
 * Closes the connections of what was cut off: a partner suspended or removed
 * from the registry, a revoked certificate, a partner whose foreign CA stopped
 * being trusted. The RPC wrapper ends their calls at once (each call
 * watches); the connections are closed a little later, so the final statuses
 * reach the partner first.
 */
import type { Logger } from '../obs/logger.js';
import type { PartnerConnections } from '../partners/partner-connections.js';
import type { PartnerDirectory } from '../partners/partner-directory.js';
import type { TrustDirectory } from '../trust/trust-directory.js';

/** Time between a cut-off and the closing of its connections. */
export const CUT_OFF_CLOSE_DELAY_MS = 1_000;

export class CutOffCloser {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly connections: PartnerConnections,
    private readonly log: Logger,
  ) {}

  /** Hears the registry's cut-offs and the trust directory's revocations and untrusted anchors. */
  follow(directory: PartnerDirectory, trust: TrustDirectory): void {
    const { connections, log } = this;
    directory.onCutOff(({ partnerId, why }) => {
      log.warn({ partner: partnerId, reason: why }, 'partner cut off: ending its calls and closing its connections');
      this.closeLater(() => connections.close(partnerId), { partner: partnerId }, 'closed the connections of a cut-off partner');
    });
    const trustMessage = 'closed connections of a cut-off certificate or partner';
    trust.onRevoked((certificates) => this.closeLater(() => connections.closeCertificates(certificates), {}, trustMessage));
    trust.onAnchorUntrusted((partnerId) => this.closeLater(() => connections.close(partnerId), { partner: partnerId }, trustMessage));
  }

  /** Drops the closings not yet due (the server's stop closes every connection). */
  stop(): void {
    this.timers.forEach((t) => clearTimeout(t));
  }

  private closeLater(close: () => number, fields: Record<string, unknown>, message: string): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const closed = close();
      if (closed > 0) this.log.info({ ...fields, count: closed }, message);
    }, CUT_OFF_CLOSE_DELAY_MS);
    timer.unref();
    this.timers.add(timer);
  }
}
