// `credfed objection file|list|resolve` and `credfed feedback report|list`
// through the real binary against a real county gateway over loopback mutual
// TLS (admin certificate): an objection to the county's own record, listed,
// resolved; feedback recorded and listed; refusals exit 1 with their code,
// usage errors exit 2.
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

let pki: Pki;
let dir: string;
let store: TestStoreConfig;
let county: Gateway;
let admin: string[];
const statusOf = async (recordId: string) => (await county.store.query<{ status: number; version: string }>('SELECT status, version FROM records WHERE record_id = $1', [recordId])).rows[0];

beforeAll(async () => {
  pki = await createPki(['county-a', 'city']);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-objection-cli-'));
  store = await createTestStoreConfig();
  const config = writeNodeConfig(pki, dir, { id: 'county-a', port: await freePort(), store, partners: [{ id: 'city', kind: 'parent_city', port: await freePort(), push: true }] });
  county = await startGateway(loadConfig(config, {}), { log: createLogger({ level: 'error', node: 'county-a' }) });
  const writer = new ChunkWriter(county.store, ['city'], loadPersonsProtection(county.config.persons));
  await writer.add(recordOf(enterprise('沈阳示例纺织有限公司', newUscc()), { origin: 'county-a', id: 'd-7', kind: 'dishonesty' }));
  await writer.flush();
  admin = ['--config', config, '--cert', pki.certs.admins.ops!.certFile, '--key', pki.certs.admins.ops!.keyFile];
}, 120_000);

afterAll(async () => {
  await county?.stop();
  await store?.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('credfed objection and feedback', () => {
  it.each(['objection file', 'objection list', 'objection resolve', 'feedback report', 'feedback list'])('%s --help exits 0 with EXAMPLES', async (cmd) => {
    const r = await credfed([...cmd.split(' '), '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: credfed ${cmd}`);
    expect(r.stdout).toContain('EXAMPLES');
  });

  it('file, list, resolve', async () => {
    const filed = await credfed(['objection', 'file', 'd-7', '--reason', '已履行全部义务', '--complainant', '张三（法定代表人）', '--json', ...admin]);
    expect(filed.code, filed.stderr).toBe(0);
    const objection = JSON.parse(filed.stdout) as { objectionId: string };
    expect(JSON.parse(filed.stdout)).toMatchObject({ record: 'county-a/d-7', version: 1, state: 'open', filedAt: 'county-a', forwardedTo: null, complainant: '张三（法定代表人）' });
    expect(await statusOf('d-7')).toEqual({ status: 2, version: '2' });

    const open = await credfed(['objection', 'list', '--open', ...admin]);
    expect(open.code, open.stderr).toBe(0);
    expect(open.stdout.split('\n')[0]).toMatch(/^OBJECTION +RECORD +STATE +FILED AT +PATH +REASON$/);
    expect(open.stdout).toContain(`${objection.objectionId}  county-a/d-7 v1  open`);
    expect(open.stdout).toContain('at origin');

    const resolved = await credfed(['objection', 'resolve', objection.objectionId, '--outcome', 'upheld', '--reason', '列入依据充分', ...admin]);
    expect(resolved.code, resolved.stderr).toBe(0);
    expect(resolved.stdout).toBe(`objection ${objection.objectionId} resolved: upheld; county-a/d-7 v3 carries it; queued for city\n`);
    expect(await statusOf('d-7')).toEqual({ status: 1, version: '3' });
    const listed = JSON.parse((await credfed(['objection', 'list', '--resolved', '--json', ...admin])).stdout) as { objections: unknown[] };
    expect(listed.objections).toEqual([expect.objectContaining({ objectionId: objection.objectionId, state: 'resolved', outcome: 'upheld', resolution: '列入依据充分' })]);

    const again = await credfed(['objection', 'resolve', objection.objectionId, '--outcome', 'revoked', '--reason', 'x', ...admin]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('OBJECTION_CLOSED');
  });

  it('feedback report and list', async () => {
    const reported = await credfed(['feedback', 'report', 'd-7', '--origin', 'county-a', '--measure', '限制参加政府采购活动', '--on', '2026-12-01', ...admin]);
    expect(reported.code, reported.stderr).toBe(0);
    expect(reported.stdout).toMatch(/^feedback [0-9a-f-]{36} on county-a\/d-7 recorded; at origin\n$/);
    const list = await credfed(['feedback', 'list', '--record', 'd-7', ...admin]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('county-a/d-7  county-a     2026-12-01  限制参加政府采购活动');
  });

  it('refusals exit 1 with their code; usage errors exit 2', async () => {
    const unknown = await credfed(['objection', 'file', 'nope', '--reason', 'x', ...admin]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('RECORD_NOT_FOUND');
    const noObjection = await credfed(['objection', 'resolve', '6d1f3c1e-1111-4a3b-9c1d-000000000000', '--outcome', 'upheld', '--reason', 'x', ...admin]);
    expect(noObjection.code).toBe(1);
    expect(noObjection.stderr).toContain('OBJECTION_NOT_FOUND');
    for (const [args, problem] of [
      [['objection', 'resolve', 'x', '--outcome', 'maybe', '--reason', 'x', ...admin], '--outcome is required: one of upheld, corrected, revoked'],
      [['objection', 'file', 'd-7', ...admin], '--reason TEXT is required'],
      [['feedback', 'report', 'd-7', '--measure', 'x', ...admin], '--origin ID is required'],
      [['objection', 'list', '--open', '--resolved', ...admin], '--open and --resolved exclude each other'],
    ] as const) {
      const run = await credfed(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain(problem);
    }
  });
});
