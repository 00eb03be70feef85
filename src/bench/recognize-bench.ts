/**
 * `npm run bench:recognize [-- --subjects N --concurrency C --seconds S --rounds R]`:
 *
 * (a) Federation.Recognize calls/s and p50/p99 latency against a bare
 *     grpc-js mutual-TLS echo answering the bytes of a real Recognize answer
 *     (its client encoding a RecognizeRequest and decoding the answer as the
 *     Federation client does, so both clients work alike and the ratio
 *     compares the servers), at the same concurrency, in the same run, rounds interleaved (warm,
 *     cold, echo, warm, …). Warm: the steady state, subjects asked again and
 *     their verdicts served from the cache. Cold: a gateway started for the
 *     round (empty verdict cache) asked each subject once, so every call
 *     looks the subject up, computes its verdict and RSA-PSS-signs it.
 *     For reference, the same echo answering only once an audit entry like
 *     a Recognize call's is durable (the log's group commit on the same
 *     database): the part of the ceiling that the audit rule itself takes.
 * (b) One RecognizeBatch of 1,000 subjects (warm, and cold on a fresh
 *     gateway) against 1,000 primary-key look-ups of the same subjects'
 *     identifiers (subject_identifiers, PRIMARY KEY (value, scheme)) on the
 *     warm gateway's own pool, 8 at a time as a batch works its subjects.
 *
 * Real PostgreSQL (DATABASE_URL or a throwaway cluster), gateways in this
 * process on one database, subjects with several records each (some on a
 * dishonesty list) imported with the ChunkWriter, the client presenting
 * city-b's certificate. Prints JSON; progress on stderr.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULTS } from '../config/defaults.js';
import { Purpose } from '../gen/credfed/v1/agreement.js';
import { FederationService, RecognizeBatchResponse, RecognizeResponse, type FederationClient, type RecognizeRequest } from '../gen/credfed/v1/federation.js';
import { RecordCategory, type CreditRecord } from '../gen/credfed/v1/record.js';
import { IdentifierScheme, SubjectKind } from '../gen/credfed/v1/subject.js';
import type { SignedVerdict } from '../gen/credfed/v1/verdict.js';
import { AuditLog } from '../audit/audit-log.js';
import { ChunkWriter } from '../importer/chunk-writer.js';
import { validateRecord } from '../core/records/validate-record.js';
import { createLogger } from '../obs/logger.js';
import { ensureDevCertificates } from '../pki/dev-certs.js';
import { MAX_BATCH } from '../recognition/recognizer.js';
import { sampleRecord } from '../sample/sample-records.js';
import { startGateway, type Gateway } from '../server/gateway.js';
import { cityBClient, cityConfig } from './bench-city.js';
import { adminQuery, dbUrl } from './bench-database.js';
import { closedLoopRound, median, round3, summarize, wholeNumberFlags, type Call, type Round } from './bench-stats.js';
import { inForceOn } from './in-force.js';
import { echoClient, startEcho, type EchoCall } from './mtls-echo.js';
import { printReport, tearDown } from './bench-run.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from './throwaway-postgres.js';

const TARGET_RATIO = 0.6;
/** Subjects a RecognizeBatch holds in part (b): the most a batch may hold. */
const BATCH = MAX_BATCH;
/** The primary-key look-ups run this many at a time (as Recognizer works a batch's subjects). */
const LOOKUP_CONCURRENCY = 8;

const flags = wholeNumberFlags('recognize', {
  subjects: { default: 2000, min: BATCH },
  concurrency: { default: 16, min: 1 },
  seconds: { default: 5, min: 1 },
  rounds: { default: 5, min: 1 },
});
const { subjects: SUBJECTS, concurrency: CONCURRENCY, seconds: SECONDS, rounds: ROUNDS } = flags;
const say = (msg: string) => process.stderr.write(`bench:recognize: ${msg}\n`);

/** Records per subject: 2 to 6, by subject number (4 on average). */
const recordsOf = (j: number) => 2 + (j % 5);

/** `SUBJECTS` legal persons, each with `recordsOf(j)` sample records (the subject of the group's first one). */
function* seedRecords(): Generator<{ uscc: string; record: CreditRecord }> {
  let index = 0;
  for (let j = 0; j < SUBJECTS; j++) {
    let first: CreditRecord;
    do first = sampleRecord('city', '210100', index++);
    while (first.subject!.kind === SubjectKind.SUBJECT_KIND_NATURAL_PERSON);
    const subject = first.subject!;
    const uscc = subject.identifiers.find((id) => id.scheme === IdentifierScheme.IDENTIFIER_SCHEME_USCC)!.value;
    yield { uscc, record: first };
    for (let k = 1; k < recordsOf(j); k++) yield { uscc, record: { ...sampleRecord('city', '210100', index++), subject } };
  }
}

async function main(): Promise<void> {
  let throwaway: ThrowawayPostgres | undefined;
  const adminUrl = process.env.DATABASE_URL ?? (throwaway = await startThrowawayPostgres()).url;
  if (throwaway) say('started a throwaway PostgreSQL (DATABASE_URL unset)');
  const db = `bench_recognize_${process.pid}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${db}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-bench-recognize-'));
  const gateways = new Set<Gateway>();
  const closers: (() => unknown)[] = [];
  try {
    const certs = await ensureDevCertificates({ dir, federation: 'bench', nodes: ['city', 'city-b'], admins: [], verdictSigners: ['city'] });
    const signing = certs.verdict.city!;
    const config = cityConfig(dir, certs, dbUrl(adminUrl, db), { recognition: { signing: { cert: signing.certFile, key: signing.keyFile } } });
    const log = createLogger({ level: 'warn', node: 'city' });
    const gatewayStarts: number[] = [];
    const start = async (): Promise<Gateway> => {
      const t0 = performance.now();
      const g = await startGateway(config, { log });
      gatewayStarts.push(performance.now() - t0);
      gateways.add(g);
      return g;
    };
    const stop = async (g: Gateway) => {
      gateways.delete(g);
      await g.stop();
    };
    const connect = async (g: Gateway): Promise<FederationClient> => {
      const c = await cityBClient(certs, g.port, { 'grpc.max_receive_message_length': DEFAULTS.limits.maxAnswerBytes });
      await new Promise<void>((resolve, reject) => c.waitForReady(Date.now() + 10_000, (e) => (e ? reject(e) : resolve())));
      return c;
    };
    const warmGw = await start();

    say(`seeding ${SUBJECTS} subjects`);
    const seedStarted = performance.now();
    const writer = new ChunkWriter(warmGw.store, []);
    const usccs: string[] = [];
    const dishonest = new Set<string>();
    let records = 0;
    const now = Date.now();
    for (const { uscc, record: generated } of seedRecords()) {
      const record = validateRecord(inForceOn(generated, now), { requireVersion: false }).value!; // normalised, as an import would
      const refused = await writer.add(record);
      if (refused) throw new Error(`a sample record was refused: ${refused.message}`);
      if (usccs[usccs.length - 1] !== uscc) usccs.push(uscc);
      if (record.category === RecordCategory.RECORD_CATEGORY_DISHONESTY_LIST) dishonest.add(uscc);
      records++;
    }
    await writer.flush();
    await warmGw.store.query('VACUUM ANALYZE');
    const ids = [...new Set(usccs)];
    if (ids.length !== SUBJECTS) throw new Error(`${SUBJECTS} subjects seeded but ${ids.length} distinct USCCs`);
    say(`${records} records of ${ids.length} subjects (${dishonest.size} on a dishonesty list) in ${Math.round(performance.now() - seedStarted)} ms`);

    const warmClient = await connect(warmGw);
    closers.push(() => warmClient.close());
    const query = (i: number) => ({ identifier: ids[i % ids.length]!, scheme: 0 });
    const request = (i: number): RecognizeRequest => ({ subject: query(i), purpose: Purpose.PURPOSE_BIDDING_REVIEW, reference: 'bench' });
    const recognize = (c: FederationClient, i: number): Promise<SignedVerdict> =>
      new Promise((resolve, reject) =>
        c.recognize(request(i), (e, res) => {
          if (e) return reject(e);
          const v = res!.verdict;
          if (!v?.verdict || v.verdict.noRecords || v.verdict.basis.length === 0 || !v.jws) return reject(new Error('a verdict without records or signature'));
          resolve(v);
        }),
      );
    const batch = (c: FederationClient): Promise<RecognizeBatchResponse> =>
      new Promise((resolve, reject) =>
        c.recognizeBatch({ subjects: Array.from({ length: BATCH }, (_, i) => query(i)), purpose: Purpose.PURPOSE_BIDDING_REVIEW, reference: 'bench' }, (e, res) => {
          if (e) return reject(e);
          const verdicts = res!.results.filter((x) => x.outcome?.$case === 'verdict').length;
          if (verdicts !== BATCH) return reject(new Error(`a batch of ${BATCH} answered ${verdicts} verdicts`));
          resolve(res!);
        }),
      );

    // Whether an answer was served from the cache: issued before the round began.
    const tally = { warmSigned: 0, coldFromCache: 0 };
    let roundStartedAt = 0;
    const issuedInRound = (v: SignedVerdict) => Date.parse(v.verdict!.issuedAt) >= roundStartedAt;

    // Warm: the working set asked over and over (every subject's verdict cached in the warm-up).
    const warm: Call = async (i) => {
      if (issuedInRound(await recognize(warmClient, i))) tally.warmSigned++;
    };
    // Cold: every call a subject this round's fresh gateway has not been asked about.
    const coldRound = async (errors: string[]): Promise<Round> => {
      const g = await start();
      const c = await connect(g);
      try {
        roundStartedAt = Date.now();
        return await closedLoopRound(
          async (i) => {
            if (!issuedInRound(await recognize(c, i))) tally.coldFromCache++;
          },
          { concurrency: CONCURRENCY, seconds: SECONDS, limit: ids.length },
          errors,
        );
      } finally {
        c.close();
        await stop(g);
      }
    };

    // The echo answers the bytes of a real Recognize answer (of median size over a sample of subjects), and its
    // client encodes a RecognizeRequest and decodes the answer as the Federation client does: both clients do
    // the same work per call, so the ratio compares what the two servers do.
    const answers: Buffer[] = [];
    for (let i = 0; i < 50; i++) answers.push(Buffer.from(RecognizeResponse.encode({ verdict: await recognize(warmClient, i) }).finish()));
    answers.sort((a, b) => a.length - b.length);
    const reply = answers[Math.floor(answers.length / 2)]!;
    const replyBytes = reply.length;
    const echoOptions = { 'grpc.max_receive_message_length': DEFAULTS.limits.maxAnswerBytes };
    const echo = await startEcho(certs.nodes.city!, reply);
    const echoer = await echoClient(certs.nodes['city-b']!, echo.port, 'city', FederationService.recognize, echoOptions);
    closers.push(() => echoer.close(), () => echo.stop());
    // The audited echo enters what the wrapper enters for a Recognize call, on a chain of its own.
    const echoAudit = await AuditLog.open(warmGw.store, { nodeId: 'bench-echo' });
    let echoed = 0;
    const auditedEntry = () =>
      echoAudit.append({
        at: new Date(),
        actor: 'partner/city-b',
        partner: 'city-b',
        certificateFingerprint: 'f'.repeat(64),
        method: 'Federation/Recognize',
        purpose: 'bidding_review',
        reference: 'bench',
        subject: ids[echoed++ % ids.length]!,
        decision: 'allow',
        agreementId: 'bench',
        agreementVersion: 1,
        recordsReturned: 4,
      });
    const audited = await startEcho(certs.nodes.city!, reply, auditedEntry);
    const auditedEchoer = await echoClient(certs.nodes['city-b']!, audited.port, 'city', FederationService.recognize, echoOptions);
    closers.push(() => auditedEchoer.close(), () => audited.stop(), () => echoAudit.close());
    // An echo answer is checked as a Recognize answer is (a verdict with its basis and signature).
    const echoCall = (call: EchoCall<RecognizeRequest, RecognizeResponse>) => async (i: number) => {
      const res = await call(request(i));
      if (!res.verdict?.verdict || res.verdict.verdict.basis.length === 0 || !res.verdict.jws) throw new Error('an echo answer without its verdict');
    };

    // Primary-key look-ups of the batch's subjects on the warm gateway's pool.
    const keyOf = new Map((await warmGw.store.query<{ value: string; scheme: number }>('SELECT value, scheme FROM subject_identifiers WHERE value = ANY($1)', [ids.slice(0, BATCH)])).rows.map((r) => [r.value, r.scheme]));
    const lookups = async (): Promise<void> => {
      let next = 0;
      await Promise.all(
        Array.from({ length: LOOKUP_CONCURRENCY }, async () => {
          for (let i = next++; i < BATCH; i = next++) {
            const value = ids[i]!;
            const { rows } = await warmGw.store.query('SELECT subject_id FROM subject_identifiers WHERE value = $1 AND scheme = $2', [value, keyOf.get(value)]);
            if (rows.length !== 1) throw new Error(`subject ${value} not found by its primary key`);
          }
        }),
      );
    };
    const timed = async (fn: () => Promise<unknown>): Promise<number> => {
      const t0 = performance.now();
      await fn();
      return performance.now() - t0;
    };
    const coldBatch = async (): Promise<number> => {
      const g = await start();
      const c = await connect(g);
      try {
        return await timed(() => batch(c));
      } finally {
        c.close();
        await stop(g);
      }
    };

    const opts = { concurrency: CONCURRENCY, seconds: SECONDS };
    const errors: string[] = [];
    const calls: Record<'warm' | 'cold' | 'echo' | 'auditedEcho', () => Promise<Round>> = {
      warm: () => {
        roundStartedAt = Date.now();
        return closedLoopRound(warm, opts, errors);
      },
      cold: () => coldRound(errors),
      echo: () => closedLoopRound(echoCall(echoer.call), opts, errors),
      auditedEcho: () => closedLoopRound(echoCall(auditedEchoer.call), opts, errors),
    };
    say('warming up (every subject asked, so the warm gateway holds all their verdicts)');
    for (let i = 0; i < ids.length; i += 100) await Promise.all(ids.slice(i, i + 100).map((_, k) => recognize(warmClient, i + k)));
    for (const run of Object.values(calls)) await run();
    const batchBytes = RecognizeBatchResponse.encode(await batch(warmClient)).finish().length;
    await timed(lookups);
    tally.warmSigned = 0;
    tally.coldFromCache = 0;

    const results: Record<string, Round[]> = { warm: [], cold: [], echo: [], auditedEcho: [] };
    const batchMs: Record<'warm' | 'cold' | 'lookups', number[]> = { warm: [], cold: [], lookups: [] };
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, run] of Object.entries(calls)) {
        const res = await run();
        results[name]!.push(res);
        say(`round ${r + 1}/${ROUNDS} ${name}: ${Math.round(res.rate)} calls/s (${res.latencies.length} calls)`);
      }
      batchMs.warm.push(await timed(() => batch(warmClient)));
      batchMs.lookups.push(await timed(lookups));
      batchMs.cold.push(await coldBatch());
      say(`round ${r + 1}/${ROUNDS} batch of ${BATCH}: warm ${Math.round(batchMs.warm.at(-1)!)} ms, cold ${Math.round(batchMs.cold.at(-1)!)} ms, ${BATCH} look-ups ${Math.round(batchMs.lookups.at(-1)!)} ms`);
    }

    const warmS = summarize(results.warm!);
    const coldS = summarize(results.cold!);
    const echoS = summarize(results.echo!);
    const auditedS = summarize(results.auditedEcho!);
    const warmRatio = warmS.callsPerSecond / echoS.callsPerSecond;
    const batchFigure = (ms: number[]) => ({ medianMs: round3(median(ms)), subjectsPerSecond: Math.round(BATCH / (median(ms) / 1000)), maxMs: round3(Math.max(...ms)) });
    const lookupsMs = median(batchMs.lookups);
    printReport(
      {
        bench: 'recognize',
        machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '', node: process.version, loadAverage1m: round3(os.loadavg()[0]!) },
        setup: {
          subjects: ids.length,
          records,
          dishonestSubjects: dishonest.size,
          concurrency: CONCURRENCY,
          secondsPerRound: SECONDS,
          rounds: ROUNDS,
          answerBytes: replyBytes,
          echo: 'answers the bytes of a real Recognize answer; its client encodes the request and decodes the answer as the Federation client does',
          postgres: throwaway ? 'throwaway cluster' : 'DATABASE_URL',
          verdictKey: 'RSA 3072, RSA-PSS (PS256)',
          cold: 'a gateway started for each cold round (empty verdict cache); each subject asked once; the round ends after --seconds or when every subject was asked',
          gatewayStartMedianMs: Math.round(median(gatewayStarts)),
        },
        recognize: {
          warm: { ...warmS, freshlySignedAnswers: tally.warmSigned },
          cold: { ...coldS, answersFromCache: tally.coldFromCache },
          bareMtlsEcho: echoS,
          ratioWarmToEcho: round3(warmRatio),
          ratioColdToEcho: round3(coldS.callsPerSecond / echoS.callsPerSecond),
          target: TARGET_RATIO,
          meetsTarget: warmRatio >= TARGET_RATIO,
          reference: {
            what: 'the bare echo answering only once an audit entry like a Recognize call\'s is durable (not the target\'s ceiling)',
            bareMtlsEchoWithAudit: auditedS,
            ratioAuditedEchoToEcho: round3(auditedS.callsPerSecond / echoS.callsPerSecond),
            ratioWarmToAuditedEcho: round3(warmS.callsPerSecond / auditedS.callsPerSecond),
          },
        },
        recognizeBatch: {
          subjects: BATCH,
          answerBytes: batchBytes,
          maxAnswerBytes: DEFAULTS.limits.maxAnswerBytes,
          warm: batchFigure(batchMs.warm),
          cold: batchFigure(batchMs.cold),
          primaryKeyLookups: {
            statement: 'SELECT subject_id FROM subject_identifiers WHERE value = $1 AND scheme = $2 (PRIMARY KEY (value, scheme)), on the warm gateway pool',
            concurrency: LOOKUP_CONCURRENCY,
            ...batchFigure(batchMs.lookups),
          },
          ratioWarmBatchToLookups: round3(median(batchMs.warm) / lookupsMs),
          ratioColdBatchToLookups: round3(median(batchMs.cold) / lookupsMs),
        },
      },
      errors,
      say,
    );
  } finally {
    await tearDown({ closers, gateways, adminUrl, db, throwaway, dir });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:recognize failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
