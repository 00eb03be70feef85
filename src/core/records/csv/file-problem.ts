/**
 * Why a whole CSV file is refused (as opposed to one of its rows): nothing of
 * it is imported past this point. `line` is the physical line (1-based) the
 * problem was found on, when there is one.
 */
export type FileProblemCode =
  /** The file has no bytes, or only a byte-order mark and blank lines. */
  | 'FILE_EMPTY'
  /** Bytes that are not valid in the file's encoding. */
  | 'ENCODING_INVALID'
  /** An encoding credfed does not read (UTF-16). */
  | 'ENCODING_UNSUPPORTED'
  /** A quoted field is still open at the end of the file. */
  | 'QUOTE_UNTERMINATED'
  /** A row longer than the limit: usually a quote that was never closed. */
  | 'ROW_TOO_LONG'
  /** Header cells that name no known column. */
  | 'HEADER_UNKNOWN'
  /** Two header cells naming the same column. */
  | 'HEADER_DUPLICATE'
  /** Required columns are absent. */
  | 'HEADER_MISSING'
  /** The headers fit neither licences nor penalties (or both): `--kind` is needed. */
  | 'KIND_UNDETECTED';

export interface FileProblem {
  readonly code: FileProblemCode;
  readonly message: string;
  readonly line?: number;
  /** The header cells at fault, as written in the file (HEADER_* problems). */
  readonly columns?: readonly string[];
}
