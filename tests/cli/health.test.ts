// `credfed health` through the real binary (issue 9, point 2, for exec
// probes): SERVING → exit 0; an unknown service or a stopped gateway → exit 1
// with the problem on stderr; a wrong command line → exit 2.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/server/gateway.js';
import { credfed } from '../helpers/cli-run.js';
import { createPki, freePort, startInProcess, writeNodeConfig, type Pki } from '../helpers/federation-fixture.js';
import { createTestStoreConfig, type TestStoreConfig } from '../helpers/store-fixture.js';

let pki: Pki;
let dir: string;
let store: TestStoreConfig;
let file: string;
let gateway: Gateway | undefined;

beforeAll(async () => {
  pki = await createPki(['city', 'county-a']);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-health-cli-'));
  store = await createTestStoreConfig();
  file = writeNodeConfig(pki, dir, { id: 'city', port: await freePort(), store, partners: [{ id: 'county-a', kind: 'child_county' }] });
  gateway = await startInProcess(file);
}, 120_000);

afterAll(async () => {
  await gateway?.stop();
  await store?.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('credfed health', () => {
  it('prints SERVING and exits 0 for a serving gateway, for the server and a named service', async () => {
    const r = await credfed(['health', '--config', file]);
    expect(r).toMatchObject({ code: 0, stdout: 'SERVING\n', stderr: '' });
    expect(await credfed(['health', '-c', file, '--service', 'credfed.v1.Federation', '--timeout-ms', '5000'])).toMatchObject({ code: 0, stdout: 'SERVING\n' });
  });

  it('exits 1 naming the problem for a service the gateway does not know', async () => {
    const r = await credfed(['health', '--config', file, '--service', 'credfed.v1.Nothing']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('credfed.v1.Nothing');
    expect(r.stderr).toContain('does not know');
  });

  it('exits 2 on a wrong command line', async () => {
    for (const args of [['health', '--config', file, '--no-such-flag'], ['health', '--config', file, '--timeout-ms', 'soon']]) {
      const r = await credfed(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('Usage: credfed health');
    }
  });

  it('--help shows EXAMPLES', async () => {
    const r = await credfed(['health', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('EXAMPLES');
  });

  it('exits 1 saying the gateway is unreachable once it has stopped', async () => {
    await gateway!.stop();
    gateway = undefined;
    const r = await credfed(['health', '--config', file, '--timeout-ms', '5000']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/node city at 127\.0\.0\.1:\d+: unreachable/);
  });
});
