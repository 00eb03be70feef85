import type { CreditRecord } from '../../../gen/credfed/v1/record.js';
import type { CsvEncoding } from './byte-decoder.js';
import { standardHeader } from './csv-columns.js';
import type { CsvRow } from './csv-tokenizer.js';
import { HeaderedCsv } from './headered-csv.js';
import { mapCsvRow, type MapRowContext, type RowProblem } from './map-row.js';
import { recognizeHeader, type CsvHeader, type HeaderOptions } from './recognize-header.js';
import { recordIdFingerprint } from './record-id.js';
import { SeenRecords } from './seen-records.js';

export interface CsvParseOptions extends HeaderOptions, MapRowContext {
  /** Forces the encoding instead of detecting it. */
  readonly encoding?: CsvEncoding;
}

/** What became of one data row: its record, or why it was rejected. The row's fields are kept for error reports. */
export type CsvRowOutcome =
  | { readonly line: number; readonly fields: readonly string[]; readonly record: CreditRecord; readonly problem?: undefined }
  | { readonly line: number; readonly fields: readonly string[]; readonly problem: RowProblem; readonly record?: undefined };

/**
 * A 双公示 CSV export, fed as bytes in chunks of any size, turned into
 * records (./headered-csv.ts): the header row (./recognize-header.ts), then
 * each data row mapped (./map-row.ts). A row naming the same record (same
 * decision, same subject) as an earlier row of the file is rejected, so that
 * importing the file again changes nothing. Memory is bounded by the chunk,
 * the longest row and 24 bytes a record (./seen-records.ts).
 */
export class CsvRecordParser extends HeaderedCsv<CsvHeader, CsvRowOutcome> {
  private readonly seen = new SeenRecords();

  constructor(private readonly opts: CsvParseOptions) {
    super({ recognize: (fields, line) => recognizeHeader(fields, line, opts), outcome: (header, row) => this.outcome(header, row) }, opts.encoding);
  }

  private outcome(header: CsvHeader, row: CsvRow): CsvRowOutcome {
    const mapped = mapCsvRow(header, row.fields, this.opts);
    if (mapped.error) return { line: row.line, fields: row.fields, problem: mapped.error };
    const first = this.seen.add(recordIdFingerprint(mapped.value.recordId), row.line);
    if (first === undefined) return { line: row.line, fields: row.fields, record: mapped.value };
    const key = header.kind === 'licence' ? 'licenceDocumentNumber' : 'penaltyDecisionNumber';
    const column = header.columns.get(key)?.header ?? standardHeader(header.kind, key);
    const what = header.kind === 'licence' ? `${column} and 许可编号` : column;
    return {
      line: row.line,
      fields: row.fields,
      problem: {
        column,
        reason: 'IMPORT_LINE_INVALID',
        message: `the same record as line ${first} (same ${what}, same subject): a decision may appear once per subject in a file`,
      },
    };
  }
}
