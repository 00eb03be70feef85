import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { CsvEncoding } from '../../../core/records/csv/byte-decoder.js';
import { ErrorsFile } from '../../../importer/errors-file.js';
import { ImportRefused } from '../../../importer/import-refused.js';
import type { ImportProgress } from '../../../importer/import-summary.js';
import { importMapping, type MappingSummary } from '../../../importer/mapping-import.js';
import { ProgressBar } from '../../../importer/progress-line.js';
import { EXIT, UsageError, type Command, type Io } from '../../command.js';
import { STORE_NOTE, withNodeStore } from '../partner/partner-cli.js';

const ENCODINGS: Readonly<Record<string, CsvEncoding>> = { utf8: 'utf8', 'utf-8': 'utf8', gb18030: 'gb18030', gbk: 'gb18030' };

export const idsImportCommand: Command = {
  name: 'ids import',
  summary: 'link legacy codes (organisation codes, registration numbers) to USCCs from a mapping file (CSV)',
  options: {
    config: { type: 'string', short: 'c' },
    encoding: { type: 'string' },
    errors: { type: 'string' },
    'dry-run': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  allowPositionals: true,
  help: `Usage: credfed ids import FILE --config FILE [--encoding utf8|gb18030]
                          [--errors OUT.csv] [--dry-run] [--json]

Reads a mapping file of legacy codes to unified social credit codes (CSV,
UTF-8 with or without BOM, or GB18030; detected unless --encoding is given)
and links every legacy code to its USCC in the node's identifier graph.
Records already stored under a legacy code are found by the USCC from then
on: nothing is imported again (see README "Mapping legacy codes").

The first row names the columns (Chinese or English, any case):
  the USCC (required)    统一社会信用代码, uscc
  organisation code      组织机构代码, org_code, org
  registration number    工商注册号, 注册号, regno, registration_number
  either (detected)      原代码, 旧代码, legacy, legacy_code
  name (optional)        名称, 企业名称, name
At least one legacy-code column is required. Other columns are left out
(said once on stderr). A file without the USCC column or any legacy-code
column is refused before anything is written (exit 1, IMPORT_FILE_INVALID).

Every code is validated and normalised: an invalid row is rejected with its
line, column and the rule that failed (length, charset, check, date, scheme,
ambiguous, missing) and never linked; --errors writes every rejected row to
a CSV file (UTF-8 with BOM). Valid rows are applied in transactions of 1000
rows. A row whose legacy code already belongs to another USCC is not applied:
it goes to the review queue (credfed ids conflicts). Importing the same file
again changes nothing. The file is streamed; on a terminal a progress line
shows on stderr.

The summary goes to stderr: rows read, linked (the graph changed), unchanged
(already linked), held for review, rejected, subjects merged and conflicts
queued (counted before and after the import: other writers at the same time
add to them). --json prints it as JSON on stdout.

Exit code: 0 every row applied, 3 some rows rejected, 1 the file was refused
or the import failed, 2 wrong usage.

${STORE_NOTE}
--dry-run validates the file only: the store is not opened (--config is then
not needed).

Options:
  -c, --config FILE     the node's configuration file
      --encoding ENC    utf8 or gb18030 (gbk is read as gb18030)
      --errors OUT.csv  write every rejected row to OUT.csv
      --dry-run         validate only; write nothing
      --json            print the summary as JSON on stdout

EXAMPLES
  credfed ids import 代码对照.csv --config city.yaml
  credfed ids import legacy-map.csv -c city.yaml --errors 对照-错误.csv
  credfed ids import 代码对照.csv --dry-run --encoding gb18030
  credfed ids import legacy-map.csv -c city.yaml --json | jq '{linked, merged, conflictsQueued}'
`,
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('exactly one FILE is required');
    const file = positionals[0]!;
    const dryRun = Boolean(values['dry-run']);
    if (!dryRun && typeof values.config !== 'string') throw new UsageError('--config FILE is required (or --dry-run)');
    let encoding: CsvEncoding | undefined;
    if (values.encoding !== undefined) {
      encoding = ENCODINGS[String(values.encoding).toLowerCase()];
      if (!encoding) throw new UsageError(`--encoding must be utf8 or gb18030, not "${values.encoding}"`);
    }
    if (typeof values.errors === 'string' && path.resolve(values.errors) === path.resolve(file)) {
      throw new UsageError('--errors must name another file than the one imported');
    }
    const errors = typeof values.errors === 'string' ? await ErrorsFile.create(values.errors) : undefined;
    let bar: ProgressBar | undefined;
    const onProgress = io.isTty ? (p: ImportProgress) => bar?.update(p) : undefined;
    let summary: MappingSummary;
    try {
      const run = async (store: Parameters<typeof importMapping>[0]) => {
        if (io.isTty) bar = new ProgressBar((t) => io.err(t), () => performance.now());
        return importMapping(store, file, { encoding, errors, onProgress });
      };
      summary = dryRun ? await run(undefined) : await withNodeStore(values, run);
    } catch (e) {
      if (!(e instanceof ImportRefused)) throw e;
      bar?.done();
      await errors?.refusal(e.problem);
      return refused(e, io, Boolean(values.json));
    } finally {
      bar?.done();
      await errors?.close();
    }
    if (summary.ignoredColumns.length > 0) {
      io.err(`${file}: left out the unknown columns ${summary.ignoredColumns.map((c) => `"${c}"`).join(', ')}\n`);
    }
    if (summary.rows === 0) io.err(`${file}: no data rows (only the header row): nothing to link\n`);
    io.err(formatSummary(summary, errors?.path));
    if (values.json) io.out(`${JSON.stringify(summary)}\n`);
    return summary.rejected > 0 ? EXIT.PARTIAL : EXIT.OK;
  },
};

function refused(e: ImportRefused, io: Io, json: boolean): number {
  io.err(`credfed ids import: ${e.code}: ${e.text} (${e.problem.code})\n`);
  if (json) {
    const { code, line, message, columns } = e.problem;
    io.out(`${JSON.stringify({ file: e.file, refused: { reason: e.code, code, line, message, ...(columns ? { columns } : {}) } })}\n`);
  }
  return EXIT.FAILED;
}

const ENCODING_LABEL = { utf8: 'UTF-8', gb18030: 'GB18030' } as const;

function formatSummary(s: MappingSummary, errorsPath: string | undefined): string {
  const head = `${s.file} (${ENCODING_LABEL[s.encoding ?? 'utf8']}): ${s.rows} rows`;
  const lines = s.dryRun
    ? [`${head}, ${s.valid} valid, ${s.rejected} rejected (dry run: nothing written)`]
    : [
        `${head}, ${s.linked} linked, ${s.unchanged} unchanged, ${s.held} held for review, ${s.rejected} rejected`,
        `  subjects merged: ${s.merged}, conflicts queued: ${s.conflictsQueued}${s.conflictsQueued > 0 ? ' (credfed ids conflicts)' : ''}`,
      ];
  lines.push(...s.rejections.map((r) => `  line ${r.line}: ${r.reason} (${r.column}): ${r.message}`));
  if (s.rejectionsNotListed > 0) {
    lines.push(`  … and ${s.rejectionsNotListed} more rejected rows${errorsPath ? '' : ' (--errors FILE lists them all)'}`);
  }
  if (errorsPath && s.rejected > 0) lines.push(`rejected rows written to ${errorsPath}`);
  return `${lines.join('\n')}\n`;
}
