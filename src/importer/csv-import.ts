import { pushPartnerIds, type NodeConfig } from '../config/node-config.js';
import type { Clock } from '../core/clock.js';
import type { CsvEncoding } from '../core/records/csv/byte-decoder.js';
import type { CsvKind } from '../core/records/csv/csv-columns.js';
import { CsvRecordParser, type CsvRowOutcome } from '../core/records/csv/csv-record-parser.js';
import type { FileProblem } from '../core/records/csv/file-problem.js';
import type { Result } from '../core/result.js';
import type { PersonsProtection } from '../persons/persons-protection.js';
import type { Store } from '../store/store.js';
import { ChunkWriter } from './chunk-writer.js';
import type { ErrorsFile } from './errors-file.js';
import { ImportRefused } from './import-refused.js';
import { openImportFile } from './import-file.js';
import { RejectionLog, type ImportProgress, type ImportSummary } from './import-summary.js';

export interface CsvImportOptions {
  readonly clock: Clock;
  /** Licence or penalty; detected from the headers when not given. */
  readonly kind?: CsvKind;
  /** Forces the encoding; detected when not given. */
  readonly encoding?: CsvEncoding;
  readonly ignoreUnknownColumns?: boolean;
  /** Receives every rejected row (and a refusal) as it is found. */
  readonly errors?: ErrorsFile;
  /** Called after every chunk read and every commit. */
  readonly onProgress?: (p: ImportProgress) => void;
  /** Natural persons' protection (loadPersonsProtection); without it a clear identity number is refused. */
  readonly persons?: PersonsProtection;
}

/**
 * Imports a 双公示 CSV export (licences or penalties) at this node, streaming:
 * the file is read in 64 KiB chunks, decoded, parsed and mapped row by row
 * (src/core/records/csv/), and stored in transactions of 1000 records, each
 * record queued for the node's push partners. Re-importing the same file
 * changes nothing; a changed row becomes a new version of its record.
 * A file refused as a whole (ImportRefused) keeps the chunks committed before.
 */
export async function importCsv(store: Store, config: NodeConfig, file: string, opts: CsvImportOptions): Promise<ImportSummary> {
  const input = await openImportFile(file);
  const parser = new CsvRecordParser({
    originId: config.nodeId,
    now: opts.clock.now(),
    kind: opts.kind,
    encoding: opts.encoding,
    ignoreUnknownColumns: opts.ignoreUnknownColumns,
  });
  const writer = new ChunkWriter(store, pushPartnerIds(config), opts.persons);
  const rejections = new RejectionLog();
  const progress = () =>
    opts.onProgress?.({ rows: parser.rows, accepted: writer.accepted, unchanged: writer.unchanged, rejected: rejections.count });

  const handle = async (result: Result<CsvRowOutcome[], FileProblem>): Promise<void> => {
    if (result.error) throw new ImportRefused(file, result.error);
    if (parser.header) await opts.errors?.header(parser.header.cells);
    for (const outcome of result.value) {
      let problem = outcome.problem;
      if (outcome.record) {
        const before = writer.accepted + writer.unchanged;
        const refused = await writer.add(outcome.record);
        if (writer.accepted + writer.unchanged !== before) progress();
        if (!refused) continue;
        // A record the store refuses (PSEUDONYM_KEY_MISSING): the whole row is at fault.
        problem = { column: '', reason: refused.reason, message: refused.message };
      }
      const rejection = { line: outcome.line, ...problem! };
      rejections.add(rejection);
      await opts.errors?.add(rejection, outcome.fields);
    }
  };

  try {
    for await (const chunk of input) {
      await handle(parser.push(chunk as Buffer));
      progress();
    }
    await handle(parser.end());
    await writer.flush();
    progress();
  } finally {
    input.destroy();
  }
  const header = parser.header!;
  return {
    file,
    format: 'csv',
    kind: header.kind,
    encoding: parser.encoding,
    lines: parser.lines,
    rows: parser.rows,
    accepted: writer.accepted,
    unchanged: writer.unchanged,
    rejected: rejections.count,
    rejections: rejections.listed,
    rejectionsNotListed: rejections.notListed,
    ...(header.ignored.length > 0 ? { ignoredColumns: header.ignored } : {}),
  };
}
