/** Running the real CLI (`node bin/credfed.js …`) as a child process in tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

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

/** Starts `node bin/credfed.js ...args` from the repository root, stdout and stderr piped. */
export function startCredfed(args: readonly string[]): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs `node bin/credfed.js ...args` to its end; killed (and rejected) after `timeoutMs`. */
export function credfed(args: readonly string[], timeoutMs = 90_000): Promise<Run> {
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
