import { once } from 'node:events';
import { CredfedError } from '../core/errors.js';
import { VERSION } from '../grpc/admin-service.js';
import { setCliCommand } from './cli-audit.js';
import { EXIT, parseCommandArgs, UsageError, type Command, type Io } from './command.js';
import { importCommand } from './commands/import.js';
import { serveCommand } from './commands/serve.js';
import { healthCommand } from './commands/health.js';
import { syncStatusCommand } from './commands/sync-status.js';
import { upCommand } from './commands/up.js';
import { caCommands } from './commands/ca/index.js';
import { partnerCommands } from './commands/partner/index.js';
import { idsCommands } from './commands/ids/index.js';
import { personsCommands } from './commands/persons/index.js';
import { agreementCommands } from './commands/agreement/index.js';
import { auditCommands } from './commands/audit/index.js';
import { verdictCommands } from './commands/verdict/index.js';
import { recognizeCommand } from './commands/recognize.js';
import { recordCommands } from './commands/record/index.js';
import { watchCommand } from './commands/watch.js';
import { calendarCommands } from './commands/calendar/index.js';
import { objectionCommands } from './commands/objection/index.js';
import { storeCommands } from './commands/store/index.js';
import { reportCommands } from './commands/report/index.js';

const COMMANDS: readonly Command[] = [serveCommand, importCommand, syncStatusCommand, upCommand, ...partnerCommands, ...caCommands, ...idsCommands, ...personsCommands, ...agreementCommands, ...auditCommands, recognizeCommand, ...verdictCommands, ...recordCommands, ...objectionCommands, watchCommand, ...calendarCommands, ...reportCommands, ...storeCommands, healthCommand];

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

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `credfed ${VERSION}: cross-region credit data federation gateway

Usage: credfed <command> [options]     (credfed <command> --help for details)

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

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
    io.err(usage());
    return EXIT.USAGE;
  }
  if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(usage());
    return EXIT.OK;
  }
  if (argv[0] === '--version') {
    io.out(`${VERSION}\n`);
    return EXIT.OK;
  }
  const cmd = COMMANDS.find((c) => {
    const words = c.name.split(' ');
    return words.every((w, i) => argv[i] === w);
  });
  if (!cmd) {
    io.err(`credfed: unknown command "${argv.slice(0, 2).join(' ')}"\n\n${usage()}`);
    return EXIT.USAGE;
  }
  const rest = argv.slice(cmd.name.split(' ').length);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(cmd.help);
    return EXIT.OK;
  }
  try {
    const args = parseCommandArgs(cmd, rest);
    setCliCommand(cmd.name);
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
