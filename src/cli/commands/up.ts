import path from 'node:path';
import { createLogger } from '../../obs/logger.js';
import { startLocalFederation, waitUntilSynced, type RunningFederation } from '../../up/local-federation.js';
import { LOCAL_FEDERATION } from '../../up/plan.js';
import { EXIT, UsageError, type Command, type Io } from '../command.js';
import { waitForShutdownSignal } from '../signals.js';
import { formatTable } from '../table.js';

export const upCommand: Command = {
  name: 'up',
  summary: 'run a local federation (a city, two counties, a neighbouring city) with sample data',
  options: {
    'data-dir': { type: 'string' },
    'certs-dir': { type: 'string' },
    'base-port': { type: 'string' },
    records: { type: 'string' },
    'exit-when-synced': { type: 'boolean' },
  },
  help: `Usage: credfed up [--data-dir DIR] [--certs-dir DIR] [--base-port N] [--records N]

Starts a local federation on loopback: the city (port N), county-a (N+1),
county-b (N+2) and a neighbouring city (N+3), each with its own embedded store
under DIR/<node>/data and its own certificate from a development CA under the
certificates directory (created when missing). The counties and the neighbour
import N deterministic sample records each and push them to the city over
mutual TLS; a summary per node follows. Runs until Ctrl-C or SIGTERM.

A second run reuses the data and the certificates and syncs only what is new
(e.g. a larger --records adds only the extra records).

Options:
      --data-dir DIR     data and node configurations (default .credfed)
      --certs-dir DIR    development certificates (default certs)
      --base-port N      first of four consecutive ports (default 7400)
      --records N        sample records per importing node (default 200)
      --exit-when-synced stop once everything is synced (for scripts)

EXAMPLES
  npm start
  npx credfed up --records 5000
  npx credfed up --base-port 9400 --data-dir /tmp/fed --exit-when-synced
`,
  async run({ values }, io) {
    const basePort = intOption(values['base-port'], 7400, 1, 65532, '--base-port');
    const records = intOption(values.records, 200, 0, 10_000_000, '--records');
    const dataDir = typeof values['data-dir'] === 'string' ? values['data-dir'] : '.credfed';
    const certsDir = typeof values['certs-dir'] === 'string' ? values['certs-dir'] : 'certs';
    const log = createLogger({ level: process.env.CREDFED_LOG_LEVEL ?? 'warn' });
    const progress = (line: string) => io.err(`credfed up: ${line}\n`);
    const fed = await startLocalFederation({ dataDir, certsDir, basePort, records, federation: 'demo', log, progress });
    const signal = waitForShutdownSignal();
    try {
      for (const [node, n] of fed.imported) progress(`${node}: ${n} new sample records imported`);
      progress('syncing to the city…');
      const synced = await waitUntilSynced(fed, 300_000, (pending) => io.isTty && io.err(`\r  ${pending} records pending   `));
      if (io.isTty) io.err('\n');
      io.out(await summary(fed));
      if (!synced) {
        io.err('credfed up: sync did not finish within 5 minutes; see `npx credfed sync status`\n');
        return EXIT.FAILED;
      }
      if (values['exit-when-synced']) return EXIT.OK;
      io.out(nextSteps(dataDir));
      progress('running; Ctrl-C to stop');
      await signal;
      progress('stopping');
      return EXIT.OK;
    } finally {
      await fed.stop();
    }
  },
};

async function summary(fed: RunningFederation): Promise<string> {
  const rows: string[][] = [];
  for (const node of LOCAL_FEDERATION) {
    const g = fed.gateways.get(node.id)!;
    const s = await g.status();
    const pushed = s.partners.filter((p) => p.push).map((p) => `${p.lastAckedSeq} → ${p.partnerId}`).join(', ');
    const received = s.partners.filter((p) => p.inboundAccepted > 0).map((p) => `${p.inboundAccepted} from ${p.partnerId}`).join(', ');
    rows.push([node.id, `127.0.0.1:${g.port}`, node.role, String(s.recordsHeld), pushed || '-', received || '-']);
  }
  return `\n${formatTable(['NODE', 'ENDPOINT', 'ROLE', 'RECORDS', 'PUSHED (ACKED SEQ)', 'RECEIVED (TOTAL)'], rows)}\n`;
}

function nextSteps(dataDir: string): string {
  const flag = path.resolve(dataDir) === path.resolve('.credfed') ? '' : ` --data-dir ${dataDir}`;
  return `
Next, in another terminal:
  npx credfed sync status${flag}          per node and partner: pending, last acknowledged, lag
  npx credfed sync status${flag} --json   the same as JSON
  npx credfed --help                      every command
Stop with Ctrl-C; \`npm start\` again resumes with the same data.
`;
}

function intOption(v: string | boolean | undefined, fallback: number, min: number, max: number, name: string): number {
  if (v === undefined) return fallback;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${name} must be a whole number from ${min} to ${max}`);
  return n;
}
