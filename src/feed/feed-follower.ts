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
 *
 * Metrics: each committed batch is reported with whether it came from a full
 * pull (FEED_EVENT_KIND_SNAPSHOT: records the partner held, counted apart and
 * never judged for timeliness) or from the feed's events; and how far behind
 * the feed this node is — from the partner's stored time (stored_at) of the
 * oldest event delivered and not yet stored, 0 once caught up with nothing
 * waiting.
 */
import { randomUUID } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import type { NodeConfig, PartnerConfig } from '../config/node-config.js';
import type { Agreement } from '../core/agreements/agreement.js';
import { systemClock, type Clock } from '../core/clock.js';
import { CredfedError } from '../core/errors.js';
import { FeedEventKind, type SubscribeResponse } from '../gen/credfed/v1/feed.js';
import type { CreditRecord } from '../gen/credfed/v1/record.js';
import { reasonOf as grpcReasonOf } from '../grpc/to-grpc-error.js';
import type { Logger } from '../obs/logger.js';
import type { ReceivedRecords } from '../obs/records-meter.js';
import type { FeedState, FeedStateHook } from '../obs/subscription-backlog.js';
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
  /** Hears whether this node is caught up with each partner's feed, behind it (since when), or leaving it to another replica. */
  readonly feedState?: FeedStateHook;
  /** When an event without stored_at arrived (for the backlog); the system clock by default. */
  readonly clock?: Clock;
}

/** A record the stream delivered, not stored yet. */
interface Delivered {
  readonly record: CreditRecord;
  /** Of the full pull (FEED_EVENT_KIND_SNAPSHOT, or sent without a cursor): held by the partner, not a change now. */
  readonly snapshot: boolean;
  /** An event's stored time at the partner (when it arrived here, if the event carries none), ms; undefined for snapshot records. */
  readonly since: number | undefined;
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

  private state(state: FeedState, since?: number): void {
    this.parts.feedState?.(this.partner.id, state, since === undefined ? undefined : new Date(since));
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
    const clock = this.parts.clock ?? systemClock;
    let stored = 0;
    let pending: Delivered[] = [];
    /** The oldest stored time among the events pending. */
    let pendingSince: number | undefined;
    let pendingCursor = '';
    let timer: NodeJS.Timeout | undefined;
    let waiting = 0;
    let flushing: Promise<void> = Promise.resolve();
    /** Whether the stream said caught_up: from then on it delivers changes as they are stored. */
    let live = false;
    /** The batches being stored, oldest first: their records, and the time the oldest event among them waits from. */
    const storing: { readonly records: number; readonly since: number | undefined }[] = [];
    /** The stored time of the newest event this stream stored: this node holds the feed up to it. */
    let storedThrough: number | undefined;
    /** Caught up when live with nothing waiting; otherwise behind since the oldest event waiting, or since what is stored. */
    const report = () => {
      if (this.stopped) return;
      const since = storing.find((b) => b.since !== undefined)?.since ?? pendingSince;
      if (since !== undefined) this.state('behind', since);
      else if (live && pending.length === 0 && storing.every((b) => b.records === 0)) this.state('caught_up');
      else this.state('behind', storedThrough);
    };
    const flush = () => {
      clearTimeout(timer);
      timer = undefined;
      const records = pending;
      const at = pendingCursor;
      const batch = { records: records.length, since: pendingSince };
      pending = [];
      pendingSince = undefined;
      pendingCursor = '';
      if (records.length === 0 && at === '') return flushing;
      if (++waiting > MAX_WAITING_FLUSHES) call.pause();
      storing.push(batch);
      flushing = flushing.then(async () => {
        stored += await this.store(records, at);
        for (const d of records) if (d.since !== undefined && (storedThrough === undefined || d.since > storedThrough)) storedThrough = d.since;
        storing.splice(storing.indexOf(batch), 1);
        if (waiting-- > MAX_WAITING_FLUSHES) call.resume();
        report();
      });
      flushing.catch(() => call.cancel());
      return flushing;
    };
    return new Promise<number>((resolve, reject) => {
      call.on('data', (m: SubscribeResponse) => {
        if (m.event?.$case === 'record') {
          const { kind, record, storedAt } = m.event.value;
          // A full pull sends its records without a cursor (an interrupted pull starts over).
          const snapshot = kind === FeedEventKind.FEED_EVENT_KIND_SNAPSHOT || m.cursor === '';
          const since = snapshot ? undefined : storedAt ? storedAt.seconds * 1000 + Math.floor(storedAt.nanos / 1e6) : clock.now().getTime();
          if (record) {
            pending.push({ record, snapshot, since });
            if (since !== undefined && (pendingSince === undefined || since < pendingSince)) pendingSince = since;
          }
        }
        if (m.cursor !== '') pendingCursor = m.cursor;
        if (m.event?.$case === 'caughtUp') live = true;
        if (pending.length >= FLUSH_RECORDS || m.event?.$case === 'snapshotEnd' || m.event?.$case === 'caughtUp') void flush();
        else timer ??= setTimeout(() => void flush(), FLUSH_MS);
        report();
      });
      call.on('error', (e) => void flush().then(() => reject(e), reject));
      call.on('end', () => void flush().then(() => resolve(stored), reject));
    });
  }

  /** Stores the records and moves the cursor, in one transaction. */
  private async store(delivered: readonly Delivered[], cursor: string): Promise<number> {
    if (delivered.length === 0) {
      await saveFeedCursor(this.parts.store, this.partner.id, cursor);
      return 0;
    }
    const agreement = this.parts.agreementFor?.(this.partner);
    const checked = checkBatch(this.partner, delivered.map((d, i) => ({ seq: i + 1, record: d.record })), this.parts.persons, agreement);
    for (const item of checked.items) if (item.rejection) this.log.warn({ recordId: item.rejection.recordId, reason: item.rejection.reason, field: item.rejection.field }, 'feed record refused');
    const items = checked.items.map((item, i) => ({ ...item, snapshot: delivered[i]!.snapshot }));
    const valid = items.flatMap((item) => (item.rejection ? [] : [item]));
    const outcomes = await this.parts.store.transaction(async (tx) => {
      await insertPersonIdentities(tx, valid.flatMap((v) => v.identities));
      const applied = await applyRecords(tx, valid.map((v) => v.record), { receivedFrom: this.partner.id, assignVersions: false, outboxPartners: [] });
      if (cursor !== '') await saveFeedCursor(tx, this.partner.id, cursor);
      return applied;
    });
    // Committed: counted (a batch rolled back is delivered again by the next stream, and counted then),
    // a full pull's records apart from the feed's events.
    for (const snapshot of [true, false]) {
      const part = items.filter((item) => item.snapshot === snapshot);
      if (part.length === 0) continue;
      const accepted = valid.filter((v, i) => v.snapshot === snapshot && outcomes[i] === 'accepted').length;
      const rejections = part.flatMap((item) => (item.rejection ? [item.rejection] : []));
      const records = part.flatMap((item) => (item.rejection ? [] : [item.record]));
      this.parts.received?.(this.partner.id, { received: part.length, accepted, rejections, records, ...(snapshot ? { snapshot } : {}) });
    }
    return outcomes.filter((o) => o === 'accepted').length;
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
