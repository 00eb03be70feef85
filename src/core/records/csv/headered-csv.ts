/**
 * A CSV file with a header row, fed as bytes in chunks of any size: decoding
 * (./byte-decoder.ts), tokenizing (./csv-tokenizer.ts), the first non-blank
 * row recognised as the header, then every data row turned into an outcome.
 * Problems with the whole file (encoding, header, an unclosed quote) end the
 * parse; a file without a header row is FILE_EMPTY. Pure: no I/O, memory
 * bounded by the chunk and the longest row. The 双公示 record import and the
 * legacy-code mapping import differ only in `recognize` and `outcome`.
 */
import { err, ok, type Result } from '../../result.js';
import { CsvByteDecoder, type CsvEncoding } from './byte-decoder.js';
import { CsvTokenizer, type CsvRow } from './csv-tokenizer.js';
import type { FileProblem } from './file-problem.js';

export interface HeaderedCsvSteps<H, O> {
  /** The header from the first non-blank row, or why the file is refused. */
  recognize(fields: readonly string[], line: number): Result<H, FileProblem>;
  /** What became of one data row. */
  outcome(header: H, row: CsvRow): O;
}

export class HeaderedCsv<H, O> {
  private readonly decoder: CsvByteDecoder;
  private readonly tokenizer = new CsvTokenizer();
  private recognized: H | undefined;
  private dataRows = 0;
  private failed: FileProblem | undefined;

  constructor(
    private readonly steps: HeaderedCsvSteps<H, O>,
    encoding?: CsvEncoding,
  ) {
    this.decoder = new CsvByteDecoder(encoding);
  }

  /** The recognised header, once its row has been read. */
  get header(): H | undefined {
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
  push(bytes: Uint8Array): Result<O[], FileProblem> {
    if (this.failed) return err(this.failed);
    const text = this.decoder.push(bytes);
    if (text.error) return this.fail(text.error);
    const rows = this.tokenizer.push(text.value);
    return rows.error ? this.fail(rows.error) : this.outcomes(rows.value);
  }

  /** The outcomes of the last rows; refuses a file without a header row as empty. */
  end(): Result<O[], FileProblem> {
    if (this.failed) return err(this.failed);
    const text = this.decoder.end();
    if (text.error) return this.fail(text.error);
    const last = this.tokenizer.push(text.value);
    if (last.error) return this.fail(last.error);
    const rest = this.tokenizer.end();
    if (rest.error) return this.fail(rest.error);
    const outcomes = this.outcomes([...last.value, ...rest.value]);
    if (outcomes.error) return outcomes;
    if (this.recognized === undefined) return this.fail({ code: 'FILE_EMPTY', message: 'the file is empty' });
    return outcomes;
  }

  private fail(problem: FileProblem): { readonly error: FileProblem } {
    this.failed = problem;
    return err(problem);
  }

  private outcomes(rows: readonly CsvRow[]): Result<O[], FileProblem> {
    const out: O[] = [];
    for (const row of rows) {
      if (row.fields.every((f) => f.trim() === '')) continue; // blank, or only separators (",,,")
      if (this.recognized === undefined) {
        const header = this.steps.recognize(row.fields, row.line);
        if (header.error) return this.fail(header.error);
        this.recognized = header.value;
        continue;
      }
      this.dataRows += 1;
      out.push(this.steps.outcome(this.recognized, row));
    }
    return ok(out);
  }
}
