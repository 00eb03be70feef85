import fs from 'node:fs';
import { once } from 'node:events';
import { formatCsvLine } from '../core/records/csv/format-csv-line.js';
import { CredfedError } from '../core/errors.js';
import type { FileProblem } from '../core/records/csv/file-problem.js';
import type { LineRejection } from './import-summary.js';

/** The first columns of an errors file: line, column, reason code, message. */
export const ERRORS_FILE_COLUMNS = ['行号', '列', '原因代码', '说明'] as const;

/**
 * The `--errors FILE` report for the data owner: a UTF-8 CSV with a
 * byte-order mark (so spreadsheet programs read it as UTF-8), one line per
 * rejected input line — line number, column, reason code, message — followed
 * by the original row's fields. Written as the import goes, so memory does
 * not grow with the number of rejections.
 */
export class ErrorsFile {
  private headerWritten = false;

  private constructor(
    readonly path: string,
    private readonly out: fs.WriteStream,
  ) {}

  /** Creates (or truncates) the file. */
  static async create(path: string): Promise<ErrorsFile> {
    const out = fs.createWriteStream(path, { encoding: 'utf8' });
    try {
      await once(out, 'open');
    } catch (e) {
      throw new CredfedError('NOT_FOUND', `cannot write the errors file ${path}: ${(e as Error).message}`);
    }
    const file = new ErrorsFile(path, out);
    await file.write('\uFEFF');
    return file;
  }

  /** The header line: the fixed columns, then the input's own columns. Written once. */
  async header(inputColumns: readonly string[]): Promise<void> {
    if (this.headerWritten) return;
    this.headerWritten = true;
    await this.write(formatCsvLine([...ERRORS_FILE_COLUMNS, ...inputColumns]));
  }

  /** One rejected line and the original row's fields. */
  async add(rejection: LineRejection, original: readonly string[]): Promise<void> {
    await this.header([]);
    await this.write(formatCsvLine([String(rejection.line), rejection.column, rejection.reason, rejection.message, ...original]));
  }

  /** Why the whole file was refused, as the last line (reason IMPORT_FILE_INVALID, the refusal code in the message). */
  async refusal(problem: FileProblem): Promise<void> {
    const rejection: LineRejection = {
      line: problem.line ?? 0,
      column: problem.columns?.join(', ') ?? '',
      reason: 'IMPORT_FILE_INVALID',
      message: `${problem.code}: the file was refused: ${problem.message}`,
    };
    await this.add(rejection, []);
  }

  async close(): Promise<void> {
    if (this.out.closed) return;
    this.out.end();
    await once(this.out, 'close');
  }

  private async write(text: string): Promise<void> {
    if (!this.out.write(text)) await once(this.out, 'drain');
  }
}
