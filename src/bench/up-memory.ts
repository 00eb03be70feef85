/**
 * Resident memory of the CLI as a user runs it: `credfed up` (four gateways in
 * one process on embedded stores) or `credfed serve` on one embedded store.
 * Each run spawns the compiled CLI (`npm run build` first), waits until it says
 * it is running, lets the RSS settle, reads VmRSS and VmHWM, then SIGTERMs it.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const REPO = path.resolve(import.meta.dirname, '../..');
/** RSS is sampled this often; it has settled once it stays within SETTLE_BAND_MIB for SETTLE_MS (or after SETTLE_MAX_MS). */
const SAMPLE_MS = 500;
const SETTLE_MS = 3_000;
const SETTLE_MAX_MS = 30_000;
const SETTLE_BAND_MIB = 2;

export interface MemoryReading {
  /** From spawn to the line saying it runs (for `up`: every record synced to the city). */
  readonly startSeconds: number;
  /** VmRSS once settled. */
  readonly rssMiB: number;
  /** VmHWM: the highest RSS of the run so far. */
  readonly peakRssMiB: number;
}

/** `credfed up --records N` in `workDir` (data and certificates kept there, so a second call reuses them). */
export function measureUp(opts: { records: number; basePort: number; workDir: string }): Promise<MemoryReading> {
  const args = ['up', '--records', String(opts.records), '--data-dir', path.join(opts.workDir, 'data'), '--certs-dir', path.join(opts.workDir, 'certs'), '--base-port', String(opts.basePort)];
  return measureCli(args, 'credfed up: running');
}

/** `credfed serve --config FILE` (e.g. a node configuration that `credfed up` wrote: <data-dir>/<node>/credfed.yaml). */
export function measureServe(opts: { config: string }): Promise<MemoryReading> {
  return measureCli(['serve', '--config', opts.config], ' listening on ');
}

async function measureCli(args: string[], readyText: string): Promise<MemoryReading> {
  const env: NodeJS.ProcessEnv = { ...process.env, CREDFED_LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(REPO, 'bin/credfed.js'), ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  try {
    await new Promise<void>((resolve, reject) => {
      child.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes(readyText)) resolve();
      });
      void exited.then((code) => reject(new Error(`credfed ${args[0]} exited with ${code} before running:\n${stderr.slice(-2000)}`)));
    });
    const startSeconds = (performance.now() - started) / 1000;
    const rssMiB = await settledRss(child.pid!);
    return { startSeconds: round(startSeconds, 2), rssMiB, peakRssMiB: memoryOf(child.pid!).peakRssMiB };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    await exited;
    clearTimeout(timer);
  }
}

/** VmRSS once it has stayed within a small band for SETTLE_MS, or after SETTLE_MAX_MS. */
async function settledRss(pid: number): Promise<number> {
  const deadline = Date.now() + SETTLE_MAX_MS;
  let low = Infinity;
  let high = -Infinity;
  let since = Date.now();
  for (;;) {
    const rss = memoryOf(pid).rssMiB;
    if (rss < low) low = rss;
    if (rss > high) high = rss;
    if (high - low > SETTLE_BAND_MIB) {
      low = high = rss;
      since = Date.now();
    }
    if (Date.now() - since >= SETTLE_MS || Date.now() >= deadline) return rss;
    await new Promise((r) => setTimeout(r, SAMPLE_MS));
  }
}

/** VmRSS and VmHWM of a live process in MiB (Linux). */
function memoryOf(pid: number): { rssMiB: number; peakRssMiB: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!m) throw new Error(`no ${field} for pid ${pid}`);
    return Number(m[1]);
  };
  return { rssMiB: round(kib('VmRSS') / 1024, 1), peakRssMiB: round(kib('VmHWM') / 1024, 1) };
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
