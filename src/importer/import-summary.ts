import type { ErrorCode } from '../core/errors.js';

/** One rejected line of an import file. */
export interface LineRejection {
  /** Physical line (1-based) where the rejected row or JSON line starts. */
  readonly line: number;
  /** CSV: the column's header as written in the file; NDJSON: the record field. Empty when the whole line is at fault. */
  readonly column: string;
  /** NDJSON: the record field (the same as `column`). */
  readonly field?: string;
  readonly reason: ErrorCode;
  readonly message: string;
}

/** The outcome of one import. */
export interface ImportSummary {
  readonly file: string;
  readonly format: 'csv' | 'ndjson';
  /** CSV: licence or penalty, given or detected from the headers. */
  readonly kind?: 'licence' | 'penalty';
  /** CSV: the encoding, given or detected. */
  readonly encoding?: 'utf8' | 'gb18030';
  /** Physical lines read. */
  readonly lines: number;
  /** Data rows (CSV) or non-blank lines (NDJSON). */
  readonly rows: number;
  readonly accepted: number;
  readonly unchanged: number;
  readonly rejected: number;
  /** The first {@link MAX_LISTED_REJECTIONS} rejections; `--errors FILE` has them all. */
  readonly rejections: readonly LineRejection[];
  /** Rejections beyond those listed. */
  readonly rejectionsNotListed: number;
  /** CSV: unknown columns left out with --ignore-unknown-columns. */
  readonly ignoredColumns?: readonly string[];
}

/** Counts while an import runs; accepted and unchanged count committed records only. */
export interface ImportProgress {
  readonly rows: number;
  readonly accepted: number;
  readonly unchanged: number;
  readonly rejected: number;
}

/** Rejections listed in the summary at most: memory must not grow with the file. */
export const MAX_LISTED_REJECTIONS = 1000;

/** The rejections of one import: counted all, listed up to a limit. */
export class RejectionLog {
  readonly listed: LineRejection[] = [];
  count = 0;

  add(rejection: LineRejection): void {
    this.count += 1;
    if (this.listed.length < MAX_LISTED_REJECTIONS) this.listed.push(rejection);
  }

  get notListed(): number {
    return this.count - this.listed.length;
  }
}
