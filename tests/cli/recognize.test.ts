// `credfed recognize` through the real binary (node bin/credfed.js) against a
// real city gateway over loopback mutual TLS, with the admin certificate:
// the answer as text and JSON, verdicts written to files, exit 3 for a
// refused subject, 1 when the gateway cannot be reached, 2 for usage errors.
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
let city: Gateway;
let config: string;
let admin: string[];

beforeAll(async () => {
  pki = await createPki(['city'], { verdictSigners: ['city'] });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-recognize-cli-'));
  store = await createTestStoreConfig();
  config = writeNodeConfig(pki, dir, { id: 'city', port: await freePort(), store, partners: [] });
  city = await startGateway(loadConfig(config, {}), { log: createLogger({ level: 'error', node: 'city' }) });
  const writer = new ChunkWriter(city.store, [], loadPersonsProtection(city.config.persons));
  await writer.add(recordOf(enterprise('沈阳示例物流有限公司', FIRM), { origin: 'city', id: 'd-1', kind: 'dishonesty' }));
  await writer.flush();
  admin = ['--config', config, '--cert', pki.certs.admins.ops!.certFile, '--key', pki.certs.admins.ops!.keyFile];
}, 120_000);

afterAll(async () => {
  await city?.stop();
  await store?.cleanup();
});

describe('credfed recognize', () => {
  it('prints the verdict, writes it as a .jws file that `credfed verdict verify` accepts', async () => {
    const out = path.join(dir, 'evidence');
    const run = await credfed(['recognize', FIRM, '--purpose', 'bidding_review', '--reference', 'tender 7', '--out', out, ...admin]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('combined: dishonest');
    expect(run.stdout).toMatch(/dishonesty_list city\/d-1 v1/);
    const [file] = fs.readdirSync(out);
    expect(file).toMatch(/^city-[0-9a-f-]{36}\.jws$/);
    expect(run.stderr).toContain(`wrote ${path.join(out, file!)}`);
    const verified = await credfed(['verdict', 'verify', path.join(out, file!), '--trust', pki.certs.caCertFile, '--json']);
    expect(verified.code, verified.stderr).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ verified: true });
  });

  it('--json gives one object per subject, in order; a malformed identifier is refused with its rule and exit 3', async () => {
    const stranger = newUscc();
    const broken = `${FIRM.slice(0, 17)}${FIRM[17] === '0' ? '1' : '0'}`;
    const run = await credfed(['recognize', FIRM, broken, stranger, '-p', 'financing', '--json', ...admin]);
    expect(run.code, run.stderr).toBe(3);
    const answers = JSON.parse(run.stdout) as Record<string, unknown>[];
    expect(answers.map((a) => a.identifier)).toEqual([FIRM, broken, stranger]);
    expect(answers[0]).toMatchObject({ level: 'dishonest', partial: false, verdicts: [{ issuer: 'city', level: 'dishonest', noRecords: false }] });
    expect(answers[1]).toMatchObject({ error: { reason: 'IDENTIFIER_INVALID' } });
    expect((answers[1]!.error as { message: string }).message).toMatch(/check character/);
    expect(answers[2]).toMatchObject({ level: 'normal', verdicts: [{ issuer: 'city', noRecords: true }] });
  });

  it('a single malformed identifier fails the call (exit 1) with IDENTIFIER_INVALID on stderr', async () => {
    const run = await credfed(['recognize', '91210100ABC', '-p', 'financing', ...admin]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('IDENTIFIER_INVALID');
    expect(run.stderr).toMatch(/length/);
  });

  it('usage errors exit 2 and name the problem', async () => {
    for (const [args, problem] of [
      [['recognize', FIRM, ...admin], '--purpose is required'],
      [['recognize', FIRM, '-p', 'gossip', ...admin], '--purpose must be one of'],
      [['recognize', '-p', 'financing', ...admin], 'at least one identifier'],
      [['recognize', FIRM, '-p', 'financing', '--config', config], '--config needs --cert and --key'],
      [['recognize', FIRM, '-p', 'financing', '--scheme', 'nope', ...admin], '--scheme must be one of'],
    ] as const) {
      const run = await credfed(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain(problem);
    }
  });

  it('a gateway that is not running: exit 1, UNAVAILABLE', async () => {
    const down = writeNodeConfig(pki, dir, { id: 'city', port: await freePort(), store, partners: [] });
    const run = await credfed(['recognize', FIRM, '-p', 'financing', '--config', down, '--cert', pki.certs.admins.ops!.certFile, '--key', pki.certs.admins.ops!.keyFile]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('UNAVAILABLE');
  });
});
