/**
 * Order statistics for benchmark reports (DESIGN.md §5: medians and p99,
 * never a lone time), the closed-loop round the RPC benchmarks time, and
 * their whole-number flags.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export const quantile = (xs: readonly number[], q: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

export const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** One call of a benchmarked operation; `i` numbers the calls of a round from 0. */
export type Call = (i: number) => Promise<unknown>;

export interface Round {
  readonly rate: number;
  readonly latencies: number[];
}

/**
 * Runs `call` from `concurrency` workers for `seconds` (and at most `limit`
 * calls started); every failure is counted in `errors` (the first ten kept).
 */
export async function closedLoopRound(call: Call, opts: { concurrency: number; seconds: number; limit?: number }, errors: string[]): Promise<Round> {
  const latencies: number[] = [];
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  const end = performance.now() + opts.seconds * 1000;
  let i = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (performance.now() < end && i < limit) {
        const t0 = performance.now();
        try {
          await call(i++);
          latencies.push(performance.now() - t0);
        } catch (e) {
          if (errors.length < 10) errors.push((e as Error).message);
          else errors.length++;
        }
      }
    }),
  );
  return { rate: latencies.length / ((performance.now() - started) / 1000), latencies };
}

/** Median calls/s over the rounds; p50 and p99 over every call of every round. */
export function summarize(rs: readonly Round[]): { callsPerSecond: number; p50Ms: number; p99Ms: number } {
  const all = rs.flatMap((x) => x.latencies);
  return { callsPerSecond: Math.round(median(rs.map((x) => x.rate))), p50Ms: round3(quantile(all, 0.5)), p99Ms: round3(quantile(all, 0.99)) };
}

/**
 * The benchmark's whole-number flags (`--name N`), each at least its `min`;
 * a bad or unknown flag is reported on stderr and exits with status 2.
 */
export function wholeNumberFlags<K extends string>(bench: string, spec: Record<K, { default: number; min: number }>): Record<K, number> {
  const names = Object.keys(spec) as K[];
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ options: Object.fromEntries(names.map((n) => [n, { type: 'string', default: String(spec[n].default) }])) as Record<string, { type: 'string'; default: string }> }).values;
  } catch (e) {
    process.stderr.write(`bench:${bench}: ${(e as Error).message}\n`);
    process.exit(2);
  }
  const out = {} as Record<K, number>;
  for (const name of names) {
    const v = Number(values[name]);
    if (!Number.isInteger(v) || v < spec[name].min) {
      process.stderr.write(`bench:${bench}: --${name} must be a whole number >= ${spec[name].min}\n`);
      process.exit(2);
    }
    out[name] = v;
  }
  return out;
}
