/**
 * The store half of `npm run bench:ids` (issue 5, point 7): identifiers as
 * typed (USCCs in lower case or with separators, organisation codes with
 * their hyphen, registration numbers) resolved to their canonical subject
 * through the store — scheme detection, normalisation, validation and the
 * graph look-up (identifier → subject, following aliases) — per second,
 * against a same-run primary-key SELECT of the same identifiers, already
 * normalised, on the same PostgreSQL, pool and concurrency.
 */
import pg from 'pg';
import { detectSchemes, orgCheckChar, regnoCheckDigit, usccCheckChar, USCC_ALPHABET, validateIdentifier } from '../core/ids/index.js';
import { contractScheme } from '../core/records/identifier-scheme.js';
import { IdentifierScheme, SubjectKind } from '../gen/credfed/v1/subject.js';
import { resolveIdentifier } from '../store/repos/subject-lookup.js';
import { resolveSubjects } from '../store/repos/subjects-repo.js';
import { openStore } from '../store/store.js';
import { adminQuery, dbUrl } from './bench-database.js';
import { median, quantile } from './bench-stats.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from './throwaway-postgres.js';

export interface StoreBenchOptions {
  /** Subjects in the graph (each with a USCC, its organisation code and a registration number). */
  readonly subjects: number;
  /** Look-ups per pass. */
  readonly lookups: number;
  readonly rounds: number;
  readonly say: (message: string) => void;
}

const CONCURRENCY = 4;
const FILL_CHUNK = 1000;
const { IDENTIFIER_SCHEME_USCC: USCC, IDENTIFIER_SCHEME_REGISTRATION_NUMBER: REGNO } = IdentifierScheme;

interface Known {
  readonly uscc: string;
  readonly regno: string;
}

/** The i-th subject's identifiers (deterministic, all distinct). */
function knownSubject(i: number): Known {
  let n = i;
  let org = '';
  for (let k = 0; k < 8; k++) (org = USCC_ALPHABET[n % 31] + org), (n = Math.floor(n / 31));
  org += orgCheckChar(org);
  const body = `91210100${org}`;
  const regnoBody = `2101${String(i).padStart(10, '0')}`;
  return { uscc: body + usccCheckChar(body), regno: regnoBody + regnoCheckDigit(regnoBody) };
}

/** How a person types the identifier, and the stored (scheme, normalised value) the ceiling selects. */
function typed(k: Known, i: number): { raw: string; scheme: number; value: string } {
  switch (i % 4) {
    case 0:
      return { raw: k.uscc, scheme: USCC, value: k.uscc };
    case 1:
      return { raw: ` ${k.uscc.slice(0, 6)}-${k.uscc.slice(6).toLowerCase()}`, scheme: USCC, value: k.uscc };
    case 2:
      return { raw: `${k.uscc.slice(8, 16)}-${k.uscc.charAt(16)}`, scheme: IdentifierScheme.IDENTIFIER_SCHEME_ORG_CODE, value: k.uscc.slice(8, 17) };
    default:
      return { raw: k.regno, scheme: REGNO, value: k.regno };
  }
}

async function fill(url: string, count: number, say: (m: string) => void): Promise<void> {
  const store = await openStore({ databaseUrl: url });
  try {
    for (let start = 0; start < count; start += FILL_CHUNK) {
      const items = Array.from({ length: Math.min(FILL_CHUNK, count - start) }, (_, j) => {
        const k = knownSubject(start + j);
        const identifiers = [
          { scheme: USCC, value: k.uscc, masked: '' },
          { scheme: REGNO, value: k.regno, masked: '' },
        ];
        return { subject: { kind: SubjectKind.SUBJECT_KIND_LEGAL_PERSON, name: `企业${start + j}`, identifiers, legalRepresentative: '' }, source: 'bench', ref: `bench/${start + j}` };
      });
      await store.transaction((tx) => resolveSubjects(tx, items));
      if ((start / FILL_CHUNK) % 20 === 0) say(`graph: ${start + items.length}/${count} subjects`);
    }
    await store.query('VACUUM ANALYZE subject_identifiers');
  } finally {
    await store.close();
  }
}

/** Runs `each` over `count` look-ups with CONCURRENCY workers; the pass's seconds and every call's latency. */
async function pass(count: number, each: (i: number) => Promise<unknown>): Promise<{ seconds: number; latencies: number[] }> {
  const latencies: number[] = [];
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = process.hrtime.bigint();
        await each(i);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, latencies };
}

export async function benchStoreResolution(opts: StoreBenchOptions): Promise<Record<string, unknown>> {
  let throwaway: ThrowawayPostgres | undefined;
  const adminUrl = process.env.DATABASE_URL ?? (throwaway = await startThrowawayPostgres()).url;
  if (throwaway) opts.say('started a throwaway PostgreSQL (DATABASE_URL unset)');
  const db = `bench_ids_${process.pid}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${db}`);
  const url = dbUrl(adminUrl, db);
  const pool = new pg.Pool({ connectionString: url, max: CONCURRENCY });
  try {
    await fill(url, opts.subjects, opts.say);
    const targets = Array.from({ length: opts.lookups }, (_, i) => typed(knownSubject((i * 7919) % opts.subjects), i));
    let misses = 0;
    const resolve = async (i: number) => {
      const t = targets[i]!;
      const scheme = detectSchemes(t.raw)[0]!;
      const checked = validateIdentifier(scheme, t.raw);
      if (checked.error) throw new Error(`bench input ${t.raw}: ${checked.error.message}`);
      if ((await resolveIdentifier(pool, contractScheme(scheme), checked.value.normalized)) === undefined) misses++;
    };
    const select = (i: number) =>
      pool.query('SELECT subject_id FROM subject_identifiers WHERE value = $1 AND scheme = $2', [targets[i]!.value, targets[i]!.scheme]);
    await pass(Math.min(2000, opts.lookups), resolve); // warm-up: connections, plans, caches
    await pass(Math.min(2000, opts.lookups), select);
    const runs = { resolve: [] as Awaited<ReturnType<typeof pass>>[], select: [] as Awaited<ReturnType<typeof pass>>[] };
    for (let r = 0; r < opts.rounds; r++) {
      runs.resolve.push(await pass(opts.lookups, resolve));
      runs.select.push(await pass(opts.lookups, select));
      opts.say(`store round ${r + 1}/${opts.rounds}`);
    }
    if (misses > 0) throw new Error(`${misses} look-ups found no subject: the bench graph is wrong`);
    const summary = (passes: Awaited<ReturnType<typeof pass>>[]) => {
      const latencies = passes.flatMap((p) => p.latencies);
      return {
        perSecondMedian: Math.round(opts.lookups / median(passes.map((p) => p.seconds))),
        latencyMsP50: Number(median(latencies).toFixed(3)),
        latencyMsP99: Number(quantile(latencies, 0.99).toFixed(3)),
      };
    };
    const resolveSummary = summary(runs.resolve);
    const selectSummary = summary(runs.select);
    return {
      postgres: throwaway ? 'throwaway cluster' : 'DATABASE_URL',
      subjects: opts.subjects,
      identifiersInGraph: opts.subjects * 3,
      lookupsPerRound: opts.lookups,
      concurrency: CONCURRENCY,
      measured: 'identifiers as typed (USCC canonical / lower case with separators, organisation code with hyphen, registration number) → detect scheme, normalise, validate, resolve to the canonical subject',
      ceiling: 'primary-key SELECT of the same identifiers, already normalised, on the same pool',
      resolvePerSecond: resolveSummary.perSecondMedian,
      primaryKeySelectPerSecond: selectSummary.perSecondMedian,
      ratio: Number((resolveSummary.perSecondMedian / selectSummary.perSecondMedian).toFixed(3)),
      details: { resolve: resolveSummary, primaryKeySelect: selectSummary },
    };
  } finally {
    await pool.end();
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${db}`).catch(() => {});
    throwaway?.stop();
  }
}
