/**
 * Running the CLI in tests. `credfed(args)` runs `main(argv, io)` in this
 * process (no child, no start-up): stdout and stderr are captured, stdin is
 * empty unless given, and the environment leaves out this process's credfed
 * settings. `credfedProcess(args)` and `startCredfed(args)` run the built
 * binary (`node bin/credfed.js`, i.e. dist/) as a child process, for tests
 * whose subject is the process itself: signals, exit codes, start-up, the
 * compiled build.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Readable } from 'node:stream';
import { main } from '../../src/cli/main.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const BIN = path.join(ROOT, 'bin', 'credfed.js');

export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The child's environment: none of this process's credfed settings (DATABASE_URL, CREDFED_*), which would override the files under test. */
export function childEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([k]) => k !== 'DATABASE_URL' && !k.startsWith('CREDFED_')),
  ) as NodeJS.ProcessEnv;
}

export interface InProcessOptions {
  /** What the command reads on stdin (default: nothing). */
  readonly stdin?: string;
  /** Extra environment variables (on top of childEnv()). */
  readonly env?: Readonly<Record<string, string>>;
  /** Whether stderr is a terminal (default false). */
  readonly isTty?: boolean;
}

/** Runs `credfed ...args` in this process through main(argv, io); resolves with its exit code and output. */
export async function credfed(args: readonly string[], opts: InProcessOptions = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main([...args], {
    out: (t) => void (stdout += t),
    err: (t) => void (stderr += t),
    isTty: opts.isTty ?? false,
    stdin: Readable.from(opts.stdin === undefined ? [] : [opts.stdin]),
    env: { ...childEnv(), ...opts.env },
  });
  return { code, stdout, stderr };
}

/** Starts `node bin/credfed.js ...args` from the repository root, stdout and stderr piped. */
export function startCredfed(args: readonly string[]): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs `node bin/credfed.js ...args` as a child process to its end; killed (and rejected) after `timeoutMs`. */
export function credfedProcess(args: readonly string[], timeoutMs = 90_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = startCredfed(args);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal) reject(new Error(`credfed ${args.join(' ')} was killed (${signal}) after ${timeoutMs} ms\n${stderr}`));
      else resolve({ code, stdout, stderr });
    });
  });
}
