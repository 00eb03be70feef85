// `credfed agreement …` through the real binary on a fresh store: put (every
// problem of a bad document listed, nothing stored), draft and activate,
// get by id and by partner, history, diff, rollback and overlap refusals.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { createTestStoreConfig, type TestStoreConfig } from '../helpers/store-fixture.js';
import { credfed } from '../helpers/cli-run.js';

const B = {
  agreement: 'city-b',
  parties: { partners: ['city-b'] },
  valid: { from: '2026-01-01', until: '2027-12-31' },
  directions: ['query'],
  categories: ['administrative_penalty'],
  disclosure: ['public'],
  purposes: ['bidding_review'],
};

describe('credfed agreement', () => {
  let storeConfig: TestStoreConfig;
  let configFile: string;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-agreement-cli-'));
  const file = (name: string, doc: unknown) => {
    const p = path.join(tmp, name);
    fs.writeFileSync(p, typeof doc === 'string' ? doc : YAML.stringify(doc));
    return p;
  };
  const agreement = (...args: string[]) => credfed(['agreement', ...args, '--config', configFile]);

  beforeAll(async () => {
    storeConfig = await createTestStoreConfig();
    configFile = file('city.yaml', {
      node: { id: 'city' },
      listen: '127.0.0.1:0',
      store: storeConfig.databaseUrl ? { databaseUrl: storeConfig.databaseUrl } : { dataDir: storeConfig.dataDir },
      tls: { ca: 'nowhere/ca.crt', cert: 'nowhere/city.crt', key: 'nowhere/city.key' },
      partners: [
        { id: 'city-b', kind: 'peer_region' },
        { id: 'county-a', kind: 'child_county' },
      ],
      agreements: [{ agreement: 'counties', parties: { groups: ['child_county'] }, valid: { from: '2026-01-01', until: '2030-12-31' }, directions: ['push'], categories: ['all'], disclosure: ['public'] }],
    });
  });
  afterAll(async () => {
    await storeConfig?.cleanup();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it.each(['put', 'get', 'history', 'diff', 'activate'])('agreement %s --help exits 0 with EXAMPLES', async (verb) => {
    const r = await credfed(['agreement', verb, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('EXAMPLES');
  });

  it('refuses a bad document listing every problem, and stores nothing', async () => {
    const bad = file('bad.yaml', {
      agreement: 'Bad Id',
      parties: { partners: ['nobody-here'] },
      valid: { from: '2027-01-01', until: '2026-01-01' },
      directions: ['query', 'teleport'],
      categories: ['penaltys'],
      disclosure: ['public'],
      quotas: { perMinute: 10, perDay: 5 },
      colour: 'red',
    });
    const r = await agreement('put', bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('AGREEMENT_INVALID');
    for (const at of ['agreement:', 'parties.partners: unknown partner "nobody-here"', 'valid:', 'directions[1]:', 'categories[0]:', 'purposes:', 'quotas:', 'colour:']) {
      expect(r.stderr).toContain(at);
    }
    expect((await agreement('history', 'bad-id')).code).toBe(1);
  });

  it('stores, activates, reads by id and by partner, lists history and diffs versions', async () => {
    const put = await agreement('put', file('b1.yaml', B));
    expect(put.code).toBe(0);
    expect(put.stderr).toContain('version 1 stored and active');
    const draft = await agreement('put', file('b2.yaml', { ...B, purposes: ['bidding_review', 'financing'], categories: ['all'] }), '--draft');
    expect(draft.stderr).toContain('version 2 stored as a draft');
    const active = await agreement('get', '--partner', 'city-b', '--json');
    expect(JSON.parse(active.stdout)).toMatchObject({ agreementId: 'city-b', version: 1, state: 'active' });
    const byGroup = await agreement('get', '--partner', 'county-a', '--json');
    expect(JSON.parse(byGroup.stdout)).toMatchObject({ agreementId: 'counties', version: 1, createdBy: 'config' });

    const diff = await agreement('diff', 'city-b', '--json');
    expect(JSON.parse(diff.stdout).changes.map((c: { path: string }) => c.path)).toEqual(['categories', 'purposes']);

    expect((await agreement('activate', 'city-b', '--version', '2')).code).toBe(0);
    const history = JSON.parse((await agreement('history', 'city-b', '--json')).stdout);
    expect(history.versions.map((v: { version: number; state: string }) => [v.version, v.state])).toEqual([
      [2, 'active'],
      [1, 'superseded'],
    ]);
    // Roll back.
    expect((await agreement('activate', 'city-b', '--version', '1')).code).toBe(0);
    const got = await agreement('get', 'city-b');
    expect(got.stdout).toContain('bidding_review');
    expect(got.stdout).not.toContain('financing');
    expect((await agreement('get', 'city-b', '--version', '9')).stderr).toContain('AGREEMENT_NOT_FOUND');
  });

  it('refuses a second active agreement for the same partner or group', async () => {
    const r = await agreement('put', file('b-other.yaml', { ...B, agreement: 'city-b-other' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('already governed by active agreement "city-b"');
    const g = await agreement('put', file('g.yaml', { ...B, agreement: 'all-counties', parties: { groups: ['child_county'] } }), '--dry-run');
    expect(g.code).toBe(1);
    expect(g.stderr).toContain('"child_county" is already governed by active agreement "counties"');
  });

  it('enters each command, allowed or refused, in the audit log; verify finds the log intact, then names a tampered entry', async () => {
    const exported = await credfed(['audit', 'export', '--config', configFile]);
    expect(exported.code).toBe(0);
    const entries = exported.stdout.trim().split('\n').map((l) => JSON.parse(l) as { method: string; decision: string; reason?: string; actor: string; chain: string });
    expect(entries.some((e) => e.method === 'cli/agreement put' && e.decision === 'allow' && e.actor.startsWith('cli:'))).toBe(true);
    expect(entries.some((e) => e.method === 'cli/agreement put' && e.decision === 'deny' && e.reason === 'AGREEMENT_INVALID')).toBe(true);
    expect(entries.some((e) => e.method === 'cli/agreement activate' && e.decision === 'allow')).toBe(true);
    expect(new Set(entries.map((e) => e.chain))).toEqual(new Set(['cli/city']));

    const intact = await credfed(['audit', 'verify', '--config', configFile]);
    expect(intact.code).toBe(0);
    expect(intact.stdout).toContain('audit log intact');
    const { openStore } = await import('../../src/store/store.js');
    const s = await openStore({ dataDir: storeConfig.dataDir, databaseUrl: storeConfig.databaseUrl });
    try {
      await s.query(`UPDATE audit_entries SET decision = 'allow' WHERE seq = 2`);
    } finally {
      await s.close();
    }
    const broken = await credfed(['audit', 'verify', '--config', configFile, '--json']);
    expect(broken.code).toBe(3);
    expect(JSON.parse(broken.stdout).problems).toEqual([expect.objectContaining({ chain: 'cli/city', seq: 2, kind: 'modified' })]);
  });
});
