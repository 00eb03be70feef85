// The embedded store's data-directory lock, across processes: a second opener
// is refused while the first runs, and a SIGKILLed owner's directory reopens
// with its committed data.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { isCredfedError } from '../../../src/core/errors.js';
import { LOCK_FILE_NAME } from '../../../src/store/embedded/dir-lock.js';
import { openStore, type Store } from '../../../src/store/store.js';
import { createTestStoreConfig, type TestStoreConfig } from '../../helpers/store-fixture.js';

const CHILD = fileURLToPath(new URL('./fixtures/store-child.mjs', import.meta.url));

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function dataDirCopy(): Promise<TestStoreConfig & { dataDir: string }> {
  const config = await createTestStoreConfig();
  cleanups.push(() => config.cleanup());
  return config as TestStoreConfig & { dataDir: string };
}

async function open(dataDir: string, log?: (msg: string, fields?: object) => void): Promise<Store> {
  const store = await openStore({ dataDir, log });
  cleanups.push(() => store.close());
  return store;
}

/** Starts the child script and resolves with its first JSON line. */
function runChild(mode: 'open' | 'hold', dataDir: string): { child: ChildProcess; firstLine: Promise<Record<string, unknown>> } {
  const child = spawn(process.execPath, [CHILD, mode, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const firstLine = new Promise<Record<string, unknown>>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve(JSON.parse(line) as Record<string, unknown>));
    child.once('exit', (code, signal) => reject(new Error(`child exited (${code ?? signal}) without output`)));
  });
  return { child, firstLine };
}

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));

describe.skipIf(Boolean(process.env.DATABASE_URL))('embedded data directory lock', () => {
  it('refuses a second open in the same process while the first is open', async () => {
    const { dataDir } = await dataDirCopy();
    await open(dataDir);
    const error = await openStore({ dataDir }).catch((e: unknown) => e);
    expect(isCredfedError(error) && error.code).toBe('STORE_LOCKED');
  });

  it('refuses an open from another process while the first is open', async () => {
    const { dataDir } = await dataDirCopy();
    await open(dataDir);
    const { firstLine } = runChild('open', dataDir);
    expect(await firstLine).toMatchObject({ code: 'STORE_LOCKED' });
  });

  it('releases the lock on close, so another process can open the directory', async () => {
    const { dataDir } = await dataDirCopy();
    const store = await open(dataDir);
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE_NAME))).toBe(true);
    await store.close();
    expect(fs.existsSync(path.join(dataDir, LOCK_FILE_NAME))).toBe(false);
    const { firstLine } = runChild('open', dataDir);
    expect(await firstLine).toEqual({ ok: true });
  });

  it('reopens after the owner was SIGKILLed, with the data it had committed', async () => {
    const { dataDir } = await dataDirCopy();
    const { child, firstLine } = runChild('hold', dataDir);
    const ready = await firstLine;
    expect(ready).toMatchObject({ ready: true });

    // while the child runs, the directory is its
    const refused = await openStore({ dataDir }).catch((e: unknown) => e);
    expect(isCredfedError(refused) && refused.code).toBe('STORE_LOCKED');

    child.kill('SIGKILL');
    await exited(child);
    const lockFile = path.join(dataDir, LOCK_FILE_NAME);
    expect(JSON.parse(fs.readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: ready.pid });

    const logged: string[] = [];
    const store = await open(dataDir, (msg) => logged.push(msg));
    expect(logged.some((msg) => msg.includes(`stale lock of process ${ready.pid}`))).toBe(true);
    expect((await store.query('SELECT pid FROM child_marker')).rows).toEqual([{ pid: ready.pid }]);
    expect(JSON.parse(fs.readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: process.pid });
  });
});
