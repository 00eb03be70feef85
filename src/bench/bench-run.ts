/** The end of an RPC benchmark run: its JSON report on stdout, and everything it started undone. */
import fs from 'node:fs';
import type { Gateway } from '../server/gateway.js';
import { adminQuery } from './bench-database.js';
import type { ThrowawayPostgres } from './throwaway-postgres.js';

/** Prints the report; errors met during the run are listed on stderr and make the exit status 1. */
export function printReport(report: Record<string, unknown>, errors: readonly string[], say: (msg: string) => void): void {
  process.stdout.write(`${JSON.stringify({ ...report, errors: errors.length }, null, 2)}\n`);
  if (errors.length > 0) {
    say(`errors: ${errors.slice(0, 10).join(' | ')}`);
    process.exitCode = 1;
  }
}

/** Closes clients (last opened first), stops the gateways, drops the bench database and the throwaway cluster, removes the work directory. */
export async function tearDown(run: {
  closers: (() => unknown)[];
  gateways: Iterable<Gateway>;
  adminUrl: string;
  db: string;
  throwaway: ThrowawayPostgres | undefined;
  dir: string;
}): Promise<void> {
  for (const c of run.closers.reverse()) await c();
  for (const g of run.gateways) await g.stop();
  await adminQuery(run.adminUrl, `DROP DATABASE IF EXISTS ${run.db}`).catch(() => {});
  run.throwaway?.stop();
  fs.rmSync(run.dir, { recursive: true, force: true });
}
