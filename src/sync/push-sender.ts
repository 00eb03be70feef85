import type * as grpc from '@grpc/grpc-js';
import type { NodeConfig, PartnerConfig } from '../config/node-config.js';
import { CredfedError } from '../core/errors.js';
import type { PushAck, PushRecordsResponse } from '../gen/credfed/v1/federation.js';
import type { Logger } from '../obs/logger.js';
import { acquireLease, releaseLease } from '../store/repos/lease-repo.js';
import { alignWithReceiver, markAcked, purgeAcked, readAfter } from '../store/repos/outbox-repo.js';
import type { Store } from '../store/store.js';
import { EventInbox } from './event-inbox.js';
import type { PushWireClient } from './push-client.js';
import type { OutgoingBatch } from './push-wire.js';

type StreamEvent =
  | { kind: 'message'; message: PushRecordsResponse }
  | { kind: 'error'; error: Error }
  | { kind: 'end' }
  | { kind: 'wake' };

export interface SenderState {
  sending: boolean;
  lastError: string;
}

const PURGE_EVERY_MS = 60_000;
const AGREEMENT_RECHECK_MS = 1000;

/**
 * Pushes one partner's outbox over Federation.PushRecords. Only the holder of
 * the partner's lease in the database sends; the others wait to take over.
 * Each stream resumes from the receiver's last committed sequence, keeps at
 * most `window` batches unacknowledged and records each acknowledgement.
 */
export class PushSender {
  readonly state: SenderState = { sending: false, lastError: '' };
  private stopped = false;
  private inbox?: EventInbox<StreamEvent>;
  private call?: grpc.ClientDuplexStream<OutgoingBatch, PushRecordsResponse>;
  private idleWake?: () => void;
  private lastPurge = 0;

  constructor(
    private readonly store: Store,
    private readonly config: NodeConfig,
    private readonly partner: PartnerConfig,
    private readonly client: PushWireClient,
    private readonly holderId: string,
    private readonly log: Logger,
    /** Why the partner may not receive our records now (its agreement); undefined when it may. */
    private readonly mayNotSend: () => Error | undefined = () => undefined,
  ) {}

  /** Runs until stop(): takes the lease, streams, reconnects with backoff. */
  async run(): Promise<void> {
    let attempt = 0;
    while (!this.stopped) {
      const refused = this.mayNotSend();
      if (refused) {
        // Nothing is sent, and the outbox keeps everything, until the agreement allows it again.
        if (this.state.lastError !== refused.message) this.log.warn({ err: refused }, 'records are not sent: the agreement does not allow it');
        this.state.lastError = refused.message;
        this.state.sending = false;
        await this.pause(AGREEMENT_RECHECK_MS);
        continue;
      }
      const held = await this.renewLease();
      this.state.sending = held;
      if (!held) {
        await this.pause(this.renewEveryMs());
        continue;
      }
      try {
        await this.stream();
        attempt = 0;
      } catch (e) {
        if (this.stopped) break;
        attempt += 1;
        this.state.lastError = (e as Error).message;
        const delayMs = Math.min(this.config.sync.maxBackoffMs, 200 * 2 ** Math.min(attempt, 10));
        this.log.warn({ err: e, attempt, delayMs }, 'push stream failed; retrying');
        await this.pause(delayMs);
      }
    }
    this.state.sending = false;
    await releaseLease(this.store, this.partner.id, this.holderId).catch(() => undefined);
  }

  /** New outbox rows are waiting: wake the stream now instead of at the next poll. */
  notify(): void {
    this.inbox?.push({ kind: 'wake' });
    this.idleWake?.();
  }

  stop(): void {
    this.stopped = true;
    this.call?.cancel();
    this.notify();
  }

  private async stream(): Promise<void> {
    const inbox = new EventInbox<StreamEvent>();
    const call = this.client.pushRecords();
    this.inbox = inbox;
    this.call = call;
    call.on('data', (message: PushRecordsResponse) => inbox.push({ kind: 'message', message }));
    call.on('error', (error: Error) => inbox.push({ kind: 'error', error }));
    call.on('end', () => inbox.push({ kind: 'end' }));
    try {
      const resume = await this.expect(inbox, 'resume', 30_000);
      let sentThrough = await alignWithReceiver(this.store, this.partner.id, resume.lastSeq);
      this.log.info({ lastSeq: sentThrough }, 'push stream open; resuming');
      this.state.lastError = '';
      const inFlight: number[] = [];
      let leaseCheckedAt = Date.now();
      while (!this.stopped) {
        if (Date.now() - leaseCheckedAt >= this.renewEveryMs()) {
          if (!(await this.renewLease())) throw new CredfedError('UNAVAILABLE', 'sender lease lost to another gateway process');
          leaseCheckedAt = Date.now();
          await this.purgeIfDue();
        }
        const refused = this.mayNotSend();
        if (refused) throw refused;
        while (inFlight.length < this.config.sync.window) {
          const rows = await readAfter(this.store, this.partner.id, sentThrough, {
            maxRows: this.config.sync.batchSize,
            maxBytes: Math.floor(this.config.limits.maxMessageBytes * 0.8),
          });
          if (rows.length === 0) break;
          call.write({ rows });
          sentThrough = rows.at(-1)!.seq;
          inFlight.push(sentThrough);
        }
        const event = await inbox.take(inFlight.length > 0 ? this.renewEveryMs() : this.config.sync.pollMs);
        if (!event || event.kind === 'wake') continue;
        const ack = this.ackOf(event);
        while (inFlight.length > 0 && inFlight[0]! <= ack.throughSeq) inFlight.shift();
        await markAcked(this.store, this.partner.id, ack.throughSeq, ack.rejections);
        if (ack.rejections.length > 0) this.log.warn({ rejected: ack.rejections.length, throughSeq: ack.throughSeq }, 'partner rejected records');
      }
    } finally {
      this.inbox = undefined;
      this.call = undefined;
      call.cancel();
    }
  }

  private ackOf(event: StreamEvent): PushAck {
    if (event.kind === 'message' && event.message.message?.$case === 'ack') return event.message.message.value;
    throw this.streamEnded(event);
  }

  private async expect(inbox: EventInbox<StreamEvent>, what: 'resume', timeoutMs: number) {
    const event = await inbox.take(timeoutMs);
    if (!event) throw new CredfedError('UNAVAILABLE', `partner sent no ${what} within ${timeoutMs} ms`);
    if (event.kind === 'message' && event.message.message?.$case === what) return event.message.message.value;
    throw this.streamEnded(event);
  }

  private streamEnded(event: StreamEvent | undefined): Error {
    if (event?.kind === 'error') return event.error;
    if (event?.kind === 'end') return new CredfedError('UNAVAILABLE', 'partner ended the stream');
    return new CredfedError('PROTOCOL_VIOLATION', 'unexpected message from partner');
  }

  private async renewLease(): Promise<boolean> {
    try {
      return await acquireLease(this.store, this.partner.id, this.holderId, this.config.sync.leaseSeconds);
    } catch (e) {
      this.state.lastError = `store: ${(e as Error).message}`;
      return false;
    }
  }

  private async purgeIfDue(): Promise<void> {
    if (Date.now() - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = Date.now();
    const purged = await purgeAcked(this.store, this.partner.id, this.config.sync.retentionDays * 86_400);
    if (purged > 0) this.log.info({ count: purged }, 'purged acknowledged outbox rows past retention');
  }

  private renewEveryMs(): number {
    return Math.floor((this.config.sync.leaseSeconds * 1000) / 3);
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.idleWake = done;
    });
  }
}
