/**
 * `npm run bench:sync [-- --records N]`: county → city sync on real PostgreSQL
 * against the ceiling of COPY of the same records into the same table layout,
 * measured in the same run. Prints JSON.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import YAML from 'yaml';
import { ensureDevCertificates } from '../pki/dev-certs.js';
import { validateRecord } from '../core/records/validate-record.js';
import { generateRecords } from '../sample/sample-records.js';
import { enqueue } from '../store/repos/outbox-repo.js';
import { encodeRecord } from '../store/repos/record-rows.js';
import { openStore } from '../store/store.js';
import { loadPersonsProtection, type PersonsProtection } from '../persons/persons-protection.js';
import { prepareCopyFiles, timeCopy } from './copy-ceiling.js';
import { peakRssMiB } from './process-rss.js';
import { adminQuery, dbUrl } from './bench-database.js';
import { benchPersons, protectedRecord } from './bench-persons.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from './throwaway-postgres.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const TARGET_RATIO = 0.25;
const TARGET_RSS_MIB = 300;

const { values } = parseArgs({ options: { records: { type: 'string', default: '200000' }, 'cpu-prof': { type: 'string' } } });
/** `--cpu-prof DIR`: each gateway writes a V8 CPU profile there when it stops (for finding where time goes). */
const profileDir = values['cpu-prof'] ? path.resolve(values['cpu-prof']) : undefined;
const N = Number(values.records);
if (!Number.isInteger(N) || N < 1000) {
  process.stderr.write('bench:sync: --records must be a whole number >= 1000\n');
  process.exit(2);
}
const say = (msg: string) => process.stderr.write(`bench:sync: ${msg}\n`);

async function prefillOutbox(url: string, protection: PersonsProtection): Promise<void> {
  const store = await openStore({ databaseUrl: url });
  try {
    for (let start = 0; start < N; start += 5000) {
      // Queued as an import would queue them: validated, identifiers normalised, natural persons pseudonymised.
      const records = generateRecords({ originId: 'county-a', start, count: Math.min(5000, N - start) }).map((r) =>
        protectedRecord(validateRecord(r, { requireVersion: true }).value!, protection),
      );
      const entries = records.map((r) => ({
        originId: r.originId,
        recordId: r.recordId,
        version: r.version,
        payload: encodeRecord(r),
      }));
      await store.transaction((tx) => enqueue(tx, 'city', entries));
      if (start % 100_000 === 0) say(`outbox: ${start + entries.length} / ${N}`);
    }
    // The outbox was filled earlier, as imports would have: settle it (autovacuum) before timing.
    await store.query('VACUUM ANALYZE outbox');
  } finally {
    await store.close();
  }
}

function spawnNode(config: string, logLevel: string): { child: ChildProcess; lines: string[]; ready: Promise<void> } {
  const env: NodeJS.ProcessEnv = { ...process.env, CREDFED_LOG_LEVEL: logLevel };
  delete env.DATABASE_URL;
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(process.execPath, [...profile, path.join(REPO, 'bin/credfed.js'), 'serve', '--config', config], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const lines: string[] = [];
  let buf = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      buf += d.toString();
      const parts = buf.split('\n');
      buf = parts.pop()!;
      lines.push(...parts);
      if (parts.some((l) => l.includes('listening on'))) resolve();
    });
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}:\n${lines.join('\n')}`)));
  });
  return { child, lines, ready };
}

async function main(): Promise<void> {
  let throwaway: ThrowawayPostgres | undefined;
  const adminUrl = process.env.DATABASE_URL ?? (throwaway = await startThrowawayPostgres()).url;
  if (throwaway) say('started a throwaway PostgreSQL (DATABASE_URL unset)');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-bench-'));
  const suffix = `${process.pid}`;
  const dbs = { county: `bench_county_${suffix}`, city: `bench_city_${suffix}` };
  const children: ChildProcess[] = [];
  try {
    for (const db of Object.values(dbs)) await adminQuery(adminUrl, `CREATE DATABASE ${db}`);
    const urls = { county: dbUrl(adminUrl, dbs.county), city: dbUrl(adminUrl, dbs.city) };
    await (await openStore({ databaseUrl: urls.city })).close();
    say(`pre-filling the county outbox with ${N} records`);
    const persons = benchPersons(work);
    await prefillOutbox(urls.county, loadPersonsProtection(persons));

    const certs = await ensureDevCertificates({ dir: path.join(work, 'certs'), federation: 'bench', nodes: ['city', 'county-a'], admins: [] });
    const cityPort = 20000 + (process.pid % 20000);
    // Both sides decide the exchange under the agreement that governs it (deny by default): the
    // city lets the county push to it, the county lets the city receive (pull) its records.
    const agreement = (partner: string, direction: 'push' | 'pull') => ({
      agreement: 'bench-county-a',
      parties: { partners: [partner] },
      valid: { from: '2020-01-01', until: '2099-12-31' },
      directions: [direction],
      categories: ['all'],
      disclosure: ['public', 'conditional', 'not_shared'],
    });
    const nodeDoc = (id: 'city' | 'county-a', port: number, url: string, partners: object[]) => ({
      node: { id, federation: 'bench' },
      listen: `127.0.0.1:${port}`,
      store: { databaseUrl: url },
      tls: { ca: certs.nodes[id]!.caFile, cert: certs.nodes[id]!.certFile, key: certs.nodes[id]!.keyFile },
      persons: { pseudonymKeys: persons.pseudonymKeys, encryptionKeyFile: persons.encryptionKeyFile },
      partners,
      agreements: [id === 'city' ? agreement('county-a', 'push') : agreement('city', 'pull')],
    });
    const cityFile = path.join(work, 'city.yaml');
    const countyFile = path.join(work, 'county.yaml');
    fs.writeFileSync(cityFile, YAML.stringify(nodeDoc('city', cityPort, urls.city, [{ id: 'county-a', kind: 'child_county' }])));
    fs.writeFileSync(
      countyFile,
      YAML.stringify(nodeDoc('county-a', cityPort + 1, urls.county, [{ id: 'city', kind: 'parent_city', endpoint: `127.0.0.1:${cityPort}` }])),
    );

    const city = spawnNode(cityFile, 'warn');
    children.push(city.child);
    await city.ready;
    say('syncing');
    const county = spawnNode(countyFile, 'info');
    children.push(county.child);
    await county.ready;

    const countyDb = new pg.Client({ connectionString: urls.county });
    await countyDb.connect();
    let lastAckAt: Date;
    for (;;) {
      const { rows } = await countyDb.query<{ acked_seq: string; acked_at: Date }>(`SELECT acked_seq, acked_at FROM outbox_state WHERE partner_id = 'city'`);
      if (Number(rows[0]?.acked_seq ?? 0) >= N) {
        lastAckAt = rows[0]!.acked_at;
        break;
      }
      if (county.child.exitCode !== null || city.child.exitCode !== null) throw new Error('a gateway exited during the benchmark');
      await new Promise((r) => setTimeout(r, 200));
    }
    await countyDb.end();
    const rss = { cityMiB: peakRssMiB(city.child.pid!), countyMiB: peakRssMiB(county.child.pid!) };
    const opened = county.lines
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg?: string; time?: number })
      .find((l) => l.msg?.startsWith('push stream open'));
    if (!opened?.time) throw new Error('the county never logged its stream opening');
    const syncSeconds = (lastAckAt.getTime() - opened.time) / 1000;
    for (const c of children) c.kill('SIGTERM');
    if (profileDir) await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));

    say('ceiling: COPY of the same records into the same table layout');
    const copy = await timeCopy(urls.city, await prepareCopyFiles(work, 'county-a', N, loadPersonsProtection(persons)));

    const syncRate = N / syncSeconds;
    const ceilingRate = N / copy.allTables;
    const recordsTableRate = N / copy.recordsTable;
    const ratio = syncRate / ceilingRate;
    const report = {
      benchmark: 'sync',
      records: N,
      sync: { recordsPerSecond: Math.round(syncRate), seconds: round(syncSeconds), measured: 'first batch sent to last acknowledgement' },
      ceiling: {
        recordsPerSecond: Math.round(ceilingRate),
        seconds: round(copy.allTables),
        measured: 'COPY of the same records into every table sync writes them to (records, subjects, subject_identifiers: same columns and indexes)',
      },
      ratio: round(ratio),
      recordsTableOnly: {
        recordsPerSecond: Math.round(recordsTableRate),
        seconds: round(copy.recordsTable),
        measured: 'COPY into the records table alone (the part of the ceiling above that loads record rows)',
        ratio: round(syncRate / recordsTableRate),
      },
      peakRssMiB: { city: rss.cityMiB, county: rss.countyMiB },
      target: { ratio: TARGET_RATIO, peakRssMiB: TARGET_RSS_MIB },
      meetsTarget: ratio >= TARGET_RATIO && rss.cityMiB < TARGET_RSS_MIB && rss.countyMiB < TARGET_RSS_MIB,
      postgres: throwaway ? 'throwaway cluster' : 'DATABASE_URL',
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    for (const db of Object.values(dbs)) await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => undefined);
    fs.rmSync(work, { recursive: true, force: true });
    throwaway?.stop();
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000;

await main();
