// `credfed record repair|revoke` through the real binary (node bin/credfed.js)
// against a real county gateway over loopback mutual TLS, with the admin
// certificate: the new version as text and JSON, queued for the push partner
// (the city, not running: it receives it when it starts), refusals with
// their code on stderr and exit 1, usage errors with exit 2.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { shanghaiDate } from '../../src/core/lifecycle/publicity.js';
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
const TODAY = shanghaiDate(Date.now());
let pki: Pki;
let dir: string;
let store: TestStoreConfig;
let county: Gateway;
let config: string;
let admin: string[];

const outboxOf = async (recordId: string) =>
  (await county.store.query<{ partner_id: string; version: string }>(`SELECT partner_id, version FROM outbox WHERE record_id = $1 ORDER BY seq`, [recordId])).rows.map((r) => `${r.partner_id}:v${r.version}`);

beforeAll(async () => {
  pki = await createPki(['county-a', 'city']);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-record-cli-'));
  store = await createTestStoreConfig();
  config = writeNodeConfig(pki, dir, { id: 'county-a', port: await freePort(), store, partners: [{ id: 'city', kind: 'parent_city', port: await freePort(), push: true }] });
  county = await startGateway(loadConfig(config, {}), { log: createLogger({ level: 'error', node: 'county-a' }) });
  const firm = enterprise('沈阳示例商贸有限公司', FIRM);
  const writer = new ChunkWriter(county.store, ['city'], loadPersonsProtection(county.config.persons));
  const minor = recordOf(firm, { origin: 'county-a', id: 'p-minor', kind: 'penalty' });
  if (minor.details?.$case !== 'penalty') throw new Error('a penalty');
  await writer.add({ ...minor, publicity: undefined, details: { $case: 'penalty', value: { ...minor.details.value, severity: 1 } } });
  await writer.add(recordOf(firm, { origin: 'county-a', id: 'd-1', kind: 'dishonesty' }));
  await writer.flush();
  admin = ['--config', config, '--cert', pki.certs.admins.ops!.certFile, '--key', pki.certs.admins.ops!.keyFile];
}, 120_000);

afterAll(async () => {
  await county?.stop();
  await store?.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('credfed record', () => {
  it('repair prints the new version and queues it for the push partner', async () => {
    const run = await credfed(['record', 'repair', 'p-minor', '--reason', '罚款已缴清', '--commitment', 'CN-2026-9', ...admin]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(`county-a/p-minor v2 repaired on ${TODAY}; queued for city\n`);
    expect(await outboxOf('p-minor')).toEqual(['city:v1', 'city:v2']);
  });

  it('revoke --json with a past decision date', async () => {
    const on = shanghaiDate(Date.now() - 86_400_000);
    const run = await credfed(['record', 'revoke', 'd-1', '--reason', '列入决定已被撤销', '--on', on, '--json', ...admin]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      originId: 'county-a',
      recordId: 'd-1',
      version: 2,
      status: 'revoked',
      statusChange: { decidedOn: on, reason: '列入决定已被撤销', commitmentRef: '', decidedBy: 'admin/ops' },
      queuedFor: ['city'],
    });
  });

  it('a refusal exits 1 with its code on stderr and queues nothing', async () => {
    const again = await credfed(['record', 'revoke', 'd-1', '--reason', '再次撤销', ...admin]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('RECORD_STATUS_REFUSED');
    expect(again.stderr).toContain('revoked');
    const unknown = await credfed(['record', 'repair', 'nope', '--reason', 'x', '--commitment', 'c', ...admin]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('RECORD_NOT_FOUND');
    const badDate = await credfed(['record', 'revoke', 'p-minor', '--reason', 'x', '--on', '2026-02-30', ...admin]);
    expect(badDate.code).toBe(1);
    expect(badDate.stderr).toContain('ADMIN_REQUEST_INVALID');
    expect(await outboxOf('d-1')).toEqual(['city:v1', 'city:v2']);
  });

  it('usage errors exit 2 and name the problem', async () => {
    for (const [args, problem] of [
      [['record', 'repair', 'p-minor', '--commitment', 'c', ...admin], '--reason TEXT is required'],
      [['record', 'repair', 'p-minor', '--reason', 'x', ...admin], '--commitment REF is required'],
      [['record', 'revoke', '--reason', 'x', ...admin], 'exactly one RECORD_ID'],
      [['record', 'revoke', 'd-1', '--reason', 'x', '--config', config], '--config needs --cert and --key'],
    ] as const) {
      const run = await credfed(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain(problem);
    }
  });
});
