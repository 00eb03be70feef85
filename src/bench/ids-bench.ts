/**
 * `npm run bench:ids [-- --inputs N --rounds R --subjects S --lookups L --skip-store]`
 * (issue 5, point 7): USCC validation and normalisation per second on one
 * core, against a same-run loop that only sums the character codes of the
 * same inputs (the floor of touching every character once). Target:
 * >= 1,000,000 validations/s. Then the store half (ids-store-bench.ts):
 * identifiers resolved through the store per second against a same-run
 * primary-key SELECT, on DATABASE_URL or a throwaway PostgreSQL.
 * Prints JSON on stdout; progress on stderr.
 *
 * The inputs are generated up front: most canonical and valid, the rest
 * full-width, hyphenated or spaced, lower case, or invalid (wrong check
 * character, a forbidden letter, a wrong length), as exports deliver them.
 */
import { parseArgs } from 'node:util';
import { checkIdentifier, USCC_ALPHABET, usccCheckChar, validateUscc } from '../core/ids/index.js';
import { median, quantile } from './bench-stats.js';
import { benchStoreResolution } from './ids-store-bench.js';

const TARGET_PER_SECOND = 1_000_000;
const CHUNK = 10_000;

const { values } = parseArgs({
  options: {
    inputs: { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '7' },
    'skip-store': { type: 'boolean', default: false },
    subjects: { type: 'string', default: '100000' },
    lookups: { type: 'string', default: '20000' },
  },
});
const N = Number(values.inputs);
const ROUNDS = Number(values.rounds);
const SUBJECTS = Number(values.subjects);
const LOOKUPS = Number(values.lookups);
if (!Number.isInteger(N) || N < CHUNK || !Number.isInteger(ROUNDS) || ROUNDS < 3 || !(SUBJECTS >= 1000) || !(LOOKUPS >= 1000)) {
  process.stderr.write(`bench:ids: --inputs must be a whole number >= ${CHUNK}, --rounds >= 3, --subjects and --lookups >= 1000\n`);
  process.exit(2);
}
const say = (msg: string) => process.stderr.write(`bench:ids: ${msg}\n`);

/** A deterministic generator (xorshift32), so every run checks the same inputs. */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

/** `n` USCC inputs of mixed quality: 60% canonical valid, 10% each full-width, separators, lower case, invalid. */
export function generateUsccInputs(n: number, seed = 20_151_001): string[] {
  const next = random(seed);
  const pick = (alphabet: string) => alphabet.charAt(Math.floor(next() * alphabet.length));
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    let body = `${pick('159Y')}${pick('123')}${pick('1234567')}${pick('0123456789')}0${pick('0123456')}00`;
    for (let k = 0; k < 9; k++) body += pick(k < 2 && next() < 0.3 ? 'MA' : USCC_ALPHABET);
    const code = body + usccCheckChar(body);
    const kind = next();
    if (kind < 0.6) out[i] = code;
    else if (kind < 0.7) out[i] = [...code].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('');
    else if (kind < 0.8) out[i] = ` ${code.slice(0, 6)}-${code.slice(6, 12)} ${code.slice(12)}`;
    else if (kind < 0.9) out[i] = code.toLowerCase();
    else if (kind < 0.94) out[i] = body + (code.endsWith('0') ? '1' : '0');
    else if (kind < 0.97) out[i] = `${body.slice(0, 5)}I${body.slice(6)}${code.charAt(17)}`;
    else out[i] = code.slice(0, 17);
  }
  return out;
}

interface Pass {
  readonly seconds: number;
  readonly chunkSeconds: number[];
  readonly sink: number;
}

/** Runs `each` over all inputs, timing the whole pass and every chunk of {@link CHUNK}. */
function pass(inputs: readonly string[], each: (s: string) => number): Pass {
  const chunkSeconds: number[] = [];
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let from = 0; from < inputs.length; from += CHUNK) {
    const t0 = process.hrtime.bigint();
    const to = Math.min(from + CHUNK, inputs.length);
    for (let i = from; i < to; i++) sink += each(inputs[i]!);
    chunkSeconds.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, chunkSeconds, sink };
}


/** The floor: read every character once. */
function sumCharCodes(s: string): number {
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += s.charCodeAt(i);
  return sum;
}

const validate = (s: string) => (validateUscc(s).error ? 0 : 1);
const check = (s: string) => (checkIdentifier(s).valid ? 1 : 0);

/** Alternates the measured loops round by round, so that they share the machine's state; median rate of each. */
function measure(inputs: readonly string[]) {
  const loops = { baseline: sumCharCodes, validate, check } as const;
  const runs: Record<keyof typeof loops, Pass[]> = { baseline: [], validate: [], check: [] };
  for (const fn of Object.values(loops)) pass(inputs.slice(0, CHUNK * 5), fn); // warm-up (JIT)
  for (let r = 0; r < ROUNDS; r++) {
    for (const [name, fn] of Object.entries(loops)) runs[name as keyof typeof loops].push(pass(inputs, fn));
    say(`round ${r + 1}/${ROUNDS}`);
  }
  const summary = (passes: Pass[]) => {
    const chunks = passes.flatMap((p) => p.chunkSeconds);
    return {
      perSecondMedian: Math.round(inputs.length / median(passes.map((p) => p.seconds))),
      perSecondSlowestRound: Math.round(inputs.length / Math.max(...passes.map((p) => p.seconds))),
      chunkMicrosP50: Math.round(median(chunks) * 1e6),
      chunkMicrosP99: Math.round(quantile(chunks, 0.99) * 1e6),
      perSecondP99Chunk: Math.round(CHUNK / quantile(chunks, 0.99)),
    };
  };
  const valid = runs.validate[0]!.sink;
  return { baseline: summary(runs.baseline), validate: summary(runs.validate), check: summary(runs.check), valid };
}

async function run(): Promise<void> {
  say(`generating ${N} USCC inputs`);
  const inputs = generateUsccInputs(N);
  const m = measure(inputs);
  const report = {
    inputs: N,
    rounds: ROUNDS,
    chunk: CHUNK,
    validInputs: m.valid,
    node: process.version,
    validationPerSecond: m.validate.perSecondMedian,
    baselinePerSecond: m.baseline.perSecondMedian,
    ratio: Number((m.validate.perSecondMedian / m.baseline.perSecondMedian).toFixed(4)),
    targetPerSecond: TARGET_PER_SECOND,
    meetsTarget: m.validate.perSecondMedian >= TARGET_PER_SECOND,
    details: {
      'validateUscc (normalise + validate)': m.validate,
      'checkIdentifier (detect every scheme, derive)': m.check,
      'sum of char codes (baseline)': m.baseline,
    },
    store: values['skip-store'] ? 'skipped (--skip-store)' : await benchStoreResolution({ subjects: SUBJECTS, lookups: LOOKUPS, rounds: ROUNDS, say }),
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

await run();
