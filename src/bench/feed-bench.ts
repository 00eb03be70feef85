/**
 * `npm run bench:feed [-- --records N --events M --rounds R]`: events/s
 * delivered through Federation.Subscribe to one and to ten subscribers at
 * once, against a bare grpc-js mutual-TLS server stream of messages of the
 * same size to as many clients, the same counts, in the same run:
 *
 * - full pull: the N records in force (kind SNAPSHOT) from an empty cursor
 *   up to snapshot_end;
 * - live: a burst of M corrections (new versions of M records) stored through
 *   the ChunkWriter (1,000 a transaction) while the subscribers are caught up,
 *   from the burst's start until every subscriber received all M: bounded by
 *   the store's write rate, printed beside it, with the time from an event's
 *   transaction start to its receipt (p50, p99);
 * - backlog: M more corrections stored while the subscribers are away, then
 *   delivered to them resumed from their cursors: the feed's own rate for
 *   change events, without waiting for writes.
 *
 * The bare stream sends a real SubscribeResponse (one received in the
 * warm-up, of the size closest to the mean: a snapshot record for the full
 * pull, a correction for live and backlog), pre-encoded; its client decodes
 * every message as the Federation client does. Real PostgreSQL (DATABASE_URL
 * or a throwaway cluster), the city gateway in this process with agreements
 * enforced (city-b's lets it pull) and every delivered batch audited, each
 * subscriber and each bare client on a connection of its own presenting
 * city-b's certificate. Prints JSON; progress on stderr.
 */
import type * as grpc from '@grpc/grpc-js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { FeedEventKind, SubscribeResponse } from '../gen/credfed/v1/feed.js';
import { FederationService, type FederationClient } from '../gen/credfed/v1/federation.js';
import type { CreditRecord } from '../gen/credfed/v1/record.js';
import { SubjectKind } from '../gen/credfed/v1/subject.js';
import { ChunkWriter } from '../importer/chunk-writer.js';
import { validateRecord } from '../core/records/validate-record.js';
import { createLogger } from '../obs/logger.js';
import { ensureDevCertificates } from '../pki/dev-certs.js';
import { sampleRecord } from '../sample/sample-records.js';
import { startGateway, type Gateway } from '../server/gateway.js';
import { AGREEMENT, cityBClient, cityConfig } from './bench-city.js';
import { adminQuery, dbUrl } from './bench-database.js';
import { median, quantile, round3, wholeNumberFlags } from './bench-stats.js';
import { inForceOn } from './in-force.js';
import { echoClient, startEcho, type EchoStream } from './mtls-echo.js';
import { printReport, tearDown } from './bench-run.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from './throwaway-postgres.js';

/** Subscribers at once: one, then ten. */
const FAN_OUTS = [1, 10] as const;
/** Corrections in the warm-up's live and backlog bursts. */
const WARM_UP_EVENTS = 1000;
/** Every this many messages the first subscriber receives is kept, to measure message sizes. */
const SAMPLE_EVERY = 16;
/** A subscriber that receives nothing for this long while awaited fails the run. */
const STALL_MS = 60_000;
/** One connection per subscriber and per bare client (no subchannel shared between clients). */
const OWN_CONNECTION = { 'grpc.use_local_subchannel_pool': 1 };

const flags = wholeNumberFlags('feed', {
  records: { default: 50_000, min: 1000 },
  events: { default: 20_000, min: 1000 },
  rounds: { default: 1, min: 1 },
});
const { records: RECORDS, events: EVENTS, rounds: ROUNDS } = flags;
if (EVENTS > RECORDS) {
  process.stderr.write('bench:feed: --events must be at most --records (a burst corrects each record once)\n');
  process.exit(2);
}
const say = (msg: string) => process.stderr.write(`bench:feed: ${msg}\n`);

/** Messages sampled from what subscribers received: full-pull records and change events. */
interface Samples {
  readonly pull: SubscribeResponse[];
  readonly change: SubscribeResponse[];
}

/** One Subscribe stream and what it received. */
class Subscriber {
  readonly openedAt = performance.now();
  snapshotRecords = 0;
  snapshotEndAt = 0;
  caughtUps = 0;
  changes = 0;
  lastChangeAt = 0;
  /** Milliseconds from each change event's transaction start (stored_at) to its receipt. */
  readonly latencies: number[] = [];
  private received = 0;
  private lastMessageAt = performance.now();
  private failure: Error | undefined;
  private cancelled = false;
  private readonly waiters = new Set<() => void>();
  private readonly stream: grpc.ClientReadableStream<SubscribeResponse>;

  constructor(
    client: FederationClient,
    public cursor: string,
    private readonly samples?: Samples,
  ) {
    this.stream = client.subscribe({ cursor, categories: [], watch: [] });
    this.stream.on('data', (m: SubscribeResponse) => this.receive(m));
    this.stream.on('error', (e: Error) => this.fail(this.cancelled ? undefined : e));
    this.stream.on('end', () => this.fail(this.cancelled ? undefined : new Error('a feed stream ended')));
  }

  /** Resolves once `done` holds; rejects when the stream fails or stalls. */
  until(done: (s: Subscriber) => boolean, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.failure) finish(this.failure);
        else if (done(this)) finish();
        else if (performance.now() - this.lastMessageAt > STALL_MS) finish(new Error(`a subscriber received nothing for ${STALL_MS / 1000} s, waiting for ${what}`));
      };
      const timer = setInterval(check, 1000);
      const finish = (e?: Error) => {
        clearInterval(timer);
        this.waiters.delete(check);
        if (e) reject(e);
        else resolve();
      };
      this.waiters.add(check);
      check();
    });
  }

  cancel(): void {
    this.cancelled = true;
    this.stream.cancel();
  }

  private receive(m: SubscribeResponse): void {
    const now = performance.now();
    this.lastMessageAt = now;
    if (m.cursor) this.cursor = m.cursor;
    const event = m.event;
    const sampled = this.samples && this.received++ % SAMPLE_EVERY === 0;
    if (event?.$case === 'record') {
      if (event.value.kind === FeedEventKind.FEED_EVENT_KIND_SNAPSHOT) {
        this.snapshotRecords++;
        if (sampled) this.samples!.pull.push(m);
      } else {
        this.changes++;
        this.lastChangeAt = now;
        const at = event.value.storedAt!;
        this.latencies.push(Date.now() - (at.seconds * 1000 + at.nanos / 1e6));
        if (sampled) this.samples!.change.push(m);
      }
    } else if (event?.$case === 'snapshotEnd') this.snapshotEndAt = now;
    else if (event?.$case === 'caughtUp') this.caughtUps++;
    for (const w of this.waiters) w();
  }

  private fail(e: Error | undefined): void {
    this.failure ??= e;
    for (const w of this.waiters) w();
  }
}

/** One delivery of `count` messages to each of several receivers. */
interface Delivery {
  /** Messages/s each receiver got, from its own start. */
  readonly perReceiver: number[];
  /** Messages/s all receivers got together, from the first start to the last receipt. */
  readonly aggregate: number;
  readonly seconds: number;
}

function delivery(count: number, startedAt: readonly number[], doneAt: readonly number[]): Delivery {
  const seconds = (Math.max(...doneAt) - Math.min(...startedAt)) / 1000;
  return { perReceiver: doneAt.map((t, i) => count / ((t - startedAt[i]!) / 1000)), aggregate: (count * doneAt.length) / seconds, seconds };
}

/** Medians over the rounds: per receiver (median receiver, slowest one) and for all together. */
function figure(ds: readonly Delivery[]) {
  return {
    perSubscriberPerSecond: Math.round(median(ds.map((d) => median(d.perReceiver)))),
    slowestSubscriberPerSecond: Math.round(median(ds.map((d) => Math.min(...d.perReceiver)))),
    aggregatePerSecond: Math.round(median(ds.map((d) => d.aggregate))),
    seconds: round3(median(ds.map((d) => d.seconds))),
  };
}

/** What one feed run of `k` subscribers measured. */
interface FeedRun {
  readonly pull: Delivery;
  readonly live: Delivery;
  readonly liveStoredPerSecond: number;
  readonly backlog: Delivery;
  readonly backlogStoredPerSecond: number;
  readonly latencies: number[];
}

async function main(): Promise<void> {
  let throwaway: ThrowawayPostgres | undefined;
  const adminUrl = process.env.DATABASE_URL ?? (throwaway = await startThrowawayPostgres()).url;
  if (throwaway) say('started a throwaway PostgreSQL (DATABASE_URL unset)');
  const db = `bench_feed_${process.pid}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${db}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-bench-feed-'));
  const gateways: Gateway[] = [];
  const closers: (() => unknown)[] = [];
  try {
    const certs = await ensureDevCertificates({ dir, federation: 'bench', nodes: ['city', 'city-b'], admins: [] });
    // city-b's agreement lets it query and receive (pull, which Subscribe needs), with its field rules.
    const config = cityConfig(dir, certs, dbUrl(adminUrl, db), { agreements: [{ ...AGREEMENT, directions: ['query', 'pull'] }] });
    const gw = await startGateway(config, { log: createLogger({ level: 'warn', node: 'city' }) });
    gateways.push(gw);

    say(`seeding ${RECORDS} records`);
    const seedStarted = performance.now();
    const now = Date.now();
    const inForce = (index: number) => inForceOn(sampleRecord('city', '210100', index), now);
    const seeder = new ChunkWriter(gw.store, []);
    const stored: number[] = []; // sample indexes of the records stored (legal persons: no pseudonym key configured)
    for (let index = 0; stored.length < RECORDS; index++) {
      const generated = inForce(index);
      if (generated.subject!.kind === SubjectKind.SUBJECT_KIND_NATURAL_PERSON) continue;
      const refused = await seeder.add(validateRecord(generated, { requireVersion: false }).value!);
      if (refused) throw new Error(`a sample record was refused: ${refused.message}`);
      stored.push(index);
    }
    await seeder.flush();
    await gw.store.query('VACUUM ANALYZE');
    say(`${stored.length} records in ${Math.round(performance.now() - seedStarted)} ms`);

    // A burst: the next `count` records (in turn) corrected (the deciding authority's name), each a new version; made before the clock starts.
    let corrected = 0;
    let generation = 0;
    const storeCorrections = async (count: number): Promise<{ startedAt: number; storedPerSecond: number }> => {
      generation++;
      const records: CreditRecord[] = [];
      for (let i = 0; i < count; i++) {
        const r = inForce(stored[corrected++ % stored.length]!);
        const authority = { ...r.authority!, name: `${r.authority!.name}（更正${generation}）` };
        records.push(validateRecord({ ...r, authority }, { requireVersion: false }).value!);
      }
      const writer = new ChunkWriter(gw.store, []);
      const startedAt = performance.now();
      for (const r of records) await writer.add(r);
      await writer.flush();
      const seconds = (performance.now() - startedAt) / 1000;
      if (writer.accepted !== count) throw new Error(`a burst of ${count} corrections stored ${writer.accepted} new versions`);
      return { startedAt, storedPerSecond: count / seconds };
    };

    const maxFanOut = Math.max(...FAN_OUTS);
    const clients: FederationClient[] = [];
    for (let i = 0; i < maxFanOut; i++) {
      const c = await cityBClient(certs, gw.port, OWN_CONNECTION);
      closers.push(() => c.close());
      await new Promise<void>((resolve, reject) => c.waitForReady(Date.now() + 10_000, (e) => (e ? reject(e) : resolve())));
      clients.push(c);
    }
    const echo = await startEcho(certs.nodes.city!, Buffer.alloc(0));
    closers.push(() => echo.stop());
    const streams: EchoStream[] = [];
    for (let i = 0; i < maxFanOut; i++) {
      const e = await echoClient(certs.nodes['city-b']!, echo.port, 'city', FederationService.subscribe, OWN_CONNECTION);
      closers.push(() => e.close());
      streams.push(e.stream);
    }

    const samples: Samples = { pull: [], change: [] };
    const all = (subs: readonly Subscriber[], done: (s: Subscriber) => boolean, what: string) => Promise.all(subs.map((s) => s.until(done, what)));
    const feedRun = async (k: number, events: number): Promise<FeedRun> => {
      // Full pull, then caught up: live from here.
      const subs = clients.slice(0, k).map((c, i) => new Subscriber(c, '', i === 0 ? samples : undefined));
      let pull: Delivery, live: Delivery, liveStoredPerSecond: number;
      try {
        await all(subs, (s) => s.snapshotEndAt > 0, 'the end of the full pull');
        if (subs.some((s) => s.snapshotRecords !== RECORDS)) throw new Error(`a full pull sent ${subs.map((s) => s.snapshotRecords).join(', ')} records of ${RECORDS}`);
        pull = delivery(RECORDS, subs.map((s) => s.openedAt), subs.map((s) => s.snapshotEndAt));
        await all(subs, (s) => s.caughtUps > 0, 'caught up after the full pull');
        const burst = await storeCorrections(events);
        liveStoredPerSecond = burst.storedPerSecond;
        await all(subs, (s) => s.changes >= events, `${events} live events`);
        live = delivery(events, subs.map(() => burst.startedAt), subs.map((s) => s.lastChangeAt));
      } finally {
        for (const s of subs) s.cancel();
      }
      // Backlog: stored while away, delivered on resuming from the cursors.
      const backlogBurst = await storeCorrections(events);
      const resumed = subs.map((s, i) => new Subscriber(clients[i]!, s.cursor));
      try {
        await all(resumed, (s) => s.changes >= events, `${events} events after the cursor`);
        // Wait for the caught-up message: nothing more than the backlog was sent.
        await all(resumed, (s) => s.caughtUps > 0, 'caught up after the backlog');
      } finally {
        for (const s of resumed) s.cancel();
      }
      if ([...subs, ...resumed].some((s) => s.changes !== events)) throw new Error(`subscribers received ${[...subs, ...resumed].map((s) => s.changes).join(', ')} change events of ${events}`);
      const backlog = delivery(events, resumed.map((s) => s.openedAt), resumed.map((s) => s.lastChangeAt));
      return { pull, live, liveStoredPerSecond, backlog, backlogStoredPerSecond: backlogBurst.storedPerSecond, latencies: subs.flatMap((s) => s.latencies) };
    };
    const bareRun = async (k: number, message: Buffer, count: number): Promise<Delivery> => {
      const startedAt = performance.now();
      const doneAt = await Promise.all(
        streams.slice(0, k).map(async (stream) => {
          const received = await stream(message, count);
          if (received !== count) throw new Error(`a bare stream delivered ${received} messages of ${count}`);
          return performance.now();
        }),
      );
      return delivery(count, doneAt.map(() => startedAt), doneAt);
    };

    say('warming up (one subscriber: a full pull, a live burst and a backlog)');
    await feedRun(1, WARM_UP_EVENTS);
    // The bare stream's messages: real ones received in the warm-up, of the size closest to the mean.
    const typical = (ms: readonly SubscribeResponse[]): Buffer => {
      const encoded = ms.map((m) => Buffer.from(SubscribeResponse.encode(m).finish()));
      const mean = encoded.reduce((n, b) => n + b.length, 0) / encoded.length;
      return encoded.reduce((best, b) => (Math.abs(b.length - mean) < Math.abs(best.length - mean) ? b : best));
    };
    const bare = { pull: typical(samples.pull), change: typical(samples.change) };
    await bareRun(1, bare.pull, WARM_UP_EVENTS);
    await bareRun(1, bare.change, WARM_UP_EVENTS);
    samples.pull.length = 0;
    samples.change.length = 0;

    const feedRuns = new Map<number, FeedRun[]>(FAN_OUTS.map((k) => [k, []]));
    const bareRuns = new Map<number, { pull: Delivery[]; change: Delivery[] }>(FAN_OUTS.map((k) => [k, { pull: [], change: [] }]));
    for (let r = 0; r < ROUNDS; r++) {
      for (const k of FAN_OUTS) {
        const f = await feedRun(k, EVENTS);
        feedRuns.get(k)!.push(f);
        const b = { pull: await bareRun(k, bare.pull, RECORDS), change: await bareRun(k, bare.change, EVENTS) };
        bareRuns.get(k)!.pull.push(b.pull);
        bareRuns.get(k)!.change.push(b.change);
        const rate = (d: Delivery) => `${Math.round(d.aggregate)}/s`;
        say(
          `round ${r + 1}/${ROUNDS}, ${k} subscriber(s): full pull ${rate(f.pull)} (bare ${rate(b.pull)}), ` +
            `live ${rate(f.live)} (stored ${Math.round(f.liveStoredPerSecond)}/s), backlog ${rate(f.backlog)} (bare ${rate(b.change)})`,
        );
      }
    }

    const meanBytes = (ms: readonly SubscribeResponse[]) => Math.round(ms.reduce((n, m) => n + SubscribeResponse.encode(m).finish().length, 0) / ms.length);
    const ratio = (feed: readonly Delivery[], ceiling: readonly Delivery[]) => round3(median(feed.map((d) => d.aggregate)) / median(ceiling.map((d) => d.aggregate)));
    const results = Object.fromEntries(
      FAN_OUTS.map((k) => {
        const f = feedRuns.get(k)!;
        const b = bareRuns.get(k)!;
        const latencies = f.flatMap((x) => x.latencies);
        const pull = f.map((x) => x.pull);
        const live = f.map((x) => x.live);
        const backlog = f.map((x) => x.backlog);
        return [
          `subscribers${k}`,
          {
            fullPull: { recordsPerSecond: figure(pull), bareStream: figure(b.pull), ratioFeedToBare: ratio(pull, b.pull) },
            live: {
              eventsPerSecond: figure(live),
              storedPerSecond: Math.round(median(f.map((x) => x.liveStoredPerSecond))),
              storedToReceivedMs: { p50: round3(quantile(latencies, 0.5)), p99: round3(quantile(latencies, 0.99)) },
              bareStream: figure(b.change),
              ratioFeedToBare: ratio(live, b.change),
            },
            backlog: {
              eventsPerSecond: figure(backlog),
              storedPerSecond: Math.round(median(f.map((x) => x.backlogStoredPerSecond))),
              bareStream: figure(b.change),
              ratioFeedToBare: ratio(backlog, b.change),
            },
          },
        ];
      }),
    );
    printReport(
      {
        bench: 'feed',
        machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '', node: process.version, loadAverage1m: round3(os.loadavg()[0]!) },
        setup: {
          records: RECORDS,
          eventsPerBurst: EVENTS,
          rounds: ROUNDS,
          subscribers: FAN_OUTS,
          messageBytes: { fullPullMean: meanBytes(samples.pull), changeMean: meanBytes(samples.change), bareFullPull: bare.pull.length, bareChange: bare.change.length },
          feedPollMs: config.feed.pollMs,
          postgres: throwaway ? 'throwaway cluster' : 'DATABASE_URL',
          gateway: 'in this process; agreements enforced (query and pull, field rules), every delivered batch audited',
          connections: 'one per subscriber and per bare client, all presenting city-b\'s certificate',
          fullPull: 'from an empty cursor to snapshot_end, all subscribers at once',
          live: 'a burst of corrections stored (ChunkWriter, 1,000 a transaction) while the subscribers are caught up, from its start until each received them all; storedPerSecond: the burst\'s own write rate; storedToReceivedMs: from an event\'s transaction start (stored_at) to its receipt',
          backlog: 'as many corrections stored while the subscribers are away, from resuming at their cursors until each received them all',
          bareStream: 'a bare grpc-js mTLS server stream sending a pre-encoded SubscribeResponse of the mean size (received in the warm-up) as many times to as many clients, decoded as the Federation client does',
          perSubscriberPerSecond: 'median over subscribers of the rate each received at; aggregatePerSecond: all subscribers together; medians over rounds',
        },
        ...results,
      },
      [],
      say,
    );
  } finally {
    await tearDown({ closers, gateways, adminUrl, db, throwaway, dir });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:feed failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
