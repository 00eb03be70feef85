import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { adminStatus, freePort, REPO_ROOT } from '../helpers/federation-fixture.js';
import { createTestStoreConfig, type TestStoreConfig } from '../helpers/store-fixture.js';

let store: TestStoreConfig | undefined;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-serve-dev-'));

afterAll(async () => {
  await store?.cleanup();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('credfed serve --dev', () => {
  it('creates the missing development certificates, serves over mTLS, and stops cleanly on SIGTERM', async () => {
    store = await createTestStoreConfig();
    const port = await freePort();
    const certs = path.join(work, 'certs');
    const config = path.join(work, 'node.yaml');
    fs.writeFileSync(
      config,
      YAML.stringify({
        node: { id: 'county-a', federation: 'demo' },
        listen: `127.0.0.1:${port}`,
        store: store.databaseUrl ? { databaseUrl: store.databaseUrl } : { dataDir: store.dataDir },
        tls: { ca: 'certs/ca.crt', cert: 'certs/county-a.crt', key: 'certs/county-a.key' },
      }),
    );
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/credfed.js'), 'serve', '--config', config, '--dev'], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(stderr)), 60_000);
      child.stderr.on('data', () => stderr.includes('listening on') && (clearTimeout(timer), resolve()));
      child.on('exit', () => reject(new Error(stderr)));
    });
    for (const f of ['ca.crt', 'ca.key', 'county-a.crt', 'county-a.key', 'admin-local.crt', 'admin-local.key']) {
      expect(fs.existsSync(path.join(certs, f)), f).toBe(true);
    }
    const admin = { caFile: path.join(certs, 'ca.crt'), certFile: path.join(certs, 'admin-local.crt'), keyFile: path.join(certs, 'admin-local.key') };
    const status = await adminStatus({ dir: certs, certs: { caCertFile: admin.caFile, caKeyFile: '', nodes: {}, admins: { ops: admin }, verdict: {}, created: [] } }, 'county-a', port);
    expect(status.nodeId).toBe('county-a');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
