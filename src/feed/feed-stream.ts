/**
 * One subscriber's change feed (Federation.Subscribe, Admin.WatchFeed): from
 * an empty cursor, a full pull of the records in force it may receive, then
 * the events stored after the pull began; from a cursor, the events after
 * it. Events are read in commit-safe order (src/store/repos/feed-repo.ts), so
 * a stream resumed from the cursor of the last message it delivered misses
 * nothing and repeats nothing. The audience (what the subscriber may
 * receive, under its agreement) is decided again before every batch.
 */
import type { Agreement } from '../core/agreements/agreement.js';
import type { Clock } from '../core/clock.js';
import { CredfedError } from '../core/errors.js';
import { comparePositions, encodeCursor, parseCursor, type FeedPosition } from '../core/feed/cursor.js';
import { eventKind } from '../core/feed/event-kind.js';
import { FeedEventKind, type SubscribeRequest, type SubscribeResponse } from '../gen/credfed/v1/feed.js';
import { CreditRecord, RecordCategory } from '../gen/credfed/v1/record.js';
import { feedHorizon, feedStart, readFeed, snapshotPage, type FeedVisibility } from '../store/repos/feed-repo.js';
import type { Queryable } from '../store/repos/queryable.js';
import { dateToTimestamp } from '../store/repos/record-rows.js';
import { WatchList, type WatchDeps } from './watch-list.js';

/** Events (or snapshot records) read per round trip. */
const BATCH = 500;

export interface FeedStreamDeps extends WatchDeps {
  readonly store: Queryable;
  readonly clock: Clock;
  /** How long a caught-up stream waits before looking again. */
  readonly pollMs: number;
}

/** Who reads the feed, decided again before every batch: throws the refusal when it may no longer read. */
export type FeedAudience = () => { readonly visibility: FeedVisibility; readonly agreement: Agreement | undefined };

/** Where the feed goes. */
export interface FeedSink {
  /** Turns the records of a batch into what the subscriber may see (field rules, persons). */
  disclose(records: readonly CreditRecord[], agreement: Agreement | undefined): Promise<(r: CreditRecord) => CreditRecord>;
  /** Called, and awaited, before a batch of `count` records is sent (the audit entry). */
  delivering(count: number): Promise<void>;
  /** Sends one message; resolves when more may be sent. */
  write(message: SubscribeResponse): Promise<void>;
}

/**
 * Runs the feed until `signal` aborts. Throws CURSOR_INVALID,
 * CURSOR_EXPIRED, FEED_FILTER_INVALID or IDENTIFIER_INVALID (a watched
 * identifier) before sending anything.
 */
export async function runFeed(deps: FeedStreamDeps, req: SubscribeRequest, audience: FeedAudience, sink: FeedSink, signal: AbortSignal): Promise<void> {
  const categories = checkCategories(req.categories);
  const from = req.cursor === '' ? undefined : parseCursor(req.cursor);
  const { feed } = await feedHorizon(deps.store);
  if (from && from.feed !== feed) throw new CredfedError('CURSOR_EXPIRED', 'the cursor belongs to another feed (this gateway\'s store was restored or replaced): subscribe with an empty cursor for a full pull');
  if (from) await checkKept(deps.store, from);
  const watch = await WatchList.open(deps, req.watch);
  const narrowed = (): ReturnType<FeedAudience> => {
    const a = audience();
    return categories ? { ...a, visibility: { ...a.visibility, categories: a.visibility.categories.filter((c) => categories.has(c)) } } : a;
  };
  let position: FeedPosition | undefined = from;
  let sent: Map<string, Sent> | undefined;
  if (!position) {
    const pulled = await fullPull(deps, feed, narrowed, sink, signal);
    if (!pulled) return;
    position = pulled.start;
    sent = pulled.sent;
  }
  const cursor = () => encodeCursor({ feed, ...position! });
  for (const change of watch.baseline(deps.clock.now())) await sink.write({ cursor: cursor(), event: { $case: 'levelChange', value: change } });
  let lastSentCursor = '';
  let caughtUp = false;
  while (!signal.aborted) {
    const { visibility, agreement } = narrowed();
    const rows = await readFeed(deps.store, position, visibility, BATCH);
    if (signal.aborted) return;
    // History pruned meanwhile just ahead of this stream would be skipped: end it instead.
    if (rows.length > 0) await checkKept(deps.store, position);
    const visible = rows.filter((r) => r.payload && !(sent && alreadySent(sent.get(keyOf(r)), r)));
    if (sent && rows.length < BATCH) sent = undefined; // caught up once: every record the full pull sent is behind us
    const records = visible.map((r) => ({ row: r, record: { ...CreditRecord.decode(r.payload!), status: r.status } }));
    if (records.length > 0) {
      const show = await sink.disclose(records.map((r) => r.record), agreement);
      await sink.delivering(records.length);
      for (const { row, record } of records) {
        position = row.position;
        lastSentCursor = cursor();
        await sink.write({ cursor: lastSentCursor, event: { $case: 'record', value: { kind: eventKind(row.previousStatus, row.status), record: show(record), storedAt: dateToTimestamp(row.at) } } });
      }
    }
    if (rows.length > 0) {
      position = rows[rows.length - 1]!.position;
      const touched = new Set(rows.map((r) => r.subjectId));
      const changes = await watch.changes(touched, rows.some((r) => r.previousStatus === null), rows[rows.length - 1]!.at);
      for (const change of changes) {
        lastSentCursor = cursor();
        await sink.write({ cursor: lastSentCursor, event: { $case: 'levelChange', value: change } });
      }
    }
    if (rows.length < BATCH) {
      // Caught up: say so the first time, and whenever the cursor moved past events this subscriber does not see; then wait.
      if (!caughtUp || cursor() !== lastSentCursor) {
        caughtUp = true;
        lastSentCursor = cursor();
        await sink.write({ cursor: lastSentCursor, event: { $case: 'caughtUp', value: {} } });
      }
      await pause(deps.pollMs, signal);
    }
  }
}

/** The records in force the subscriber may receive, page by page; undefined when aborted. */
async function fullPull(deps: FeedStreamDeps, feed: string, audience: FeedAudience, sink: FeedSink, signal: AbortSignal): Promise<{ start: FeedPosition; sent: Map<string, Sent> } | undefined> {
  // Every event before `start` is reflected in the pages read after it; events after it follow the pull,
  // less those whose version and status the pull already sent.
  const start = await feedStart(deps.store);
  const sent = new Map<string, Sent>();
  let after: { originId: string; recordId: string } | undefined;
  for (;;) {
    if (signal.aborted) return undefined;
    const { visibility, agreement } = audience();
    const rows = await snapshotPage(deps.store, visibility, after, BATCH);
    if (rows.length > 0) {
      const records = rows.map((r) => ({ ...CreditRecord.decode(r.payload), status: r.status }));
      const show = await sink.disclose(records, agreement);
      await sink.delivering(records.length);
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i]!;
        sent.set(keyOf(r), { version: records[i]!.version, status: r.status });
        await sink.write({ cursor: '', event: { $case: 'record', value: { kind: FeedEventKind.FEED_EVENT_KIND_SNAPSHOT, record: show(records[i]!), storedAt: dateToTimestamp(r.receivedAt) } } });
      }
      after = rows[rows.length - 1]!;
    }
    if (rows.length < BATCH) break;
  }
  await sink.write({ cursor: encodeCursor({ feed, ...start }), event: { $case: 'snapshotEnd', value: { records: sent.size } } });
  return { start, sent };
}

/** What the full pull sent of a record. */
interface Sent {
  readonly version: number;
  readonly status: number;
}

/** An event the full pull already covered: an older version, or the same version and status. */
function alreadySent(sent: Sent | undefined, event: { version: number; status: number }): boolean {
  return sent !== undefined && (event.version < sent.version || (event.version === sent.version && event.status === sent.status));
}

/** CURSOR_EXPIRED when events after `position` were pruned. */
async function checkKept(store: Queryable, position: FeedPosition): Promise<void> {
  const { horizon } = await feedHorizon(store);
  if (comparePositions(position, horizon) < 0) {
    throw new CredfedError('CURSOR_EXPIRED', 'the events after this cursor are no longer kept (feed.retainDays): subscribe with an empty cursor for a full pull');
  }
}

function keyOf(r: { readonly originId: string; readonly recordId: string }): string {
  return `${r.originId}\u0000${r.recordId}`;
}

/** The categories asked for (undefined: all the agreement allows); FEED_FILTER_INVALID for an unknown one. */
function checkCategories(asked: readonly RecordCategory[]): ReadonlySet<number> | undefined {
  if (asked.length === 0) return undefined;
  asked.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 1 || c > 8) throw new CredfedError('FEED_FILTER_INVALID', `categories[${i}]: ${c} is not a record category (1–8)`);
  });
  return new Set(asked);
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
