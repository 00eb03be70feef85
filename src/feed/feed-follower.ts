/**
 * Following partners' change feeds (partners[].subscribe): for each such
 * partner, a Subscribe stream from the cursor this node stored last (empty
 * the first time: a full pull), whose records are checked as pushed records
 * are (validity, the partner's agreement, persons) and stored, in one
 * transaction with the cursor of the last message they came with. So a
 * follower stopped at any point resumes exactly after what it stored. A
 * cursor the partner no longer serves (CURSOR_EXPIRED) is forgotten and the
 * next stream pulls in full. Streams that fail are opened again with backoff.
 * One replica follows each partner at a time (a lease in the store, as the
 * push senders hold), reading the stream no faster than it stores.
 *
 * The records received are stored, not forwarded; a repair or revocation
 * that arrives changes this node's own verdicts at once, and the records
 * state of the subject, so verdicts it cached from partners are asked again.
 */
import { randomUUID } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import type { NodeConfig, PartnerConfig } from '../config/node-config.js';
import type { Agreement } from '../core/agreements/agreement.js';
import { CredfedError } from '../core/errors.js';
import type { SubscribeResponse } from '../gen/credfed/v1/feed.js';
import type { CreditRecord } from '../gen/credfed/v1/record.js';
import { reasonOf as grpcReasonOf } from '../grpc/to-grpc-error.js';
import type { Logger } from '../obs/logger.js';
import type { ReceivedRecords } from '../obs/records-meter.js';
import type { FeedState } from '../obs/subscription-backlog.js';
import type { PartnerDirectory } from '../partners/partner-directory.js';
import type { PersonsProtection } from '../persons/persons-protection.js';
import type { PartnerClients } from '../recognition/partner-clients.js';
import { applyRecords } from '../store/repos/apply-records.js';
import { clearFeedCursor, loadFeedCursor, saveFeedCursor } from '../store/repos/feed-repo.js';
import { acquireLease, releaseLease } from '../store/repos/lease-repo.js';
import { insertPersonIdentities } from '../store/repos/person-identities-repo.js';
import type { Store } from '../store/store.js';
import { checkBatch } from '../sync/commit-batch.js';

/** Records stored per transaction at most. */
const FLUSH_RECORDS = 500;
/** A partial batch is stored after this long without more. */
const FLUSH_MS = 20;
const MIN_BACKOFF_MS = 200;
/** Batches waiting to be stored before reading from the stream pauses. */
const MAX_WAITING_FLUSHES = 2;

export interface FollowerParts {
  readonly config: NodeConfig;
  readonly store: Store;
  readonly directory: PartnerDirectory;
  readonly clients: PartnerClients;
  readonly persons: PersonsProtection;
  /** The agreement under which the partner may deliver records to us (direction push); throws the refusal. Undefined: not enforced. */
  readonly agreementFor?: (partner: PartnerConfig) => Agreement | undefined;
  readonly log: Logger;
  /** Hears each stored batch, after its commit (the records and timeliness meters). */
  readonly received?: ReceivedRecords;
  /** Hears whether this node is caught up with each partner's feed, behind it, or leaving it to another replica. */
  readonly feedState?: (partnerId: string, state: FeedState) => void;
}

export class FeedFollower {
  private readonly follows: Follow[] = [];

  constructor(private readonly parts: FollowerParts) {}

  start(): void {
    for (const partner of this.parts.config.partners) {
      if (!partner.subscribe) continue;
      const follow = new Follow(this.parts, partner);
      this.follows.push(follow);
      follow.start();
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.follows.map((f) => f.stop()));
  }
}

/** One partner's feed, followed until stopped. */
class Follow {
  private stopped = false;
  private call: grpc.ClientReadableStream<SubscribeResponse> | undefined;
  private running: Promise<void> = Promise.resolve();
  private readonly log: Logger;
  /** Ends the pause between streams when stopping. */
  private wake: () => void = () => undefined;
  /** The lease that lets one replica only follow this partner's feed. */
  private readonly lease: string;
  private readonly holder = `${process.pid}-${randomUUID()}`;

  constructor(
    private readonly parts: FollowerParts,
    private readonly partner: PartnerConfig,
  ) {
    this.log = parts.log.child({ feedOf: partner.id });
    this.lease = `feed:${partner.id}`;
  }

  start(): void {
    this.state('behind');
    this.running = this.loop();
  }

  private state(state: FeedState): void {
    this.parts.feedState?.(this.partner.id, state);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.call?.cancel();
    this.wake();
    await this.running;
    await releaseLease(this.parts.store, this.lease, this.holder).catch(() => undefined);
  }

  private async loop(): Promise<void> {
    let backoff = MIN_BACKOFF_MS;
    while (!this.stopped) {
      let delivered = 0;
      try {
        delivered = await this.follow();
      } catch (e) {
        delivered = await this.failed(e);
      }
      if (this.stopped) return;
      backoff = delivered > 0 ? MIN_BACKOFF_MS : Math.min(backoff * 2, this.parts.config.sync.maxBackoffMs);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, backoff);
        this.wake = () => (clearTimeout(timer), resolve());
      });
    }
  }

  /** One stream, until it ends; resolves with the records it stored. */
  private async follow(): Promise<number> {
    const entry = this.parts.directory.get(this.partner.id);
    const endpoint = entry?.endpoint ?? this.partner.endpoint;
    if (!entry || entry.status !== 'active' || !endpoint) throw new CredfedError('PEER_NOT_ALLOWED', `partner "${this.partner.id}" is not an active partner with an endpoint`);
    const ttl = this.parts.config.sync.leaseSeconds;
    if (!(await acquireLease(this.parts.store, this.lease, this.holder, ttl))) {
      this.state('standby');
      return 0; // another replica follows it
    }
    this.state('behind');
    const cursor = (await loadFeedCursor(this.parts.store, this.partner.id)) ?? '';
    if (this.stopped) return 0;
    const client = this.parts.clients.get({ ...entry, endpoint });
    const call = client.subscribe({ cursor, categories: [], watch: [] });
    this.call = call;
    this.log.info({ resumed: cursor !== '' }, 'following the partner feed');
    // Keep the lease while the stream runs; losing it (this replica stalled) ends the stream.
    const renew = setInterval(() => {
      acquireLease(this.parts.store, this.lease, this.holder, ttl).then(
        (held) => held || call.cancel(),
        () => call.cancel(),
      );
    }, (ttl * 1000) / 3);
    try {
      return await this.consume(call);
    } finally {
      clearInterval(renew);
      this.state('behind');
    }
  }

  /** Stores what the stream delivers, a batch per transaction, reading no faster than it stores. */
  private consume(call: grpc.ClientReadableStream<SubscribeResponse>): Promise<number> {
    let stored = 0;
    let pending: CreditRecord[] = [];
    let pendingCursor = '';
    let timer: NodeJS.Timeout | undefined;
    let waiting = 0;
    let flushing: Promise<void> = Promise.resolve();
    /** Whether the stream said caught_up: from then on it delivers changes as they are stored. */
    let live = false;
    /** Record messages received so far: caught up once those are stored and no other came meanwhile. */
    let arrived = 0;
    const flush = () => {
      clearTimeout(timer);
      timer = undefined;
      const records = pending;
      const at = pendingCursor;
      pending = [];
      pendingCursor = '';
      if (records.length === 0 && at === '') return flushing;
      if (++waiting > MAX_WAITING_FLUSHES) call.pause();
      const upTo = arrived;
      flushing = flushing.then(async () => {
        stored += await this.store(records, at);
        if (waiting-- > MAX_WAITING_FLUSHES) call.resume();
        if (live && upTo === arrived && !this.stopped) this.state('caught_up');
      });
      flushing.catch(() => call.cancel());
      return flushing;
    };
    return new Promise<number>((resolve, reject) => {
      call.on('data', (m: SubscribeResponse) => {
        if (m.event?.$case === 'record') {
          if (m.event.value.record) pending.push(m.event.value.record);
          arrived++;
          this.state('behind');
        }
        if (m.cursor !== '') pendingCursor = m.cursor;
        if (m.event?.$case === 'caughtUp') live = true;
        if (pending.length >= FLUSH_RECORDS || m.event?.$case === 'snapshotEnd' || m.event?.$case === 'caughtUp') void flush();
        else timer ??= setTimeout(() => void flush(), FLUSH_MS);
      });
      call.on('error', (e) => void flush().then(() => reject(e), reject));
      call.on('end', () => void flush().then(() => resolve(stored), reject));
    });
  }

  /** Stores the records and moves the cursor, in one transaction. */
  private async store(records: readonly CreditRecord[], cursor: string): Promise<number> {
    if (records.length === 0) {
      await saveFeedCursor(this.parts.store, this.partner.id, cursor);
      return 0;
    }
    const agreement = this.parts.agreementFor?.(this.partner);
    const checked = checkBatch(this.partner, records.map((record, i) => ({ seq: i + 1, record })), this.parts.persons, agreement);
    for (const item of checked.items) if (item.rejection) this.log.warn({ recordId: item.rejection.recordId, reason: item.rejection.reason, field: item.rejection.field }, 'feed record refused');
    const valid = checked.items.flatMap((item) => (item.rejection ? [] : [item]));
    const accepted = await this.parts.store.transaction(async (tx) => {
      await insertPersonIdentities(tx, valid.flatMap((v) => v.identities));
      const outcomes = await applyRecords(tx, valid.map((v) => v.record), { receivedFrom: this.partner.id, assignVersions: false, outboxPartners: [] });
      if (cursor !== '') await saveFeedCursor(tx, this.partner.id, cursor);
      return outcomes.filter((o) => o === 'accepted').length;
    });
    // Committed: counted (a batch rolled back is delivered again by the next stream, and counted then).
    const rejections = checked.items.flatMap((item) => (item.rejection ? [item.rejection] : []));
    this.parts.received?.(this.partner.id, { received: records.length, accepted, rejections, records: valid.map((v) => v.record) });
    return accepted;
  }

  /** After a stream failed: forget a cursor the partner no longer serves (next: a full pull); never throws. */
  private async failed(e: unknown): Promise<number> {
    if (this.stopped) return 0;
    const reason = reasonOf(e);
    if (reason === 'CURSOR_EXPIRED') {
      this.log.warn({}, 'the partner no longer keeps the events after our cursor: pulling in full');
      try {
        await clearFeedCursor(this.parts.store, this.partner.id);
        return 1;
      } catch (cleared) {
        this.log.warn({ err: cleared }, 'the feed cursor could not be reset; trying again');
        return 0;
      }
    }
    this.log.warn({ err: e, reason }, 'the partner feed stream ended; opening it again');
    return 0;
  }
}

function reasonOf(e: unknown): string | undefined {
  return e instanceof CredfedError ? e.code : grpcReasonOf(e);
}
