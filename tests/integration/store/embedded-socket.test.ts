// How the main thread reaches the PGlite worker: a Unix socket inside the
// data directory, or loopback TCP when that path would be too long.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_UNIX_SOCKET_PATH } from '../../../src/store/embedded/socket-address.js';
import { BRIEF_SHARED_BUFFERS_MIB, openStore } from '../../../src/store/store.js';
import { createTestStoreConfig } from '../../helpers/store-fixture.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const socketFiles = (dir: string): string[] => fs.readdirSync(dir).filter((name) => name.startsWith('.s.PGSQL.'));

describe.skipIf(Boolean(process.env.DATABASE_URL))('embedded store connection', () => {
  it('listens on a Unix socket inside a short data directory and removes it on close', async () => {
    const config = await createTestStoreConfig();
    cleanups.push(() => config.cleanup());
    const dataDir = config.dataDir!;
    const logged: string[] = [];
    const store = await openStore({ dataDir, log: (msg) => logged.push(msg) });
    cleanups.push(() => store.close());
    expect(socketFiles(dataDir)).toEqual(['.s.PGSQL.5432']);
    expect(fs.statSync(path.join(dataDir, '.s.PGSQL.5432')).mode & 0o777).toBe(0o600);
    expect((await store.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await store.close();
    expect(socketFiles(dataDir)).toEqual([]);
    expect(logged.filter((msg) => msg.includes('did not close cleanly'))).toEqual([]);
  });

  it('falls back to loopback TCP when the data directory path is too long for a socket', async () => {
    const config = await createTestStoreConfig();
    cleanups.push(() => config.cleanup());
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-long-'));
    cleanups.push(() => fs.rmSync(root, { recursive: true, force: true }));
    const dataDir = path.join(root, 'x'.repeat(MAX_UNIX_SOCKET_PATH));
    fs.cpSync(config.dataDir!, dataDir, { recursive: true });
    const store = await openStore({ dataDir });
    cleanups.push(() => store.close());
    expect(socketFiles(dataDir)).toEqual([]);
    expect((await store.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('starts even when a SIGKILLed owner left its socket file behind', async () => {
    const config = await createTestStoreConfig();
    cleanups.push(() => config.cleanup());
    const dataDir = config.dataDir!;
    const first = await openStore({ dataDir });
    // simulate the crash: keep the socket file, drop the lock
    fs.linkSync(path.join(dataDir, '.s.PGSQL.5432'), path.join(dataDir, 'kept-socket'));
    await first.close();
    fs.renameSync(path.join(dataDir, 'kept-socket'), path.join(dataDir, '.s.PGSQL.5432'));
    const second = await openStore({ dataDir });
    cleanups.push(() => second.close());
    expect((await second.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it("runs with PostgreSQL's 128 MB of shared buffers, or the few a short CLI command asks for", async () => {
    const config = await createTestStoreConfig();
    cleanups.push(() => config.cleanup());
    const showBuffers = async (opts: { sharedBuffersMiB?: number }) => {
      const store = await openStore({ dataDir: config.dataDir, ...opts });
      try {
        return (await store.query<{ shared_buffers: string }>('SHOW shared_buffers')).rows[0]!.shared_buffers;
      } finally {
        await store.close();
      }
    };
    expect(await showBuffers({})).toBe('128MB');
    expect(await showBuffers({ sharedBuffersMiB: BRIEF_SHARED_BUFFERS_MIB })).toBe(`${BRIEF_SHARED_BUFFERS_MIB}MB`);
    // the setting is per start, not written into the data directory
    expect(await showBuffers({})).toBe('128MB');
  });
});
