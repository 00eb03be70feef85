/**
 * Passes objections and feedback on towards records' origins: every queued
 * item (src/store/repos/upstream-queue-repo.ts) is sent to its partner
 * (Federation.ForwardObjection / ReportFeedback) and removed once the
 * partner acknowledges it; a failure is noted and tried again later, with
 * backoff, so an offline partner receives it when it is back. Replicas may
 * run it together: delivery is idempotent on the message id.
 */
import * as grpc from '@grpc/grpc-js';
import type { NodeConfig } from '../config/node-config.js';
import type { FederationClient } from '../gen/credfed/v1/federation.js';
import type { Logger } from '../obs/logger.js';
import type { PartnerDirectory } from '../partners/partner-directory.js';
import type { PartnerClients } from '../recognition/partner-clients.js';
import { getFeedback, getObjection } from '../store/repos/objections-repo.js';
import { ackUpstream, dueUpstream, retryUpstream, type UpstreamItem } from '../store/repos/upstream-queue-repo.js';
import type { Store } from '../store/store.js';
import { feedbackMessage, objectionMessage } from './objection-wire.js';

const BATCH = 50;
const CALL_TIMEOUT_MS = 10_000;
const FIRST_RETRY_MS = 200;

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
    const items = await dueUpstream(this.parts.store, BATCH);
    await Promise.all(items.map((item) => this.send(item)));
    if (items.length === BATCH) this.again = true;
  }

  private async send(item: UpstreamItem): Promise<void> {
    try {
      await this.deliver(item);
      await ackUpstream(this.parts.store, item);
      this.parts.log.info({ partner: item.partnerId, kind: item.kind, id: item.messageId }, `${item.kind} passed on`);
    } catch (e) {
      const delay = Math.min(FIRST_RETRY_MS * 2 ** item.attempts, this.parts.config.sync.maxBackoffMs);
      const message = (e as grpc.ServiceError).details || (e as Error).message;
      this.parts.log.warn({ partner: item.partnerId, kind: item.kind, id: item.messageId, err: message }, `${item.kind} not passed on yet; trying again`);
      await retryUpstream(this.parts.store, item, message, delay);
    }
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
