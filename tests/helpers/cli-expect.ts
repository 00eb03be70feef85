/** Runs of the real CLI with their expected outcome asserted (exit code, error code on stderr, no crash). */
import { expect } from 'vitest';
import { credfed, type Run } from './cli-run.js';

/** Expects success; returns the run. */
export async function ok(args: readonly string[]): Promise<Run> {
  const run = await credfed(args);
  expect(run.stderr, `credfed ${args.join(' ')}`).not.toContain('unexpected error');
  expect(run.code, `credfed ${args.join(' ')}\n${run.stderr}`).toBe(0);
  return run;
}

/** Expects exit 1 with the error code on stderr. */
export async function fails(args: readonly string[], code: string): Promise<Run> {
  const run = await credfed(args);
  expect(run.code, `credfed ${args.join(' ')}\n${run.stderr}`).toBe(1);
  expect(run.stderr).toContain(code);
  expect(run.stderr).not.toContain('unexpected error');
  return run;
}
