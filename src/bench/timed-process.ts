/**
 * Start-to-exit wall time of short commands, run as child processes one at a
 * time, several of them interleaved round by round so drift of the machine
 * (other load, CPU frequency) hits each alike; the order within a round
 * alternates so none always runs right after another.
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { median, quantile, round3 } from './bench-stats.js';

export interface TimedRun {
  readonly seconds: number;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A child process would wait this long at most; a hung one is killed and counted as failed. */
const TIMEOUT_MS = 60_000;

/** Runs `node ...args` and times it from just before spawn to its exit. */
export function timeNode(args: readonly string[], env: NodeJS.ProcessEnv): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let exitedAt = 0;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => void (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.once('exit', () => void (exitedAt = performance.now()));
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ seconds: ((exitedAt || performance.now()) - t0) / 1000, code, stdout, stderr });
    });
  });
}

export interface Variant {
  readonly name: string;
  readonly args: readonly string[];
}

/**
 * `runs` rounds, each running every variant once (order reversed on odd
 * rounds); a run that exits non-zero is reported through `onFailure` and kept
 * out of the times. Returns each variant's times in seconds, by round (NaN
 * where the run failed).
 */
export async function interleaved(
  variants: readonly Variant[],
  runs: number,
  env: NodeJS.ProcessEnv,
  onFailure: (variant: string, run: TimedRun) => void,
): Promise<Record<string, number[]>> {
  const times: Record<string, number[]> = Object.fromEntries(variants.map((v) => [v.name, [] as number[]]));
  for (let round = 0; round < runs; round++) {
    const order = round % 2 === 0 ? variants : [...variants].reverse();
    for (const v of order) {
      const r = await timeNode(v.args, env);
      if (r.code !== 0) onFailure(v.name, r);
      times[v.name]!.push(r.code === 0 ? r.seconds : Number.NaN);
    }
  }
  return times;
}

/** Median, p90, min and max in seconds over the runs that succeeded. */
export function spread(xs: readonly number[]): { medianSeconds: number; p90Seconds: number; minSeconds: number; maxSeconds: number; runs: number } {
  const ok = xs.filter((x) => !Number.isNaN(x));
  if (ok.length === 0) return { medianSeconds: NaN, p90Seconds: NaN, minSeconds: NaN, maxSeconds: NaN, runs: 0 };
  return {
    medianSeconds: round3(median(ok)),
    p90Seconds: round3(quantile(ok, 0.9)),
    minSeconds: round3(Math.min(...ok)),
    maxSeconds: round3(Math.max(...ok)),
    runs: ok.length,
  };
}

/** Median over the rounds of a − b within the same round (rounds where either failed left out). */
export function pairedDifference(a: readonly number[], b: readonly number[]): number {
  const d = a.map((x, i) => x - b[i]!).filter((x) => !Number.isNaN(x));
  return d.length === 0 ? NaN : round3(median(d));
}
