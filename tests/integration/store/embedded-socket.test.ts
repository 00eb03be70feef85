// How the main thread reaches the PGlite worker: a Unix socket inside the
// data directory, or loopback TCP when that path would be too long.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EMBEDDED_SHARED_BUFFERS_MIB } from '../../../src/store/embedded/pglite-settings.js';
import { MAX_UNIX_SOCKET_PATH } from '../../../src/store/embedded/socket-address.js';
import { openStore } from '../../../src/store/store.js';
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

  it('runs with 16 MB of shared buffers unless asked for another amount, with the other embedded settings', async () => {
    const config = await createTestStoreConfig();
    cleanups.push(() => config.cleanup());
    const show = async (opts: { sharedBuffersMiB?: number }) => {
      const store = await openStore({ dataDir: config.dataDir, ...opts });
      try {
        const settings = await store.query<{ name: string; setting: string }>(
          `SELECT name, current_setting(name) AS setting FROM pg_settings
            WHERE name IN ('shared_buffers', 'max_connections', 'work_mem', 'maintenance_work_mem', 'temp_buffers') ORDER BY name`,
        );
        return Object.fromEntries(settings.rows.map((r) => [r.name, r.setting]));
      } finally {
        await store.close();
      }
    };
    expect(await show({})).toEqual({
      shared_buffers: `${EMBEDDED_SHARED_BUFFERS_MIB}MB`,
      max_connections: '8',
      work_mem: '4MB',
      maintenance_work_mem: '16MB',
      temp_buffers: '2MB',
    });
    expect((await show({ sharedBuffersMiB: 32 })).shared_buffers).toBe('32MB');
    expect((await show({ sharedBuffersMiB: 128 })).shared_buffers).toBe('128MB');
    expect(EMBEDDED_SHARED_BUFFERS_MIB).toBe(16);
    // the settings are per start, not written into the data directory
    expect((await show({})).shared_buffers).toBe(`${EMBEDDED_SHARED_BUFFERS_MIB}MB`);
  });
});
