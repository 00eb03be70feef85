import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isCredfedError } from '../../../src/core/errors.js';
import { LOCK_FILE_NAME, acquireDirLock, isProcessAlive, parseLockOwner } from '../../../src/store/embedded/dir-lock.js';

let dir: string;
let lockFile: string;
const releases: Array<() => void> = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-lock-'));
  lockFile = path.join(dir, LOCK_FILE_NAME);
});
afterEach(() => {
  for (const release of releases.splice(0)) release();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function acquire(log?: (msg: string, fields?: object) => void) {
  const lock = await acquireDirLock(dir, { log });
  releases.push(lock.release);
  return lock;
}

async function lockedCode(): Promise<unknown> {
  const error = await acquireDirLock(dir).catch((e: unknown) => e);
  return isCredfedError(error) ? error.code : error;
}

/** A pid that existed a moment ago and has exited. */
function deadPid(): number {
  const result = spawnSync(process.execPath, ['-e', '']);
  return result.pid!;
}

const writeLock = (owner: object | string, ageMs = 0): void => {
  fs.writeFileSync(lockFile, typeof owner === 'string' ? owner : JSON.stringify(owner));
  if (ageMs > 0) {
    const when = new Date(Date.now() - ageMs);
    fs.utimesSync(lockFile, when, when);
  }
};

describe('acquireDirLock', () => {
  it('writes pid, hostname and start time, and release removes the file', async () => {
    const lock = await acquire();
    const owner = JSON.parse(fs.readFileSync(lockFile, 'utf8'));
    expect(owner).toEqual({ pid: process.pid, hostname: os.hostname(), startedAt: expect.any(String) });
    expect(lock.owner).toEqual(owner);
    lock.release();
    expect(fs.existsSync(lockFile)).toBe(false);
    lock.release(); // idempotent
  });

  it('refuses a second acquisition in the same process', async () => {
    await acquire();
    expect(await lockedCode()).toBe('STORE_LOCKED');
  });

  it('refuses while another live process owns the lock', async () => {
    writeLock({ pid: process.ppid, hostname: os.hostname(), startedAt: '2026-01-01T00:00:00.000Z' });
    expect(await lockedCode()).toBe('STORE_LOCKED');
    expect(fs.existsSync(lockFile)).toBe(true);
  });

  it('replaces the lock of a dead process and says so', async () => {
    const pid = deadPid();
    writeLock({ pid, hostname: os.hostname(), startedAt: '2026-01-01T00:00:00.000Z' });
    const logged: Array<{ msg: string; fields?: object }> = [];
    const lock = await acquire((msg, fields) => logged.push({ msg, fields }));
    expect(lock.owner.pid).toBe(process.pid);
    expect(JSON.parse(fs.readFileSync(lockFile, 'utf8')).pid).toBe(process.pid);
    expect(logged).toEqual([{ msg: expect.stringContaining(`process ${pid}`), fields: { file: lockFile, pid } }]);
  });

  it('treats our own pid in a lock we do not hold as stale (pid reuse after a restart)', async () => {
    writeLock({ pid: process.pid, hostname: os.hostname(), startedAt: '2026-01-01T00:00:00.000Z' });
    const lock = await acquire();
    expect(lock.owner.pid).toBe(process.pid);
  });

  it.each([
    ['garbage', 'not json at all'],
    ['an empty file', ''],
    ['a wrong shape', JSON.stringify({ pid: 'twelve' })],
  ])('replaces %s once it is older than the write grace period', async (_name, text) => {
    writeLock(text, 60_000);
    const lock = await acquire();
    expect(lock.owner.pid).toBe(process.pid);
  });

  it('waits for a fresh lock file that is still being written', async () => {
    writeLock('');
    setTimeout(() => writeLock({ pid: process.ppid, hostname: 'h', startedAt: 'then' }), 300);
    expect(await lockedCode()).toBe('STORE_LOCKED');
  });

  it('does not remove on release a lock that another process has taken over', async () => {
    const lock = await acquire();
    const other = JSON.stringify({ pid: process.ppid, hostname: 'h', startedAt: 'later' });
    fs.writeFileSync(lockFile, other);
    lock.release();
    expect(fs.readFileSync(lockFile, 'utf8')).toBe(other);
  });
});

describe('isProcessAlive', () => {
  it('knows the living from the dead', () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    expect(isProcessAlive(deadPid())).toBe(false);
  });
});

describe('parseLockOwner', () => {
  it.each([
    ['{"pid":12,"hostname":"h","startedAt":"t"}', { pid: 12, hostname: 'h', startedAt: 't' }],
    ['{"pid":12}', { pid: 12, hostname: 'unknown', startedAt: 'an unknown time' }],
    ['{"pid":0}', undefined],
    ['{"pid":-1}', undefined],
    ['{"pid":1.5}', undefined],
    ['[12]', undefined],
    ['null', undefined],
    ['12', undefined],
    ['{', undefined],
  ])('%s', (text, expected) => {
    expect(parseLockOwner(text)).toEqual(expected);
  });
});

describe('release at exit', () => {
  it('a process that exits without releasing leaves no lock behind', () => {
    const moduleUrl = new URL('../../../src/store/embedded/dir-lock.ts', import.meta.url).href;
    const script = `const { acquireDirLock } = await import(${JSON.stringify(moduleUrl)});
      await acquireDirLock(${JSON.stringify(dir)});
      process.stdout.write(require('node:fs').existsSync(${JSON.stringify(lockFile)}) ? 'held' : 'missing');`.replace(
      "require('node:fs')",
      '(await import("node:fs")).default',
    );
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('held');
    expect(fs.existsSync(lockFile)).toBe(false);
  });
});
