/**
 * `credfed up` as a newcomer runs it, measured from outside: a child process
 * (`node bin/credfed.js up`), its start time (spawn to the line it prints once
 * everything is synced and it runs: "running; Ctrl-C to stop") and its
 * resident memory once that settles (/proc/<pid>/status; the four embedded
 * stores run as worker threads of that one process).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { round3 } from './bench-stats.js';
import { residentMiB } from './process-rss.js';

const REPO = path.resolve(import.meta.dirname, '../..');
export const CREDFED_BIN = path.join(REPO, 'bin/credfed.js');

/** up waits up to 5 minutes for the sync itself; give it a little more. */
const READY_TIMEOUT_MS = 360_000;
const STOP_TIMEOUT_MS = 30_000;
const READY_LINE = 'running; Ctrl-C to stop';

/** Lines of up's progress (stderr) whose first appearance is timed, by the name reported. */
const MILESTONES: Record<string, string> = {
  certificatesReadySeconds: 'starting ',
  gatewaysStartedAndImportedSeconds: 'syncing to the city',
  readySeconds: READY_LINE,
};

export interface UpOptions {
  readonly records: number;
  readonly basePort: number;
  /** Holds the data directory (`data`) and the certificates (`certs`). */
  readonly workDir: string;
  readonly env: NodeJS.ProcessEnv;
}

export interface UpProcess {
  readonly child: ChildProcess;
  readonly dataDir: string;
  /** Seconds from spawn to the first appearance of each milestone line. */
  readonly milestones: Record<string, number>;
  /** Resolves with the seconds from spawn to the ready line; rejects if up exits or times out first. */
  readonly ready: Promise<number>;
  /** SIGTERM, then SIGKILL if it has not exited within 30 s; resolves once it has exited. */
  stop(): Promise<void>;
}

/** Every up (and serve) started here and not yet stopped (see stopEveryUp). */
const live = new Set<{ stop(): Promise<void> }>();

/** Stops every up and serve this process started that still runs (for a benchmark interrupted by a signal). */
export async function stopEveryUp(): Promise<void> {
  await Promise.all([...live].map((up) => up.stop()));
}

/** SIGTERM, then SIGKILL if `child` has not exited within 30 s; resolves once it has exited. */
async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    if (await Promise.race([exited.then(() => true), sleep(STOP_TIMEOUT_MS).then(() => false)])) return;
    child.kill('SIGKILL');
    await Promise.race([exited, sleep(5_000)]);
}

export function spawnUp(opts: UpOptions): UpProcess {
  const dataDir = path.join(opts.workDir, 'data');
  const args = [CREDFED_BIN, 'up', '--records', String(opts.records), '--data-dir', dataDir, '--certs-dir', path.join(opts.workDir, 'certs'), '--base-port', String(opts.basePort)];
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { env: opts.env, stdio: ['ignore', 'ignore', 'pipe'] });
  const milestones: Record<string, number> = {};
  const tail: string[] = [];
  let buf = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`credfed up was not ready within ${READY_TIMEOUT_MS / 1000} s:\n${tail.join('\n')}`)), READY_TIMEOUT_MS);
    child.stderr!.on('data', (d: Buffer) => {
      const now = round3((performance.now() - t0) / 1000);
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const line of lines) {
        tail.push(line);
        if (tail.length > 20) tail.shift();
        for (const [name, text] of Object.entries(MILESTONES)) if (milestones[name] === undefined && line.includes(text)) milestones[name] = now;
        if (line.includes(READY_LINE)) {
          clearTimeout(timer);
          resolve(now);
        }
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`credfed up exited (${signal ?? code}) before it was ready:\n${tail.join('\n')}`));
    });
  });
  ready.catch(() => undefined);
  const stop = async () => {
    live.delete(up);
    await stopChild(child, exited);
  };
  const up: UpProcess = { child, dataDir, milestones, ready, stop };
  live.add(up);
  return up;
}

export interface SettledRss {
  /** VmRSS once stable (or at the last sample when it never settled). */
  readonly rssMiB: number;
  /** VmHWM at that moment. */
  readonly peakRssMiB: number;
  readonly settled: boolean;
  /** Seconds of sampling until it settled (or gave up). */
  readonly afterSeconds: number;
}

/**
 * Samples VmRSS every 500 ms until the samples of the last 3 s lie within 2%
 * of each other (or 30 s pass).
 */
export async function settledRss(pid: number, opts = { everyMs: 500, stableMs: 3_000, maxMs: 30_000, tolerance: 0.02 }): Promise<SettledRss> {
  const window = Math.floor(opts.stableMs / opts.everyMs) + 1;
  const samples: number[] = [];
  const t0 = performance.now();
  for (;;) {
    const { rssMiB, peakRssMiB } = residentMiB(pid);
    samples.push(rssMiB);
    const last = samples.slice(-window);
    const settled = last.length === window && Math.max(...last) - Math.min(...last) <= opts.tolerance * Math.max(...last);
    const elapsed = performance.now() - t0;
    if (settled || elapsed >= opts.maxMs) return { rssMiB, peakRssMiB, settled, afterSeconds: round3(elapsed / 1000) };
    await sleep(opts.everyMs);
  }
}

export interface UpProbe {
  readonly records: number;
  readonly startSeconds: number;
  readonly milestones: Record<string, number>;
  readonly rss: SettledRss;
}

/** Runs `credfed up` in `workDir` until its memory settles, then stops it. */
export async function probeUp(opts: UpOptions): Promise<UpProbe> {
  const up = spawnUp(opts);
  try {
    const startSeconds = await up.ready;
    const rss = await settledRss(up.child.pid!);
    return { records: opts.records, startSeconds, milestones: { ...up.milestones }, rss };
  } finally {
    await up.stop();
  }
}

export interface ServeProbe {
  readonly startSeconds: number;
  readonly rss: SettledRss;
}

/**
 * One embedded gateway, `credfed serve --config FILE` (a node configuration
 * `credfed up` wrote: <data-dir>/<node>/credfed.yaml, up stopped): spawn to its
 * "listening on" log line, then its resident memory once settled; then stopped.
 */
export async function probeServe(config: string, env: NodeJS.ProcessEnv): Promise<ServeProbe> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [CREDFED_BIN, 'serve', '--config', config], { env: { ...env, CREDFED_LOG_LEVEL: 'info' }, stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    live.delete(handle);
    await stopChild(child, exited);
  };
  const handle = { stop };
  live.add(handle);
  let stderr = '';
  try {
    const startSeconds = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`credfed serve did not listen within ${READY_TIMEOUT_MS / 1000} s:\n${stderr.slice(-2000)}`)), READY_TIMEOUT_MS);
      child.stderr!.on('data', (d: Buffer) => {
        stderr = (stderr + d.toString()).slice(-20_000);
        if (stderr.includes(' listening on ')) {
          clearTimeout(timer);
          resolve(round3((performance.now() - t0) / 1000));
        }
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`credfed serve exited before it listened:\n${stderr.slice(-2000)}`));
      });
    });
    return { startSeconds, rss: await settledRss(child.pid!) };
  } finally {
    await stop();
  }
}
