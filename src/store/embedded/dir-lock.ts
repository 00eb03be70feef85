/**
 * The data-directory lock of the embedded store. Two processes opening one
 * PGlite data directory corrupt it, so the first one creates
 * `<dir>/credfed.lock` exclusively and names itself in it. A lock whose owner
 * is gone (a SIGKILLed gateway) or whose content is garbage is stale: it is
 * replaced, so a crashed gateway restarts on its own directory.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CredfedError } from '../../core/errors.js';
import type { StoreLog } from '../store-log.js';

/** File name of the lock inside the data directory. */
export const LOCK_FILE_NAME = 'credfed.lock';

/** What a lock file says about its owner. */
export interface LockOwner {
  readonly pid: number;
  readonly hostname: string;
  readonly startedAt: string;
}

/** A held lock. `release()` is idempotent and never throws. */
export interface DirLock {
  readonly file: string;
  readonly owner: LockOwner;
  release(): void;
}

/**
 * Lock files held by this process (absolute path → release): a second open
 * in-process is refused too, and whatever is still held when the process
 * exits is released then (best effort: SIGKILL leaves it stale).
 */
const heldHere = new Map<string, () => void>();
let exitHookInstalled = false;

/** A lock file younger than this with unparsable content may be mid-write by its creator. */
const WRITE_GRACE_MS = 2_000;
const MAX_ATTEMPTS = 50;
const RETRY_DELAY_MS = 100;

/**
 * Takes the lock of `dir` (which must exist) or throws CredfedError('STORE_LOCKED').
 * The lock is released by `release()` and, best effort, when the process exits.
 */
export async function acquireDirLock(dir: string, opts: { log?: StoreLog } = {}): Promise<DirLock> {
  const file = path.join(path.resolve(dir), LOCK_FILE_NAME);
  if (heldHere.has(file)) {
    throw new CredfedError('STORE_LOCKED', `data directory ${dir} is already open in this process (pid ${process.pid})`, { dir });
  }
  const owner: LockOwner = { pid: process.pid, hostname: os.hostname(), startedAt: new Date().toISOString() };
  const content = JSON.stringify(owner);

  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (tryCreate(file, content)) return hold(file, owner, content);

    const existing = readLockFile(file);
    if (existing === undefined) continue; // vanished between create and read: try again
    const verdict = judge(existing, file);
    if (verdict.kind === 'live') {
      const { pid, startedAt } = verdict.owner;
      throw new CredfedError(
        'STORE_LOCKED',
        `data directory ${dir} is in use by process ${pid} since ${startedAt}; stop that process or use another data directory`,
        { dir, pid, startedAt },
      );
    }
    if (verdict.kind === 'young-garbage') {
      await sleep(RETRY_DELAY_MS);
      continue;
    }
    if (removeIfUnchanged(file, existing.text)) {
      opts.log?.(
        verdict.owner
          ? `removed stale lock of process ${verdict.owner.pid} (not running) from ${dir}`
          : `removed unreadable stale lock from ${dir}`,
        { file, pid: verdict.owner?.pid },
      );
    }
  }
  throw new CredfedError('STORE_LOCKED', `could not take the lock ${file}: other processes keep taking it`, { dir });
}

/** True when a process with this pid exists (EPERM: it exists but belongs to another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Parses lock-file text; undefined when it is not a lock written by credfed. */
export function parseLockOwner(text: string): LockOwner | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return undefined;
    const { pid, hostname, startedAt } = value as Record<string, unknown>;
    if (!Number.isSafeInteger(pid) || (pid as number) <= 0) return undefined;
    return {
      pid: pid as number,
      hostname: typeof hostname === 'string' ? hostname : 'unknown',
      startedAt: typeof startedAt === 'string' ? startedAt : 'an unknown time',
    };
  } catch {
    return undefined;
  }
}

function tryCreate(file: string, content: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new CredfedError('STORE_UNAVAILABLE', `cannot create the lock file ${file}: ${(err as Error).message}`);
  }
  try {
    fs.writeSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

interface LockFileSnapshot {
  readonly text: string;
  readonly mtimeMs: number;
}

function readLockFile(file: string): LockFileSnapshot | undefined {
  try {
    const mtimeMs = fs.statSync(file).mtimeMs;
    return { text: fs.readFileSync(file, 'utf8'), mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // unreadable (permissions, a directory in its place): treat like garbage
    return { text: '', mtimeMs: 0 };
  }
}

type Verdict =
  | { kind: 'live'; owner: LockOwner }
  | { kind: 'stale'; owner?: LockOwner }
  | { kind: 'young-garbage' };

function judge(existing: LockFileSnapshot, file: string): Verdict {
  const owner = parseLockOwner(existing.text);
  if (!owner) {
    return Date.now() - existing.mtimeMs < WRITE_GRACE_MS ? { kind: 'young-garbage' } : { kind: 'stale' };
  }
  // Our own pid in a lock we do not hold: a previous incarnation with the same
  // pid (containers restart as pid 1), so the lock is stale.
  if (owner.pid === process.pid && !heldHere.has(file)) return { kind: 'stale', owner };
  return isProcessAlive(owner.pid) ? { kind: 'live', owner } : { kind: 'stale', owner };
}

/**
 * Removes the stale lock only if it still holds the text judged stale: it is
 * renamed aside first (atomic), so a fresh lock that another process created
 * meanwhile is put back instead of deleted.
 */
function removeIfUnchanged(file: string, staleText: string): boolean {
  const aside = `${file}.stale-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    fs.renameSync(file, aside);
  } catch {
    return false;
  }
  let movedText: string | undefined;
  try {
    movedText = fs.readFileSync(aside, 'utf8');
  } catch {
    movedText = undefined;
  }
  if (movedText !== staleText) {
    try {
      fs.linkSync(aside, file); // restore the other process's lock unless yet another one exists
    } catch {
      // a newer lock is in place; the loop re-examines it
    }
  }
  fs.rmSync(aside, { force: true });
  return movedText === staleText;
}

function hold(file: string, owner: LockOwner, content: string): DirLock {
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    heldHere.delete(file);
    try {
      // never remove a lock that is no longer ours
      if (fs.readFileSync(file, 'utf8') === content) fs.rmSync(file, { force: true });
    } catch {
      // already gone
    }
  };
  heldHere.set(file, release);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const releaseOnExit of [...heldHere.values()]) releaseOnExit();
    });
  }
  return { file, owner, release };
}
