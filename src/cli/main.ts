import { once } from 'node:events';
import { CredfedError } from '../core/errors.js';
import { EXIT, parseCommandArgs, UsageError, type Command, type Io } from './command.js';
import { setStoreNotice } from './cli-store.js';

/**
 * The commands in groups by their first word, each group loaded only when
 * one of its words is used: a command pays for its own modules only (a
 * partner command does not load the gateway), and --help for all of them.
 * Groups are listed in the order of the usage text.
 */
interface CommandGroup {
  readonly words: readonly string[];
  load(): Promise<readonly Command[]>;
}

export const COMMAND_GROUPS: readonly CommandGroup[] = [
  { words: ['serve'], load: async () => [(await import('./commands/serve.js')).serveCommand] },
  { words: ['import'], load: async () => [(await import('./commands/import.js')).importCommand] },
  { words: ['sync'], load: async () => [(await import('./commands/sync-status.js')).syncStatusCommand] },
  { words: ['up'], load: async () => [(await import('./commands/up.js')).upCommand] },
  { words: ['partner'], load: async () => (await import('./commands/partner/index.js')).partnerCommands },
  { words: ['ca', 'cert'], load: async () => (await import('./commands/ca/index.js')).caCommands },
  { words: ['ids'], load: async () => (await import('./commands/ids/index.js')).idsCommands },
  { words: ['persons'], load: async () => (await import('./commands/persons/index.js')).personsCommands },
  { words: ['agreement'], load: async () => (await import('./commands/agreement/index.js')).agreementCommands },
  { words: ['audit'], load: async () => (await import('./commands/audit/index.js')).auditCommands },
  { words: ['recognize'], load: async () => [(await import('./commands/recognize.js')).recognizeCommand] },
  { words: ['verdict'], load: async () => (await import('./commands/verdict/index.js')).verdictCommands },
  { words: ['record'], load: async () => (await import('./commands/record/index.js')).recordCommands },
  { words: ['objection', 'feedback'], load: async () => (await import('./commands/objection/index.js')).objectionCommands },
  { words: ['watch'], load: async () => [(await import('./commands/watch.js')).watchCommand] },
  { words: ['calendar'], load: async () => (await import('./commands/calendar/index.js')).calendarCommands },
  { words: ['report'], load: async () => (await import('./commands/report/index.js')).reportCommands },
  { words: ['store'], load: async () => (await import('./commands/store/index.js')).storeCommands },
  { words: ['health'], load: async () => [(await import('./commands/health.js')).healthCommand] },
];

/**
 * The version, from the module that answers Admin.Status with it: loaded only
 * when asked for. `credfed --version` loads that module (the store's row
 * codecs and generated messages come along) but not the configuration parser
 * or the audit log, which a command's run needs (setUpRun).
 */
async function version(): Promise<string> {
  return (await import('../grpc/admin-service.js')).VERSION;
}

/**
 * Names the run for the audit log and gives it its environment and its
 * terminal (for notices on stderr), loading those modules only when a
 * command runs.
 */
async function setUpRun(cmd: Command, io: Io): Promise<void> {
  const [{ setCliCommand }, { setCliEnv }] = await Promise.all([import('./cli-audit.js'), import('./cli-env.js')]);
  setCliCommand(cmd.name);
  setCliEnv(io.env ?? process.env);
  setStoreNotice(io.isTty ? (text) => io.err(text) : undefined);
}

/** Every command, in the order of the usage text (loads every group). */
export async function allCommands(): Promise<readonly Command[]> {
  return (await Promise.all(COMMAND_GROUPS.map((g) => g.load()))).flat();
}

const processIo: Io = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  isTty: Boolean(process.stderr.isTTY),
  stdin: process.stdin,
  drain: () => (process.stdout.writableNeedDrain ? once(process.stdout, 'drain').then(() => undefined) : Promise.resolve()),
};

/** A reader that stops early (`credfed ids check … | head`) ends the CLI quietly, as Unix tools do, not with a stack trace. */
function quietOnBrokenPipe(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? 0);
  });
}

async function usage(): Promise<string> {
  const commands = await allCommands();
  const width = Math.max(...commands.map((c) => c.name.length));
  return `credfed ${await version()}: cross-region credit data federation gateway

Usage: credfed <command> [options]     (credfed <command> --help for details)

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

EXAMPLES
  npm start                                   (= credfed up) a local federation with sample data
  npx credfed sync status                     the local federation's sync state
  credfed serve --config county-a.yaml        run one node
  credfed import records.ndjson -c county-a.yaml
`;
}

/** Runs the CLI; returns the exit code. Data goes to stdout, messages to stderr. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  if (io === processIo) quietOnBrokenPipe();
  if (argv.length === 0) {
    io.err(await usage());
    return EXIT.USAGE;
  }
  if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(await usage());
    return EXIT.OK;
  }
  if (argv[0] === '--version') {
    io.out(`${await version()}\n`);
    return EXIT.OK;
  }
  const group = COMMAND_GROUPS.find((g) => g.words.includes(argv[0]!));
  const cmd = (await group?.load())?.find((c) => {
    const words = c.name.split(' ');
    return words.every((w, i) => argv[i] === w);
  });
  if (!cmd) {
    io.err(`credfed: unknown command "${argv.slice(0, 2).join(' ')}"\n\n${await usage()}`);
    return EXIT.USAGE;
  }
  const rest = argv.slice(cmd.name.split(' ').length);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(cmd.help);
    return EXIT.OK;
  }
  try {
    const args = parseCommandArgs(cmd, rest);
    await setUpRun(cmd, io);
    return await cmd.run(args as never, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`credfed ${cmd.name}: ${e.message}\n\n${cmd.help}`);
      return EXIT.USAGE;
    }
    if (e instanceof CredfedError) {
      io.err(`credfed ${cmd.name}: ${e.code}: ${e.message}\n`);
      return EXIT.FAILED;
    }
    io.err(`credfed ${cmd.name}: unexpected error: ${(e as Error).stack ?? String(e)}\n`);
    return EXIT.FAILED;
  }
}
