/**
 * The push senders of a gateway: one per push partner of the configuration
 * while the partner is active in the registry. A suspended partner gets
 * nothing (its outbox keeps filling) and its sender starts again once it is
 * resumed. A sender is restarted on a new channel when our own certificate,
 * key or tls.ca change, or when the foreign CA its partner is bound to becomes
 * trusted or not (it resumes from the receiver's cursor).
 */
import { randomUUID } from 'node:crypto';
import type { NodeConfig, PartnerConfig } from '../config/node-config.js';
import type { Logger } from '../obs/logger.js';
import type { Partner } from '../partners/partner.js';
import type { PartnerDirectory } from '../partners/partner-directory.js';
import { clientCredentials } from '../pki/grpc-credentials.js';
import type { TlsFiles } from '../pki/tls-files.js';
import type { Store } from '../store/store.js';
import { createPushClient, type PushWireClient } from '../sync/push-client.js';
import { PushSender, type SenderState } from '../sync/push-sender.js';
import type { TrustDirectory, TrustChange } from '../trust/trust-directory.js';
import { boundAnchorPem } from '../trust/partner-anchor.js';
import type { TrustMaterial } from '../trust/trust-material.js';
import { channelOptions } from './grpc-options.js';

export interface SenderPoolParts {
  readonly config: NodeConfig;
  readonly store: Store;
  readonly directory: PartnerDirectory;
  readonly trust: TrustDirectory;
  /** Our own TLS files as loaded at start (replaced when the trust material's client files change). */
  readonly tls: TlsFiles;
  readonly log: Logger;
  /**
   * Why our records may not be sent to a partner now (its agreement is not
   * in force or does not allow `pull`); undefined when they may. Absent:
   * agreements are not enforced (benchmarks only).
   */
  readonly mayNotSend?: (partner: PartnerConfig) => Error | undefined;
}

export class SenderPool {
  private readonly senders = new Map<string, PushSender>();
  private readonly runs = new Map<string, Promise<void>>();
  private readonly stoppedSenders = new WeakSet<PushSender>();
  private readonly pushPartners: readonly PartnerConfig[];
  private readonly holderId: string;
  private tls: TlsFiles;
  private started = false;
  private closing = false;

  constructor(private readonly parts: SenderPoolParts) {
    this.pushPartners = parts.config.partners.filter((p) => p.push);
    this.holderId = `${parts.config.nodeId}/${process.pid}/${randomUUID()}`;
    this.tls = parts.tls;
  }

  /** Starts a sender per active push partner; from now on, registry and trust changes start and stop them. */
  start(): void {
    this.started = true;
    for (const partner of this.pushPartners) {
      if (this.isActive(partner.id)) this.startSender(partner);
      else this.parts.log.warn({ partner: partner.id }, 'not pushing to this partner: it is suspended or not in the registry');
    }
  }

  /** The state of each sender, by partner. */
  states(): Map<string, SenderState> {
    return new Map([...this.senders].map(([id, s]) => [id, s.state]));
  }

  /** Wakes the senders after local writes to the outbox. */
  notify(): void {
    this.senders.forEach((s) => s.notify());
  }

  /** A partner of the registry changed: stops its sender when it is no longer active, starts one when it is again. */
  onPartnerChange(before: Partner | undefined, after: Partner | undefined): void {
    const partner = this.pushPartners.find((p) => p.id === (after ?? before)?.id);
    if (!partner || !this.started || this.closing) return;
    if (after?.status !== 'active') {
      const sender = this.senders.get(partner.id);
      if (!sender || !this.stopSender(sender)) return;
      void this.runs.get(partner.id)?.then(() => (sender.state.lastError = 'not sending: the partner is suspended or not in the registry'));
    } else if (before?.status !== 'active') {
      // Resumed: start a new sender once the stopped one has released its lease.
      void (this.runs.get(partner.id) ?? Promise.resolve()).then(() => {
        const current = this.senders.get(partner.id);
        if (!this.closing && this.isActive(partner.id) && (!current || this.stoppedSenders.has(current))) this.startSender(partner);
      });
    }
  }

  /** The trust material changed: restarts the senders whose own files or partner anchor changed. */
  onTrustChange({ before, after }: TrustChange): void {
    if (this.closing) return;
    const ownChanged = after.clientDigest !== before.clientDigest;
    if (ownChanged) this.tls = after.client;
    for (const partner of this.pushPartners) {
      const sender = this.senders.get(partner.id);
      if (!sender || this.stoppedSenders.has(sender)) continue;
      if (!ownChanged && this.anchorOf(before, partner.id) === this.anchorOf(after, partner.id)) continue;
      this.stopSender(sender);
      void this.runs.get(partner.id)?.then(() => {
        if (!this.closing && this.senders.get(partner.id) === sender && this.isActive(partner.id)) this.startSender(partner);
      });
    }
  }

  /** Stops every sender and waits for them to finish. */
  async stop(): Promise<void> {
    this.closing = true;
    this.senders.forEach((s) => s.stop());
    await Promise.allSettled(this.runs.values());
  }

  private startSender(partner: PartnerConfig): void {
    const { config, store, log } = this.parts;
    const client = partnerClient(config, this.senderTls(partner.id), partner.id, partner.endpoint!);
    const gate = this.parts.mayNotSend;
    const sender = new PushSender(store, config, partner, client, this.holderId, log.child({ partner: partner.id }), gate ? () => gate(partner) : undefined);
    this.senders.set(partner.id, sender);
    this.runs.set(partner.id, sender.run().finally(() => client.close()));
  }

  /** Stops `sender` unless it was stopped already; says whether it did. */
  private stopSender(sender: PushSender): boolean {
    if (this.stoppedSenders.has(sender)) return false;
    this.stoppedSenders.add(sender);
    sender.stop();
    return true;
  }

  private isActive(partnerId: string): boolean {
    return this.parts.directory.get(partnerId)?.status === 'active';
  }

  /** A sender to a partner bound to a foreign CA trusts that CA alone for the partner's server certificate. */
  private senderTls(partnerId: string): TlsFiles {
    const anchorPem = this.anchorOf(this.parts.trust.current(), partnerId);
    return anchorPem === undefined ? this.tls : { ...this.tls, ca: Buffer.from(anchorPem) };
  }

  private anchorOf(m: TrustMaterial, partnerId: string): string | undefined {
    return boundAnchorPem(m, this.parts.directory.get(partnerId));
  }
}

function partnerClient(config: NodeConfig, tls: TlsFiles, partnerId: string, endpoint: string): PushWireClient {
  const creds = clientCredentials(tls, { federation: config.federation, kind: 'partner', id: partnerId });
  return createPushClient(endpoint, creds, channelOptions(config, partnerId));
}
