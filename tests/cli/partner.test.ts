// `credfed partner …` through the real binary (node bin/credfed.js) on a fresh
// store: help, usage errors, add / list / show / update / suspend / resume,
// paging, the recorded actor, and what is refused.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/store.js';
import { createTestStoreConfig, writeStoreOnlyConfig, type TestStoreConfig } from '../helpers/store-fixture.js';
import { credfed, type Run } from '../helpers/cli-run.js';

const VERBS = ['add', 'list', 'show', 'update', 'suspend', 'resume'];
/** The default actor: the operating-system user running the command. */
const ME = `cli:${os.userInfo().username}`;

describe('credfed partner: help and usage', () => {
  it.concurrent.each(VERBS)('partner %s --help exits 0 with EXAMPLES', async (verb) => {
    const r = await credfed(['partner', verb, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: credfed partner ${verb}`);
    expect(r.stdout).toContain('EXAMPLES');
    expect(r.stdout).toContain('STORE_LOCKED');
  });

  it('credfed --help lists the partner commands', async () => {
    const r = await credfed(['--help']);
    for (const verb of VERBS) expect(r.stdout).toContain(`partner ${verb}`);
  });

  it.concurrent.each([
    ['no --config', ['partner', 'list']],
    ['no ID', ['partner', 'show', '--config', 'x.yaml']],
    ['two IDs', ['partner', 'suspend', 'a1', 'b2', '--config', 'x.yaml']],
    ['--endpoint with --no-endpoint', ['partner', 'update', 'a1', '--endpoint', 'h:1', '--no-endpoint', '--config', 'x.yaml']],
    ['nothing to update', ['partner', 'update', 'a1', '--config', 'x.yaml']],
    ['a page size of 0', ['partner', 'list', '--page-size', '0', '--config', 'x.yaml']],
    ['paging show without --history', ['partner', 'show', 'a1', '--page-size', '5', '--config', 'x.yaml']],
    ['an unknown flag', ['partner', 'add', 'a1', '--kind', 'admin', '--colour', 'red', '--config', 'x.yaml']],
  ])('%s exits 2 with the usage on stderr', async (_what, args) => {
    const r = await credfed(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: credfed partner');
    expect(r.stdout).toBe('');
  });
});

describe('credfed partner on a node store', () => {
  let storeConfig: TestStoreConfig;
  let configFile: string;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-partner-cli-'));

  beforeAll(async () => {
    storeConfig = await createTestStoreConfig();
    configFile = writeStoreOnlyConfig(path.join(tmp, 'city.yaml'), storeConfig, { partners: [{ id: 'county-a', kind: 'child_county' }] });
  });
  afterAll(async () => {
    await storeConfig?.cleanup();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const partner = (...args: string[]) => credfed(['partner', ...args, '--config', configFile]);
  const json = (r: Run) => {
    expect(r.stderr).not.toContain('unexpected error');
    return JSON.parse(r.stdout);
  };

  it('add registers a partner (message on stderr; with --json, the partner on stdout)', async () => {
    const plain = await partner('add', 'county-b', '--kind', 'child_county', '--name', '法库县信用平台');
    expect(plain.code).toBe(0);
    expect(plain.stdout).toBe('');
    expect(plain.stderr).toContain('county-b');
    const r = await partner('add', 'benxi', '--kind', 'peer_region', '--endpoint', 'benxi.example.cn:7400', '--actor', 'alice', '--json');
    expect(r.code).toBe(0);
    expect(json(r)).toMatchObject({
      partner: { id: 'benxi', displayName: 'benxi', kind: 'peer_region', endpoint: 'benxi.example.cn:7400', status: 'active', revision: 1 },
      changed: true,
    });
  });

  it('a duplicate or invalid partner exits 1 with its code, and nothing is written', async () => {
    const dup = await partner('add', 'county-b', '--kind', 'peer_region');
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain('PARTNER_EXISTS');
    const bad = await partner('add', 'Bad_Id', '--kind', 'grand_city', '--endpoint', 'nowhere');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('PARTNER_INVALID');
    for (const field of ['id:', 'kind:', 'endpoint:']) expect(bad.stderr).toContain(field);
    const own = await partner('add', 'city', '--kind', 'admin');
    expect(own.code).toBe(1);
    expect(own.stderr).toContain('PARTNER_INVALID');

    const list = json(await partner('list', '--json'));
    expect(list.partners.map((p: { id: string }) => p.id)).toEqual(['benxi', 'county-a', 'county-b']);
    expect(list.partners.find((p: { id: string }) => p.id === 'county-b')).toMatchObject({ kind: 'child_county', revision: 1 });
  });

  it('list shows the partners from the file too (seeded), in id order, as a table', async () => {
    const r = await partner('list');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+KIND\s+STATUS\s+ENDPOINT\s+NAME$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['benxi', 'county-a', 'county-b']);
    expect(r.stdout).not.toContain('next page token');
  });

  it('list pages with --page-size and --page-token; a foreign token exits 1 with PAGE_TOKEN_INVALID', async () => {
    const first = await partner('list', '--page-size', '2');
    const token = /^next page token: (\S+)$/m.exec(first.stdout)?.[1];
    expect(token).toBeDefined();
    const second = json(await partner('list', '--page-size', '2', '--page-token', token!, '--json'));
    expect(second.partners.map((p: { id: string }) => p.id)).toEqual(['county-b']);
    expect(second.nextPageToken).toBeNull();
    const bad = await partner('list', '--page-token', 'bm90IGFuIGlk!');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('PAGE_TOKEN_INVALID');
  });

  it('update, suspend and resume record one change each with the actor; a no-op records nothing', async () => {
    expect((await partner('update', 'county-a', '--name', '浑南区', '--endpoint', '10.0.0.5:7400')).code).toBe(0);
    const suspended = await partner('suspend', 'county-a', '--reason', 'key leaked', '--actor', 'alice', '--json');
    expect(suspended.code).toBe(0);
    expect(json(suspended)).toMatchObject({ partner: { status: 'suspended', revision: 3 }, changed: true });
    const again = await partner('suspend', 'county-a', '--json');
    expect(again.code).toBe(0);
    expect(json(again)).toMatchObject({ partner: { revision: 3 }, changed: false });
    expect((await partner('resume', 'county-a')).code).toBe(0);
    expect((await partner('update', 'county-a', '--no-endpoint', '--actor', 'bob')).code).toBe(0);

    const shown = json(await partner('show', 'county-a', '--history', '--json'));
    expect(shown.partner).toMatchObject({ id: 'county-a', displayName: '浑南区', endpoint: null, status: 'active', revision: 5 });
    expect(shown.history.map((c: { revision: number; actor: string; action: string; reason: string | null }) => [c.revision, c.actor, c.action, c.reason])).toEqual([
      [1, 'config', 'seed', null],
      [2, ME, 'update', null],
      [3, 'alice', 'suspend', 'key leaked'],
      [4, ME, 'resume', null],
      [5, 'bob', 'update', null],
    ]);
    expect(shown.history[2].before.status).toBe('active');
    expect(shown.history[2].after.status).toBe('suspended');
  });

  it('show prints the partner and, with --history, a readable change list', async () => {
    const r = await partner('show', 'county-a', '--history', '--page-size', '3');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^name:\s+浑南区$/m);
    expect(r.stdout).toMatch(/^status:\s+active$/m);
    expect(r.stdout).toMatch(/^3\s+\S+\s+alice\s+suspend\s+status active → suspended; reason: key leaked$/m);
    expect(r.stdout).toMatch(/^next page token: \S+$/m);
    const missing = await partner('show', 'county-z');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('PARTNER_NOT_FOUND');
    const suspendMissing = await partner('suspend', 'county-z');
    expect(suspendMissing.code).toBe(1);
    expect(suspendMissing.stderr).toContain('PARTNER_NOT_FOUND');
  });

  it.skipIf(process.env.DATABASE_URL)('on a terminal, says on stderr that it opens the embedded store (and only there); stdout is the same', async () => {
    const onTerminal = await credfed(['partner', 'list', '--config', configFile], { isTty: true });
    const piped = await partner('list');
    expect(onTerminal.code).toBe(0);
    expect(onTerminal.stderr).toContain('opening the embedded store');
    expect(piped.stderr).not.toContain('opening the embedded store');
    expect(onTerminal.stdout).toBe(piped.stdout);
  });

  it.skipIf(process.env.DATABASE_URL)('with the embedded store in use by another process, exits 1 with STORE_LOCKED', async () => {
    const holder = await openStore({ dataDir: storeConfig.dataDir });
    try {
      const r = await partner('list');
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('STORE_LOCKED');
    } finally {
      await holder.close();
    }
  });
});
