import { err, ok, type Result } from '../../result.js';
import {
  COLUMNS,
  CSV_KINDS,
  HEADER_INDEX,
  normalizeHeader,
  REQUIRED,
  standardHeader,
  SUBJECT_ID_COLUMNS,
  type ColumnKey,
  type CsvKind,
} from './csv-columns.js';
import type { FileProblem } from './file-problem.js';

/** A column found in the header row: its 0-based position and its header as written. */
export interface FoundColumn {
  readonly index: number;
  readonly header: string;
}

/** A recognised header row. */
export interface CsvHeader {
  readonly kind: CsvKind;
  /** The header cells as written (trimmed), one per column. */
  readonly cells: readonly string[];
  readonly columns: ReadonlyMap<ColumnKey, FoundColumn>;
  /** Unknown header cells left out (with `ignoreUnknownColumns`). */
  readonly ignored: readonly string[];
}

export interface HeaderOptions {
  /** The kind of file, when known; otherwise detected from the headers. */
  readonly kind?: CsvKind;
  /** Leave unknown columns out instead of refusing the file. */
  readonly ignoreUnknownColumns?: boolean;
}

const OTHER: Readonly<Record<CsvKind, CsvKind>> = { licence: 'penalty', penalty: 'licence' };

/**
 * Recognises the header row of a 双公示 export: decides the kind (unless
 * given) from the columns only one kind has, and maps every cell to a
 * column. Refuses unknown cells (unless ignored), two cells naming one
 * column, and missing required columns, naming them all. Pure.
 */
export function recognizeHeader(cellsAsWritten: readonly string[], line: number, opts: HeaderOptions = {}): Result<CsvHeader, FileProblem> {
  const cells = cellsAsWritten.map((c) => c.trim());
  const normalized = cells.map(normalizeHeader);
  const kind = opts.kind ?? detectKind(cells, normalized, line);
  if (typeof kind !== 'string') return err(kind);
  const index = HEADER_INDEX[kind];
  const columns = new Map<ColumnKey, FoundColumn>();
  const unknown: string[] = [];
  const unknownCells: string[] = [];
  const duplicates: string[] = [];
  const duplicateCells: string[] = [];
  cells.forEach((header, i) => {
    const key = index.get(normalized[i]!);
    if (!key) {
      unknownCells.push(header);
      const otherKind = OTHER[kind];
      const hint = HEADER_INDEX[otherKind].has(normalized[i]!) ? `, a ${otherKind} column` : '';
      unknown.push(header === '' ? `column ${i + 1} has no header` : `"${header}" (column ${i + 1}${hint})`);
      return;
    }
    const first = columns.get(key);
    if (first) {
      duplicateCells.push(first.header, header);
      duplicates.push(`"${first.header}" (column ${first.index + 1}) and "${header}" (column ${i + 1}) both name ${standardHeader(kind, key)}`);
      return;
    }
    columns.set(key, { index: i, header });
  });
  if (unknown.length > 0 && !opts.ignoreUnknownColumns) {
    return err({
      code: 'HEADER_UNKNOWN',
      line,
      columns: unknownCells,
      message: `unknown ${kind} columns on line ${line}: ${unknown.join('; ')}. Use the standard headers (see README), or give --ignore-unknown-columns to leave them out`,
    });
  }
  if (duplicates.length > 0) {
    return err({ code: 'HEADER_DUPLICATE', line, columns: duplicateCells, message: `duplicated columns on line ${line}: ${duplicates.join('; ')}` });
  }
  const missing = REQUIRED[kind].filter((key) => !columns.has(key)).map((key) => standardHeader(kind, key));
  if (!SUBJECT_ID_COLUMNS.some((key) => columns.has(key))) {
    missing.push(`an identifier column (one of ${SUBJECT_ID_COLUMNS.map((key) => standardHeader(kind, key)).join(', ')})`);
  }
  if (missing.length > 0) {
    return err({ code: 'HEADER_MISSING', line, columns: missing, message: `required ${kind} columns missing on line ${line}: ${missing.join(', ')}` });
  }
  return ok({ kind, cells, columns, ignored: unknownCells });
}

/** The kind whose own columns (those the other kind does not have) appear, or the problem. */
function detectKind(cells: readonly string[], normalized: readonly string[], line: number): CsvKind | FileProblem {
  const own = (kind: CsvKind): string[] =>
    cells.filter((_, i) => HEADER_INDEX[kind].has(normalized[i]!) && !HEADER_INDEX[OTHER[kind]].has(normalized[i]!));
  const found = CSV_KINDS.map((kind) => ({ kind, cells: own(kind) })).filter((k) => k.cells.length > 0);
  if (found.length === 1) return found[0]!.kind;
  const ask = 'give --kind licence or --kind penalty';
  if (found.length === 0) {
    const examples = CSV_KINDS.map((kind) => `${standardHeader(kind, REQUIRED[kind][2]!)} for ${kind}s`).join(', ');
    return {
      code: 'KIND_UNDETECTED',
      line,
      message: `cannot tell licences from penalties: the headers on line ${line} have no column of either kind (such as ${examples}); ${ask}`,
    };
  }
  const listed = found.map((k) => `${k.kind} columns ${k.cells.map((c) => `"${c}"`).join(', ')}`).join(' and ');
  return { code: 'KIND_UNDETECTED', line, columns: found.flatMap((k) => k.cells), message: `the headers on line ${line} mix ${listed}; ${ask}` };
}

/** Every standard header of a kind, for messages and documentation. */
export function standardHeaders(kind: CsvKind): string[] {
  return COLUMNS[kind].map((d) => d.header);
}
