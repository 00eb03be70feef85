import { CredfedError } from '../core/errors.js';
import type { FileProblem } from '../core/records/csv/file-problem.js';

/**
 * An import file refused as a whole: empty, undecodable, a header that does
 * not fit. Exit code 1; records of chunks committed before the problem was
 * found stay (importing the corrected file again is idempotent).
 */
export class ImportRefused extends CredfedError {
  /** What to print: the file, the line where applicable, and the problem. */
  readonly text: string;

  constructor(
    readonly file: string,
    readonly problem: FileProblem,
  ) {
    const text = problem.code === 'FILE_EMPTY' ? `${file} is empty` : `${file}: ${problem.message}`;
    super('IMPORT_FILE_INVALID', text, { problem: problem.code, line: problem.line });
    this.text = text;
  }
}
