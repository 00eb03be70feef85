/**
 * `npm run bench:query [-- --subjects N --concurrency C --seconds S --rounds R]`:
 * Federation.QueryRecords calls/s and latency with agreement enforcement and
 * the audit log ON, against the same call on the same data with both OFF,
 * and against a bare grpc-js mutual-TLS echo of an answer of the same size —
 * all at the same concurrency, in the same run, rounds interleaved
 * (on, off, echo, on, …). Real PostgreSQL (DATABASE_URL or a throwaway
 * cluster), both city gateways in this process on one database, the client
 * presenting city-b's certificate. Prints JSON.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Purpose } from '../gen/credfed/v1/agreement.js';
import { QueryRecordsResponse, type FederationClient, type QueryRecordsRequest } from '../gen/credfed/v1/federation.js';
import { IdentifierScheme, SubjectKind } from '../gen/credfed/v1/subject.js';
import { ChunkWriter } from '../importer/chunk-writer.js';
import { createLogger } from '../obs/logger.js';
import { ensureDevCertificates } from '../pki/dev-certs.js';
import { generateRecords } from '../sample/sample-records.js';
import { inForceOn } from './in-force.js';
import { startGateway, type Gateway } from '../server/gateway.js';
import { cityBClient, cityConfig } from './bench-city.js';
import { adminQuery, dbUrl } from './bench-database.js';
import { closedLoopRound, round3, summarize, wholeNumberFlags, type Call, type Round } from './bench-stats.js';
import { echoClient, startEcho } from './mtls-echo.js';
import { printReport, tearDown } from './bench-run.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from './throwaway-postgres.js';

const TARGET_RATIO = 0.85;
const flags = wholeNumberFlags('query', {
  records: { default: 30000, min: 1000 },
  concurrency: { default: 16, min: 1 },
  seconds: { default: 5, min: 1 },
  rounds: { default: 5, min: 1 },
});
const RECORDS = flags.records;
const CONCURRENCY = flags.concurrency;
const SECONDS = flags.seconds;
const ROUNDS = flags.rounds;
const say = (msg: string) => process.stderr.write(`bench:query: ${msg}\n`);

/** Runs `call` from `CONCURRENCY` workers for SECONDS; every failure is counted. */
const round = (call: Call, errors: string[]): Promise<Round> => closedLoopRound(call, { concurrency: CONCURRENCY, seconds: SECONDS }, errors);

async function main(): Promise<void> {
  let throwaway: ThrowawayPostgres | undefined;
  const adminUrl = process.env.DATABASE_URL ?? (throwaway = await startThrowawayPostgres()).url;
  if (throwaway) say('started a throwaway PostgreSQL (DATABASE_URL unset)');
  const db = `bench_query_${process.pid}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${db}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-bench-query-'));
  const gateways: Gateway[] = [];
  const closers: (() => unknown)[] = [];
  try {
    const certs = await ensureDevCertificates({ dir, federation: 'bench', nodes: ['city', 'city-b'], admins: [] });
    const city = certs.nodes.city!;
    const config = cityConfig(dir, certs, dbUrl(adminUrl, db));
    const log = createLogger({ level: 'warn', node: 'city' });
    for (const enforcement of [true, false]) gateways.push(await startGateway(config, { log, enforcement }));
    const [on, off] = gateways as [Gateway, Gateway];

    say(`seeding ${RECORDS} records`);
    const writer = new ChunkWriter(on.store, []);
    const usccs = new Set<string>();
    const now = Date.now();
    for (const generated of generateRecords({ originId: 'city', count: RECORDS })) {
      const r = inForceOn(generated, now);
      if (r.subject!.kind === SubjectKind.SUBJECT_KIND_NATURAL_PERSON) continue;
      const uscc = r.subject!.identifiers.find((id) => id.scheme === IdentifierScheme.IDENTIFIER_SCHEME_USCC)?.value;
      if (!uscc) continue;
      const refused = await writer.add(r);
      if (!refused) usccs.add(uscc);
    }
    await writer.flush();
    await on.store.query('VACUUM ANALYZE');
    const ids = [...usccs];
    say(`${ids.length} subjects to query`);

    const client = (port: number) => cityBClient(certs, port);
    const onClient = await client(on.port);
    const offClient = await client(off.port);
    closers.push(() => onClient.close(), () => offClient.close());
    const request = (i: number): QueryRecordsRequest => ({ identifier: ids[(i * 7919) % ids.length]!, scheme: 0, purpose: Purpose.PURPOSE_BIDDING_REVIEW, reference: 'bench', pageSize: 50, pageToken: '' });
    const query =
      (c: FederationClient, expectAgreement: boolean): Call =>
      (i) =>
        new Promise((resolve, reject) =>
          c.queryRecords(request(i), (e, res) => {
            if (e) return reject(e);
            if (res!.records.length === 0 || (expectAgreement && res!.agreementVersion !== 1)) return reject(new Error('an answer without records or agreement'));
            resolve(res);
          }),
        );

    // The echo answers as many bytes as a typical QueryRecords answer.
    const sample = (await query(onClient, true)(0)) as QueryRecordsResponse;
    const replyBytes = QueryRecordsResponse.encode(sample).finish().length;
    const echo = await startEcho(city, Buffer.alloc(replyBytes, 7));
    const echoer = await echoClient(certs.nodes['city-b']!, echo.port, 'city');
    closers.push(() => echoer.close(), () => echo.stop());
    const requestBytes = Buffer.alloc(64, 1);
    const modes: Record<'on' | 'off' | 'echo', Call> = { on: query(onClient, true), off: query(offClient, false), echo: () => echoer.call(requestBytes) };

    const errors: string[] = [];
    say('warming up');
    for (const m of Object.values(modes)) await round(m, errors);
    const results: Record<string, Round[]> = { on: [], off: [], echo: [] };
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, call] of Object.entries(modes)) {
        const res = await round(call, errors);
        results[name]!.push(res);
        say(`round ${r + 1}/${ROUNDS} ${name}: ${Math.round(res.rate)} calls/s`);
      }
    }
    const summary = summarize;
    const onS = summary(results.on!);
    const offS = summary(results.off!);
    const echoS = summary(results.echo!);
    const ratio = onS.callsPerSecond / offS.callsPerSecond;
    const auditEntries = Number((await on.store.query<{ n: string }>('SELECT count(*) AS n FROM audit_entries')).rows[0]!.n);
    printReport(
      {
        bench: 'query',
        setup: { records: RECORDS, subjects: ids.length, concurrency: CONCURRENCY, secondsPerRound: SECONDS, rounds: ROUNDS, answerBytes: replyBytes, postgres: throwaway ? 'throwaway cluster' : 'DATABASE_URL', cpus: os.cpus().length },
        enforcedAndAudited: onS,
        unenforced: offS,
        bareMtlsEcho: echoS,
        ratioEnforcedToUnenforced: round3(ratio),
        target: TARGET_RATIO,
        met: ratio >= TARGET_RATIO,
        ratioEnforcedToEcho: round3(onS.callsPerSecond / echoS.callsPerSecond),
        auditEntriesWritten: auditEntries,
      },
      errors,
      say,
    );
  } finally {
    await tearDown({ closers, gateways, adminUrl, db, throwaway, dir });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:query failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
