import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { RecordCategory } from '../../src/gen/credfed/v1/record.js';
import { IdentifierScheme } from '../../src/gen/credfed/v1/subject.js';
import { generateRecords } from '../../src/sample/sample-records.js';
import { openStore } from '../../src/store/store.js';
import { freePortRun, REPO_ROOT } from '../helpers/federation-fixture.js';

const CLI = path.join(REPO_ROOT, 'bin/credfed.js');
const RECORDS = 40;

// `credfed up` always runs on embedded stores: it is the newcomer's demo.
let work: string;
let basePort: number;

function cli(args: string[], timeout = 240_000) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  return spawnSync(process.execPath, [CLI, ...args], { cwd: work, env, encoding: 'utf8', timeout });
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-up-'));
  basePort = await freePortRun(4);
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('credfed up (npm start)', () => {
  it('brings up a city, two counties and a neighbour, and syncs the samples to the city', () => {
    const run = cli(['up', '--base-port', String(basePort), '--records', String(RECORDS), '--exit-when-synced']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`city\\s+127\\.0\\.0\\.1:${basePort}\\s.*\\s${3 * RECORDS}\\s`));
    expect(fs.existsSync(path.join(work, 'certs', 'ca.crt'))).toBe(true);
    expect(fs.existsSync(path.join(work, '.credfed', 'federation.json'))).toBe(true);
    for (const node of ['city', 'county-a', 'county-b', 'neighbour']) {
      expect(fs.existsSync(path.join(work, '.credfed', node, 'credfed.yaml'))).toBe(true);
    }
  });

  it('natural persons: one federation key shared by every node, one encryption key each; no sample identity number in clear at the city', async () => {
    const configs = ['city', 'county-a', 'county-b', 'neighbour'].map((n) => YAML.parse(fs.readFileSync(path.join(work, '.credfed', n, 'credfed.yaml'), 'utf8')));
    const federationKeys = new Set(configs.map((c) => c.persons.pseudonymKeys[0].file));
    expect(federationKeys.size).toBe(1);
    expect(new Set(configs.map((c) => c.persons.encryptionKeyFile)).size).toBe(4);
    expect(fs.statSync([...federationKeys][0]).mode & 0o777).toBe(0o600);
    const rics = generateRecords({ originId: 'county-a', divisionCode: '210112', count: RECORDS })
      .flatMap((r) => r.subject!.identifiers.filter((i) => i.scheme === IdentifierScheme.IDENTIFIER_SCHEME_RESIDENT_ID).map((i) => i.value));
    expect(rics.length).toBeGreaterThan(0);
    const store = await openStore({ dataDir: path.resolve(work, '.credfed', 'city', configs[0].store.dataDir) });
    try {
      const payloads = (await store.query<{ payload: Buffer }>(`SELECT payload FROM records WHERE origin_id = 'county-a'`)).rows.map((r) => Buffer.from(r.payload).toString('latin1')).join('\n');
      for (const ric of rics) expect(payloads).not.toContain(ric.slice(6, 14) + ric.slice(14, 17));
      const pseudonyms = (await store.query('SELECT 1 FROM subject_identifiers WHERE scheme = 8')).rows;
      expect(pseudonyms.length).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });

  it('a second run reuses the data and syncs only what is new', () => {
    const same = cli(['up', '--base-port', String(basePort), '--records', String(RECORDS), '--exit-when-synced']);
    expect(same.status, same.stderr).toBe(0);
    expect(same.stderr).toContain('county-a: 0 new sample records imported');
    const more = cli(['up', '--base-port', String(basePort), '--records', String(RECORDS + 5), '--exit-when-synced']);
    expect(more.status, more.stderr).toBe(0);
    expect(more.stderr).toContain('county-a: 5 new sample records imported');
    expect(more.stdout).toMatch(new RegExp(`city\\s+127\\.0\\.0\\.1:${basePort}\\s.*\\s${3 * (RECORDS + 5)}\\s`));
  });

  it('while it runs, `sync status --json` reports every node over mTLS with no flags; SIGTERM stops it cleanly', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.DATABASE_URL;
    const up = spawn(process.execPath, [CLI, 'up', '--base-port', String(basePort), '--records', String(RECORDS + 5)], {
      cwd: work,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    up.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => up.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`up did not get ready:\n${stderr}`)), 180_000);
      up.stderr.on('data', () => stderr.includes('running; Ctrl-C to stop') && (clearTimeout(timer), resolve()));
    });
    const status = cli(['sync', 'status', '--json'], 30_000);
    expect(status.status, status.stderr).toBe(0);
    const report = JSON.parse(status.stdout) as { nodes: { node: string; reachable: boolean; status: { recordsHeld: number; partners: { partnerId: string; pending: number; push: boolean }[] } }[] };
    expect(report.nodes.map((n) => n.node)).toEqual(['city', 'county-a', 'county-b', 'neighbour']);
    expect(report.nodes.every((n) => n.reachable)).toBe(true);
    expect(report.nodes[0]!.status.recordsHeld).toBe(3 * (RECORDS + 5));
    for (const n of report.nodes.slice(1)) {
      expect(n.status.partners).toEqual([expect.objectContaining({ partnerId: 'city', push: true, pending: 0 })]);
    }
    const table = cli(['sync', 'status'], 30_000);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/county-a\s+city\s+push\s+0\s+45/);

    // Mutual recognition: the neighbour asks the federation about a subject on county-a's dishonesty list.
    const listed = generateRecords({ originId: 'county-a', divisionCode: '210112', count: RECORDS }).find((r) => r.category === RecordCategory.RECORD_CATEGORY_DISHONESTY_LIST)!;
    const uscc = listed.subject!.identifiers.find((i) => i.scheme === IdentifierScheme.IDENTIFIER_SCHEME_USCC)!.value;
    const asked = cli(['recognize', uscc, '--purpose', 'bidding_review', '--federated', '--node', 'neighbour', '--json', '--out', 'evidence'], 30_000);
    expect(asked.status, asked.stderr).toBe(0);
    const [answer] = JSON.parse(asked.stdout) as { level: string; partial: boolean; verdicts: { issuer: string; level: string; basis: { originId: string }[] }[] }[];
    expect(answer!.level).toBe('dishonest');
    expect(answer!.partial).toBe(false);
    expect(answer!.verdicts.map((v) => [v.issuer, v.level])).toEqual([['neighbour', 'normal'], ['city', 'dishonest']]);
    expect(answer!.verdicts[1]!.basis.map((b) => b.originId)).toContain('county-a');
    const files = fs.readdirSync(path.join(work, 'evidence'));
    expect(files).toHaveLength(2);
    for (const f of files) {
      const verified = cli(['verdict', 'verify', path.join('evidence', f), '--trust', path.join('certs', 'ca.crt')], 30_000);
      expect(verified.status, verified.stderr).toBe(0);
    }

    up.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
