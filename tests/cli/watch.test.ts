// `credfed watch` through the real binary against a real county gateway over
// loopback mutual TLS (admin certificate): the records held, then changes; a
// resumed watch shows exactly what was stored after its cursor; JSON lines;
// watched subjects' levels; refusals with exit 1, usage errors with exit 2.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { ChunkWriter } from '../../src/importer/chunk-writer.js';
import { createLogger } from '../../src/obs/logger.js';
import { loadPersonsProtection } from '../../src/persons/persons-protection.js';
import { startGateway, type Gateway } from '../../src/server/gateway.js';
import { enterprise, recordOf } from '../helpers/agreement-records.js';
import { credfed } from '../helpers/cli-run.js';
import { createPki, freePort, writeNodeConfig, type Pki } from '../helpers/federation-fixture.js';
import { newUscc } from '../helpers/id-codes.js';
import { createTestStoreConfig, type TestStoreConfig } from '../helpers/store-fixture.js';

const FIRM = newUscc();
let pki: Pki;
let dir: string;
let store: TestStoreConfig;
let county: Gateway;
let admin: string[];
const firm = enterprise('沈阳示例食品有限公司', FIRM);

async function importRecords(ids: readonly [string, 'penalty' | 'dishonesty' | 'licence'][]): Promise<void> {
  const writer = new ChunkWriter(county.store, [], loadPersonsProtection(county.config.persons));
  for (const [id, kind] of ids) expect(await writer.add(recordOf(firm, { origin: 'county-a', id, kind }))).toBeUndefined();
  await writer.flush();
}

beforeAll(async () => {
  pki = await createPki(['county-a', 'city']);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-watch-cli-'));
  store = await createTestStoreConfig();
  const config = writeNodeConfig(pki, dir, { id: 'county-a', port: await freePort(), store, partners: [{ id: 'city', kind: 'parent_city', port: await freePort(), push: false }] });
  county = await startGateway(loadConfig(config, {}), { log: createLogger({ level: 'error', node: 'county-a' }) });
  await importRecords([['l-1', 'licence'], ['d-1', 'dishonesty']]);
  admin = ['--config', config, '--cert', pki.certs.admins.ops!.certFile, '--key', pki.certs.admins.ops!.keyFile];
}, 120_000);

afterAll(async () => {
  await county?.stop();
  await store?.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
});

const cursorOf = (line: string) => /\(cursor (c1\.[A-Za-z0-9_-]+)\)$/.exec(line)?.[1];

describe('credfed watch', () => {
  it('--help exits 0 with EXAMPLES', async () => {
    const r = await credfed(['watch', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: credfed watch');
    expect(r.stdout).toContain('EXAMPLES');
  });

  it('shows the records held, then is caught up; --from resumes after the last line', async () => {
    const first = await credfed(['watch', '--until-caught-up', ...admin]);
    expect(first.code, first.stderr).toBe(0);
    const lines = first.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 2).map((l) => l.split(/\s+/).slice(0, 3).join(' ')).sort()).toEqual(['held county-a/d-1 v1', 'held county-a/l-1 v1']);
    expect(lines[2]).toMatch(/^-- 2 records held; changes follow {2}\(cursor c1\./);
    expect(lines.at(-1)).toMatch(/^-- caught up {2}\(cursor c1\./);
    const cursor = cursorOf(lines.at(-1)!)!;

    await importRecords([['p-1', 'penalty']]);
    const next = await credfed(['watch', '--from', cursor, '--until-caught-up', ...admin]);
    expect(next.code, next.stderr).toBe(0);
    const after = next.stdout.trimEnd().split('\n');
    expect(after).toHaveLength(2);
    expect(after[0]).toMatch(new RegExp(`^new +county-a/p-1 v1  administrative_penalty  沈阳示例食品有限公司 ${FIRM}  \\(cursor c1\\.`));
    expect(after[1]).toMatch(/^-- caught up/);
  });

  it('--json writes one object per line; --subjects reports the level now', async () => {
    const run = await credfed(['watch', '--json', '--until-caught-up', '--categories', 'dishonesty_list', '--subjects', FIRM, ...admin]);
    expect(run.code, run.stderr).toBe(0);
    const events = run.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.filter((e) => e.event === 'held').map((e) => e.recordId)).toEqual(['d-1']);
    expect(events).toContainEqual(expect.objectContaining({ event: 'level', subject: FIRM, previous: null, level: 'dishonest' }));
    expect(events.at(-1)).toMatchObject({ event: 'caught_up', cursor: expect.stringMatching(/^c1\./) });
  });

  it('a refused cursor exits 1 with its code; usage errors exit 2', async () => {
    const bad = await credfed(['watch', '--from', 'c1.bm9wZQ', '--until-caught-up', ...admin]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('CURSOR_INVALID');
    const category = await credfed(['watch', '--categories', 'penalties', ...admin]);
    expect(category.code).toBe(2);
    expect(category.stderr).toContain('"penalties" (item 1) is not one of');
    const unknown = await credfed(['watch', '--since', 'x', ...admin]);
    expect(unknown.code).toBe(2);
  });
});
