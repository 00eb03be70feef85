import type { CreditRecord } from '../../../gen/credfed/v1/record.js';
import { err, ok, type Result } from '../../result.js';
import { CsvByteDecoder, type CsvEncoding } from './byte-decoder.js';
import { standardHeader } from './csv-columns.js';
import { CsvTokenizer, type CsvRow } from './csv-tokenizer.js';
import type { FileProblem } from './file-problem.js';
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
 * records: decoding (./byte-decoder.ts), tokenizing (./csv-tokenizer.ts), the
 * header row (./recognize-header.ts), then each data row mapped
 * (./map-row.ts). A row naming the same record (same decision, same subject)
 * as an earlier row of the file is rejected, so that importing the file
 * again changes nothing. Problems with the whole file (encoding, header, an
 * unclosed quote) end the parse. Pure: no I/O, memory bounded by the chunk,
 * the longest row and 24 bytes a record (./seen-records.ts).
 */
export class CsvRecordParser {
  private readonly decoder: CsvByteDecoder;
  private readonly tokenizer = new CsvTokenizer();
  private readonly seen = new SeenRecords();
  private recognized: CsvHeader | undefined;
  private dataRows = 0;
  private failed: FileProblem | undefined;

  constructor(private readonly opts: CsvParseOptions) {
    this.decoder = new CsvByteDecoder(opts.encoding);
  }

  /** The recognised header, once its row has been read. */
  get header(): CsvHeader | undefined {
    return this.recognized;
  }

  get encoding(): CsvEncoding | undefined {
    return this.decoder.encoding;
  }

  /** Data rows read (blank lines and the header excluded). */
  get rows(): number {
    return this.dataRows;
  }

  /** Physical lines read. */
  get lines(): number {
    return this.tokenizer.lines;
  }

  /** The outcomes of the rows this chunk completes. */
  push(bytes: Uint8Array): Result<CsvRowOutcome[], FileProblem> {
    if (this.failed) return err(this.failed);
    const text = this.decoder.push(bytes);
    if (text.error) return this.fail(text.error);
    const rows = this.tokenizer.push(text.value);
    return rows.error ? this.fail(rows.error) : this.outcomes(rows.value);
  }

  /** The outcomes of the last rows; refuses a file without a header row as empty. */
  end(): Result<CsvRowOutcome[], FileProblem> {
    if (this.failed) return err(this.failed);
    const text = this.decoder.end();
    if (text.error) return this.fail(text.error);
    const last = this.tokenizer.push(text.value);
    if (last.error) return this.fail(last.error);
    const rest = this.tokenizer.end();
    if (rest.error) return this.fail(rest.error);
    const outcomes = this.outcomes([...last.value, ...rest.value]);
    if (outcomes.error) return outcomes;
    if (!this.recognized) return this.fail({ code: 'FILE_EMPTY', message: 'the file is empty' });
    return outcomes;
  }

  private fail(problem: FileProblem): { readonly error: FileProblem } {
    this.failed = problem;
    return err(problem);
  }

  private outcomes(rows: readonly CsvRow[]): Result<CsvRowOutcome[], FileProblem> {
    const out: CsvRowOutcome[] = [];
    for (const row of rows) {
      if (row.fields.every((f) => f.trim() === '')) continue; // blank, or only separators (",,,")
      if (!this.recognized) {
        const header = recognizeHeader(row.fields, row.line, this.opts);
        if (header.error) return this.fail(header.error);
        this.recognized = header.value;
        continue;
      }
      this.dataRows += 1;
      out.push(this.outcome(this.recognized, row));
    }
    return ok(out);
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
