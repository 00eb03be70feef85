/**
 * What the `ca` and `cert` commands share: flags, opening the node's store
 * from its configuration file (like `credfed import`), secrets from files.
 */
import path from 'node:path';
import { loadCliConfig } from '../../cli-env.js';
import { systemClock } from '../../../core/clock.js';
import type { CaContext } from '../../../ca/ca-context.js';
import { unlockCa, type UnlockedCa } from '../../../ca/ca-unlock.js';
import { parseDays, parseDuration } from '../../../ca/duration.js';
import { readPassphraseFile } from '../../../ca/passphrase-file.js';
import { openCliStore } from '../../cli-store.js';
import { audited } from '../../cli-audit.js';
import { actorOf } from '../partner/partner-cli.js';
import { UsageError, type Io } from '../../command.js';

export type Values = Record<string, string | boolean | string[] | undefined>;

/** The note every command that opens the store carries in its --help. */
export const STORE_NOTE = `The command opens the node's store directly: with the embedded store, stop the
node's gateway first (its data directory is locked while it runs); with
PostgreSQL, run it any time. Secrets are read from files only, never from flags.`;

/** A string flag's value, or a usage error naming it when required and missing. */
export function flag(values: Values, name: string, required: true): string;
export function flag(values: Values, name: string, required?: false): string | undefined;
export function flag(values: Values, name: string, required = false): string | undefined {
  const v = values[name];
  if (v === undefined) {
    if (required) throw new UsageError(`--${name} is required`);
    return undefined;
  }
  if (typeof v !== 'string') throw new UsageError(`--${name} takes a value`);
  return v;
}

/** Every value of a repeatable flag. */
export function flags(values: Values, name: string): string[] {
  const v = values[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

/** --days N, validated. */
export function daysFlag(values: Values): number | undefined {
  const text = flag(values, 'days');
  if (text === undefined) return undefined;
  const days = parseDays(text);
  if (days.error !== undefined) throw new UsageError(`--days: ${days.error}`);
  return days.value;
}

/** A duration flag (--expiring 30d, --next-update 7d), in milliseconds. */
export function durationFlag(values: Values, name: string): number | undefined {
  const text = flag(values, name);
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms.error !== undefined) throw new UsageError(`--${name}: ${ms.error}`);
  return ms.value;
}

/** Paths given on the command line, resolved against the working directory. */
export function pathFlag(values: Values, name: string, required: true): string;
export function pathFlag(values: Values, name: string, required?: false): string | undefined;
export function pathFlag(values: Values, name: string, required = false): string | undefined {
  const v = required ? flag(values, name, true) : flag(values, name);
  return v === undefined ? undefined : path.resolve(v);
}

/** Refuses two flags naming one file (a key written over its certificate …). */
export function distinctPaths(entries: readonly [string, string | undefined][]): void {
  const seen = new Map<string, string>();
  for (const [name, p] of entries) {
    if (p === undefined) continue;
    const other = seen.get(p);
    if (other) throw new UsageError(`--${other} and --${name} name the same file`);
    seen.set(p, name);
  }
}

/** Opens the node's store from --config, runs `work`, closes the store. */
export async function withCa<T>(values: Values, work: (ctx: CaContext) => Promise<T>): Promise<T> {
  const config = loadCliConfig(flag(values, 'config', true));
  const store = await openCliStore(config);
  try {
    return await audited(store, config.nodeId, actorOf(values), () => work({ store, federation: config.federation, nodeId: config.nodeId, clock: systemClock }));
  } finally {
    await store.close();
  }
}

/** Unlocks the CA with the passphrase in --passphrase-file. */
export async function unlockWithFile(ctx: CaContext, values: Values): Promise<UnlockedCa> {
  const passphrase = await readPassphraseFile(pathFlag(values, 'passphrase-file', true), 'CA passphrase');
  return unlockCa(ctx.store, ctx.federation, passphrase);
}

/** JSON on stdout. */
export function printJson(io: Io, value: unknown): void {
  io.out(`${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
}
