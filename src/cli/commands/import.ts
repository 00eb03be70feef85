import { loadConfig } from '../../config/load-config.js';
import { systemClock } from '../../core/clock.js';
import { importNdjson, type ImportSummary } from '../../importer/ndjson-import.js';
import { openStore } from '../../store/store.js';
import { EXIT, UsageError, type Command } from '../command.js';

export const importCommand: Command = {
  name: 'import',
  summary: 'import credit records (NDJSON) at this node and queue them for its partners',
  options: { config: { type: 'string', short: 'c' }, json: { type: 'boolean' } },
  allowPositionals: true,
  help: `Usage: credfed import FILE --config FILE [--json]

Imports credit records originating at this node from FILE: one JSON object per
line, the protobuf JSON form of credfed.v1.CreditRecord (see README "Record
format"). Each valid line is stored and queued for every partner with
push: true; a running gateway sends it within a second. Re-importing the same
file changes nothing; a changed line becomes a new version of its record.

Every rejected line is reported with its line number, reason code, field and
message. Exit code: 0 all lines stored or unchanged, 3 some lines rejected,
1 the import failed (nothing of the failing chunk is written).

With the embedded store, stop the node's gateway first (its data directory is
locked while it runs); with PostgreSQL, import while it runs.

Options:
  -c, --config FILE   the node's configuration file
      --json          print the summary as JSON on stdout

EXAMPLES
  credfed import records.ndjson --config county-a.yaml
  credfed import records.ndjson -c county-a.yaml --json | jq .rejections
`,
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('exactly one FILE is required');
    if (typeof values.config !== 'string') throw new UsageError('--config FILE is required');
    const config = loadConfig(values.config);
    const store = await openStore({ databaseUrl: config.store.databaseUrl, dataDir: config.store.dataDir });
    let summary: ImportSummary;
    try {
      summary = await importNdjson(store, config, positionals[0]!, {
        clock: systemClock,
        onProgress: io.isTty
          ? (p) => io.err(`\rimporting: ${p.lines} lines, ${p.accepted} accepted, ${p.unchanged} unchanged, ${p.rejected} rejected`)
          : undefined,
      });
    } finally {
      await store.close();
    }
    if (io.isTty) io.err('\n');
    if (values.json) io.out(`${JSON.stringify(summary)}\n`);
    else io.out(formatSummary(summary));
    return summary.rejected > 0 ? EXIT.PARTIAL : EXIT.OK;
  },
};

function formatSummary(s: ImportSummary): string {
  const lines = [
    `${s.file}: ${s.lines} lines, ${s.accepted} accepted, ${s.unchanged} unchanged, ${s.rejected} rejected`,
    ...s.rejections.map((r) => `  line ${r.line}: ${r.reason}${r.field ? ` (${r.field})` : ''}: ${r.message}`),
  ];
  return `${lines.join('\n')}\n`;
}
