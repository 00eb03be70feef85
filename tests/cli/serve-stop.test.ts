// Graceful shutdown of `credfed serve` as a real process (issue 9, point 7):
// on SIGTERM an open feed stream (Federation.Subscribe) ends with UNAVAILABLE
// (retryable), the process exits 0, and its last log line says it stopped.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, childEnv, ROOT } from '../helpers/cli-run.js';
import { createPki, federationClientAs, freePort, waitFor, writeNodeConfig, type Pki } from '../helpers/federation-fixture.js';
import { FeedReader } from '../helpers/feed-reader.js';
import { createTestStoreConfig, type TestStoreConfig } from '../helpers/store-fixture.js';

let pki: Pki;
let dir: string;
let store: TestStoreConfig;

beforeAll(async () => {
  pki = await createPki(['city', 'county-a']);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-serve-stop-'));
  store = await createTestStoreConfig();
}, 120_000);

afterAll(async () => {
  await store?.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('credfed serve, stopped with SIGTERM', () => {
  it('ends an open feed stream with UNAVAILABLE, exits 0, and logs that it stopped last', async () => {
    const port = await freePort();
    const file = writeNodeConfig(pki, dir, { id: 'city', port, store, partners: [{ id: 'county-a', kind: 'child_county' }] });
    const child = spawn(process.execPath, [BIN, 'serve', '--config', file], { cwd: ROOT, env: { ...childEnv(), CREDFED_LOG_LEVEL: 'info' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const client = await federationClientAs(pki.certs.nodes['county-a']!, 'city', port);
    try {
      await waitFor(() => stderr.includes('listening on') || child.exitCode !== null, 90_000, `the gateway to listen:\n${stderr}`);
      expect(child.exitCode).toBeNull();
      const feed = new FeedReader(client);
      // The stream is open at the gateway once it has logged it.
      await waitFor(() => stderr.includes('"msg":"feed subscribed"') || feed.ended !== undefined, 30_000, `the feed to open:\n${stderr}`);
      expect(feed.ended).toBeUndefined();

      child.kill('SIGTERM');
      const ended = await feed.end(30_000);
      expect(ended).not.toBe('end');
      expect((ended as grpc.ServiceError).code).toBe(grpc.status.UNAVAILABLE);
      expect(await exited).toBe(0);

      const logLines = stderr
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { msg: string; level: number });
      expect(logLines.some((l) => l.msg.startsWith('stopping'))).toBe(true);
      expect(logLines.at(-1)).toMatchObject({ msg: 'gateway stopped', level: 30 });
    } finally {
      client.close();
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
