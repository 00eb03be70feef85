/**
 * Passes objections and feedback on towards records' origins: every queued
 * item (src/store/repos/upstream-queue-repo.ts) is sent to its partner
 * (Federation.ForwardObjection / ReportFeedback) and removed once the
 * partner acknowledges it; a failure is noted and tried again later, with
 * backoff, so an offline partner receives it when it is back; a partner that
 * cannot be reached holds back its other items too. A refusal a retry cannot
 * change (invalid, not found there, not allowed in that state) is logged and
 * kept, not tried again. Replicas run it together: each claims its items, and
 * delivery is idempotent on the message id.
 */
import * as grpc from '@grpc/grpc-js';
import type { NodeConfig } from '../config/node-config.js';
import type { FederationClient } from '../gen/credfed/v1/federation.js';
import type { Logger } from '../obs/logger.js';
import type { PartnerDirectory } from '../partners/partner-directory.js';
import type { PartnerClients } from '../recognition/partner-clients.js';
import { getFeedback, getObjection } from '../store/repos/objections-repo.js';
import { ackUpstream, claimUpstream, refuseUpstream, retryUpstream, type UpstreamItem } from '../store/repos/upstream-queue-repo.js';
import { reasonOf } from '../grpc/to-grpc-error.js';
import type { Store } from '../store/store.js';
import { feedbackMessage, objectionMessage } from './objection-wire.js';

const BATCH = 50;
const CALL_TIMEOUT_MS = 10_000;
const FIRST_RETRY_MS = 200;
/** How long a claimed item is this replica's to send before another may take it. */
const CLAIM_SECONDS = 30;
/** Refusals that a retry cannot change: the message, or the record at that hop, is wrong for good. */
const PERMANENT: ReadonlySet<number> = new Set([grpc.status.INVALID_ARGUMENT, grpc.status.NOT_FOUND, grpc.status.FAILED_PRECONDITION]);

export interface UpstreamParts {
  readonly config: NodeConfig;
  readonly store: Store;
  readonly directory: PartnerDirectory;
  readonly clients: PartnerClients;
  readonly log: Logger;
}

export class UpstreamSender {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  private again = false;

  constructor(private readonly parts: UpstreamParts) {}

  start(): void {
    this.schedule(0);
  }

  /** Something was queued: send it now. */
  notify(): void {
    if (this.stopped) return;
    this.again = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.running.then(() => this.round()).then(
        () => this.schedule(this.again ? 0 : this.parts.config.sync.pollMs * 4),
        (e: unknown) => {
          this.parts.log.warn({ err: e }, 'passing objections and feedback on failed; trying again');
          this.schedule(this.parts.config.sync.maxBackoffMs);
        },
      );
    }, ms);
    this.timer.unref();
  }

  private async round(): Promise<void> {
    this.again = false;
    const items = await claimUpstream(this.parts.store, BATCH, CLAIM_SECONDS);
    // Each partner's items in order; partners in parallel. A partner that cannot be reached is not tried again this round.
    const byPartner = new Map<string, UpstreamItem[]>();
    for (const item of items) byPartner.set(item.partnerId, [...(byPartner.get(item.partnerId) ?? []), item]);
    await Promise.all([...byPartner.values()].map((queue) => this.sendAll(queue)));
    if (items.length === BATCH) this.again = true;
  }

  private async sendAll(queue: readonly UpstreamItem[]): Promise<void> {
    for (const [i, item] of queue.entries()) {
      const failure = await this.send(item);
      if (failure !== undefined) {
        for (const later of queue.slice(i + 1)) await retryUpstream(this.parts.store, later, failure, this.delayFor(later));
        return;
      }
    }
  }

  /** Sends one item and settles it; returns why the partner could not be reached (its other items wait too). */
  private async send(item: UpstreamItem): Promise<string | undefined> {
    const where = { partner: item.partnerId, kind: item.kind, messageId: item.messageId };
    try {
      await this.deliver(item);
      await ackUpstream(this.parts.store, item);
      this.parts.log.info(where, `${item.kind} passed on`);
      return undefined;
    } catch (e) {
      const se = e as grpc.ServiceError;
      const message = se.details || (e as Error).message;
      if (typeof se.code === 'number' && PERMANENT.has(se.code)) {
        this.parts.log.error({ ...where, code: se.code, reason: reasonOf(e), err: message }, `${item.kind} refused by the partner for good; it is kept, not passed on`);
        await refuseUpstream(this.parts.store, item, `${reasonOf(e) ?? se.code}: ${message}`);
        return undefined;
      }
      this.parts.log.warn({ ...where, err: message }, `${item.kind} not passed on yet; trying again`);
      await retryUpstream(this.parts.store, item, message, this.delayFor(item));
      return message;
    }
  }

  private delayFor(item: UpstreamItem): number {
    return Math.min(FIRST_RETRY_MS * 2 ** item.attempts, this.parts.config.sync.maxBackoffMs);
  }

  private async deliver(item: UpstreamItem): Promise<void> {
    const entry = this.parts.directory.get(item.partnerId);
    const endpoint = entry?.endpoint;
    if (!entry || entry.status !== 'active' || !endpoint) throw new Error(`partner "${item.partnerId}" is not an active partner with an endpoint`);
    const client = this.parts.clients.get({ ...entry, endpoint });
    if (item.kind === 'objection') {
      const o = await getObjection(this.parts.store, item.messageId);
      if (o) await call(client, client.forwardObjection, { objection: objectionMessage(o) });
    } else {
      const f = await getFeedback(this.parts.store, item.messageId);
      if (f) await call(client, client.reportFeedback, { feedback: feedbackMessage(f) });
    }
  }
}

type Unary<Req, Res> = (req: Req, md: grpc.Metadata, opts: Partial<grpc.CallOptions>, cb: (e: grpc.ServiceError | null, res: Res) => void) => grpc.ClientUnaryCall;

function call<Req, Res>(client: FederationClient, method: Unary<Req, Res>, req: Req): Promise<Res> {
  return new Promise((resolve, reject) =>
    method.call(client, req, new grpc.Metadata(), { deadline: Date.now() + CALL_TIMEOUT_MS }, (e, res) => (e ? reject(e) : resolve(res))),
  );
}
