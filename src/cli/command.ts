import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Exit codes of every command. */
export const EXIT = {
  OK: 0,
  /** The command failed; the reason is on stderr. */
  FAILED: 1,
  /** The command line was wrong; usage is on stderr. */
  USAGE: 2,
  /** The command completed, but some input was rejected (e.g. import lines). */
  PARTIAL: 3,
} as const;

export interface Io {
  out(text: string): void;
  err(text: string): void;
  readonly isTty: boolean;
  /** Input for commands that read one item per line when given no arguments (process.stdin in the real CLI). */
  readonly stdin?: NodeJS.ReadableStream;
  /** Resolves when stdout has room for more (backpressure for commands that stream; absent = always room). */
  drain?(): Promise<void>;
  /** Where configuration overrides (DATABASE_URL, CREDFED_*) are read: process.env in the real CLI, absent = process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface Command {
  /** e.g. "sync status". */
  readonly name: string;
  readonly summary: string;
  /** Full --help text, with EXAMPLES. */
  readonly help: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  readonly allowPositionals?: boolean;
  run(args: { values: Record<string, string | boolean | undefined>; positionals: string[] }, io: Io): Promise<number>;
}

export class UsageError extends Error {}

/** Parses a command's arguments strictly; unknown flags are usage errors. */
export function parseCommandArgs(cmd: Command, argv: string[]) {
  try {
    return parseArgs({ args: argv, options: cmd.options, allowPositionals: cmd.allowPositionals ?? false, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
