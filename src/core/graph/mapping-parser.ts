/**
 * A mapping file of legacy codes to USCCs, fed as bytes in chunks of any
 * size, turned into rows: decoding (UTF-8 ± BOM or GB18030, detected or
 * forced: ../records/csv/byte-decoder.ts), tokenizing
 * (../records/csv/csv-tokenizer.ts), the header row (./mapping-header.ts),
 * then each data row (./mapping-row.ts). Problems with the whole file
 * (encoding, header, an unclosed quote) end the parse. Pure: no I/O, memory
 * bounded by the chunk and the longest row.
 */
import { CsvByteDecoder, type CsvEncoding } from '../records/csv/byte-decoder.js';
import { CsvTokenizer, type CsvRow } from '../records/csv/csv-tokenizer.js';
import type { FileProblem } from '../records/csv/file-problem.js';
import { err, ok, type Result } from '../result.js';
import { recognizeMappingHeader, type MappingHeader } from './mapping-header.js';
import { mapMappingRow, type MappingRow, type MappingRowProblem } from './mapping-row.js';

/** What became of one data row: its mapping, or why it was rejected. The row's fields are kept for error reports. */
export type MappingRowOutcome =
  | { readonly line: number; readonly fields: readonly string[]; readonly row: MappingRow; readonly problem?: undefined }
  | { readonly line: number; readonly fields: readonly string[]; readonly problem: MappingRowProblem; readonly row?: undefined };

export class MappingParser {
  private readonly decoder: CsvByteDecoder;
  private readonly tokenizer = new CsvTokenizer();
  private recognized: MappingHeader | undefined;
  private dataRows = 0;
  private failed: FileProblem | undefined;

  constructor(encoding?: CsvEncoding) {
    this.decoder = new CsvByteDecoder(encoding);
  }

  /** The recognised header, once its row has been read. */
  get header(): MappingHeader | undefined {
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
  push(bytes: Uint8Array): Result<MappingRowOutcome[], FileProblem> {
    if (this.failed) return err(this.failed);
    const text = this.decoder.push(bytes);
    if (text.error) return this.fail(text.error);
    const rows = this.tokenizer.push(text.value);
    return rows.error ? this.fail(rows.error) : this.outcomes(rows.value);
  }

  /** The outcomes of the last rows; refuses a file without a header row as empty. */
  end(): Result<MappingRowOutcome[], FileProblem> {
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

  private outcomes(rows: readonly CsvRow[]): Result<MappingRowOutcome[], FileProblem> {
    const out: MappingRowOutcome[] = [];
    for (const { line, fields } of rows) {
      if (fields.every((f) => f.trim() === '')) continue; // blank, or only separators (",,,")
      if (!this.recognized) {
        const header = recognizeMappingHeader(fields, line);
        if (header.error) return this.fail(header.error);
        this.recognized = header.value;
        continue;
      }
      this.dataRows += 1;
      const mapped = mapMappingRow(this.recognized, fields);
      out.push(mapped.error ? { line, fields, problem: mapped.error } : { line, fields, row: mapped.value });
    }
    return ok(out);
  }
}
