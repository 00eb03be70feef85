import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadCliConfig } from '../cli-env.js';
import { systemClock } from '../../core/clock.js';
import type { CsvEncoding } from '../../core/records/csv/byte-decoder.js';
import { importCsv } from '../../importer/csv-import.js';
import { ErrorsFile } from '../../importer/errors-file.js';
import { chooseImportFormat } from '../../importer/import-format.js';
import { ImportRefused } from '../../importer/import-refused.js';
import type { ImportProgress, ImportSummary } from '../../importer/import-summary.js';
import { importNdjson } from '../../importer/ndjson-import.js';
import { loadPersonsProtection } from '../../persons/persons-protection.js';
import { ProgressBar } from '../../importer/progress-line.js';
import { openCliStore } from '../cli-store.js';
import { EXIT, UsageError, type Command, type Io } from '../command.js';

const ENCODINGS: Readonly<Record<string, CsvEncoding>> = { utf8: 'utf8', 'utf-8': 'utf8', gb18030: 'gb18030', gbk: 'gb18030' };

export const importCommand: Command = {
  name: 'import',
  summary: 'import credit records (NDJSON, 双公示 CSV) at this node and queue them for its partners',
  options: {
    config: { type: 'string', short: 'c' },
    kind: { type: 'string' },
    encoding: { type: 'string' },
    errors: { type: 'string' },
    'ignore-unknown-columns': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  allowPositionals: true,
  help: `Usage: credfed import FILE --config FILE [--kind licence|penalty|ndjson]
                      [--encoding utf8|gb18030] [--errors OUT.csv]
                      [--ignore-unknown-columns] [--json]

Imports credit records originating at this node from FILE, either
  - NDJSON (.ndjson, .jsonl): one JSON object per line, the protobuf JSON form
    of credfed.v1.CreditRecord (see README "Record format"), or
  - a 双公示 CSV export (.csv) of administrative licences (行政许可) or
    penalties (行政处罚) with the standard Chinese column headers (see README
    "Importing 双公示 CSV exports"), encoded UTF-8 (with or without BOM) or
    GB18030. The kind is detected from the headers and the encoding from the
    bytes, unless given.
Each valid line or row is stored and queued for every partner with push: true;
a running gateway sends it within a second. Re-importing the same file
changes nothing; a changed line or row becomes a new version of its record.
The file is streamed: memory does not grow with its size.

Every rejected line is reported with its line number, column (CSV) or field
(NDJSON), reason code and message; --errors writes them all, with the original
row, to a CSV file (UTF-8 with BOM) for the data owner to fix. On a terminal,
a progress line shows on stderr.

A file is refused as a whole (exit 1, naming the file and the line) when it is
empty, not UTF-8 or GB18030, or its header row has unknown, duplicated or
missing columns, or fits neither kind. A file with only a header row imports
nothing and says so. Chunks of 1000 records committed before a refusal or an
interruption stay: import the (corrected) file again to finish — it ends
with exactly the records of the file.

Natural persons' resident identity numbers (身份证号) never reach the store's
records or the outbox: each is replaced by its pseudonym under every key of
persons.pseudonymKeys with a masked display form, and kept sealed under
persons.encryptionKeyFile (or not at all: persons.residentIdStorage: none).
Without a pseudonym key, such a line is rejected (PSEUDONYM_KEY_MISSING).

Exit code: 0 all stored or unchanged, 3 some lines rejected, 1 the file was
refused or the import failed, 2 wrong usage.

With the embedded store, stop the node's gateway first (its data directory is
locked while it runs); with PostgreSQL, import while it runs.

Options:
  -c, --config FILE               the node's configuration file
      --kind KIND                 licence or penalty (a CSV file), ndjson;
                                  default: from the file's extension and headers
      --encoding ENC              utf8 or gb18030 (gbk is read as gb18030):
                                  force a CSV file's encoding
      --errors OUT.csv            write every rejected line to OUT.csv
      --ignore-unknown-columns    leave out CSV columns with unknown headers
                                  instead of refusing the file
      --json                      print the summary as JSON on stdout

EXAMPLES
  credfed import records.ndjson --config county-a.yaml
  credfed import 行政许可.csv -c county-a.yaml --errors 许可-错误.csv
  credfed import export.csv -c county-a.yaml --kind penalty --encoding gb18030
  credfed import records.ndjson -c county-a.yaml --json | jq .rejections
`,
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('exactly one FILE is required');
    if (typeof values.config !== 'string') throw new UsageError('--config FILE is required');
    const file = positionals[0]!;
    const format = chooseImportFormat(file, values.kind as string | undefined);
    if (format.error !== undefined) throw new UsageError(format.error);
    const chosen = format.value;
    let encoding: CsvEncoding | undefined;
    if (values.encoding !== undefined) {
      encoding = ENCODINGS[String(values.encoding).toLowerCase()];
      if (!encoding) throw new UsageError(`--encoding must be utf8 or gb18030, not "${values.encoding}"`);
    }
    if (chosen.format === 'ndjson' && (encoding || values['ignore-unknown-columns'])) {
      throw new UsageError('--encoding and --ignore-unknown-columns apply to CSV files (NDJSON is UTF-8)');
    }
    if (typeof values.errors === 'string' && path.resolve(values.errors) === path.resolve(file)) {
      throw new UsageError('--errors must name another file than the one imported');
    }
    const config = loadCliConfig(values.config);
    const persons = loadPersonsProtection(config.persons);
    const errors = typeof values.errors === 'string' ? await ErrorsFile.create(values.errors) : undefined;
    let bar: ProgressBar | undefined;
    const onProgress = io.isTty ? (p: ImportProgress) => bar?.update(p) : undefined;
    let summary: ImportSummary;
    try {
      const store = await openCliStore(config);
      if (io.isTty) bar = new ProgressBar((t) => io.err(t), () => performance.now());
      try {
        summary =
          chosen.format === 'csv'
            ? await importCsv(store, config, file, {
                clock: systemClock,
                kind: chosen.kind,
                encoding,
                ignoreUnknownColumns: Boolean(values['ignore-unknown-columns']),
                errors,
                onProgress,
                persons,
              })
            : await importNdjson(store, config, file, { clock: systemClock, errors, onProgress, persons });
      } finally {
        await store.close();
      }
      if (bar && summary.rows > 0) bar.update(summary, true);
    } catch (e) {
      if (!(e instanceof ImportRefused)) throw e;
      await errors?.refusal(e.problem);
      return refused(e, io, Boolean(values.json));
    } finally {
      bar?.done();
      await errors?.close();
    }
    if (summary.ignoredColumns) io.err(`${file}: left out the unknown columns ${summary.ignoredColumns.map((c) => `"${c}"`).join(', ')}\n`);
    if (summary.rows === 0) io.err(`${file}: no data rows (only the header row): nothing imported\n`);
    if (values.json) io.out(`${JSON.stringify(summary)}\n`);
    else io.out(formatSummary(summary, errors?.path));
    return summary.rejected > 0 ? EXIT.PARTIAL : EXIT.OK;
  },
};

function refused(e: ImportRefused, io: Io, json: boolean): number {
  io.err(`credfed import: ${e.text} (${e.problem.code})\n`);
  if (json) {
    const { code, line, message, columns } = e.problem;
    io.out(`${JSON.stringify({ file: e.file, refused: { code, line, message, ...(columns ? { columns } : {}) } })}\n`);
  }
  return EXIT.FAILED;
}

const ENCODING_LABEL = { utf8: 'UTF-8', gb18030: 'GB18030' } as const;

function formatSummary(s: ImportSummary, errorsPath: string | undefined): string {
  const what =
    s.format === 'csv'
      ? `${s.kind} CSV (${ENCODING_LABEL[s.encoding ?? 'utf8']}), ${s.rows} rows`
      : `${s.lines} lines`;
  const lines = [
    `${s.file}: ${what}, ${s.accepted} accepted, ${s.unchanged} unchanged, ${s.rejected} rejected`,
    ...s.rejections.map((r) => `  line ${r.line}: ${r.reason}${r.column ? ` (${r.column})` : ''}: ${r.message}`),
  ];
  if (s.rejectionsNotListed > 0) {
    lines.push(`  … and ${s.rejectionsNotListed} more rejected lines${errorsPath ? '' : ' (--errors FILE lists them all)'}`);
  }
  if (errorsPath && s.rejected > 0) lines.push(`rejected lines written to ${errorsPath}`);
  return `${lines.join('\n')}\n`;
}
