/**
 * The header row of a mapping file of legacy codes to USCCs (issue 5 point 3,
 * README "Mapping legacy codes"): which column holds the USCC, which the
 * legacy codes and which the name. Headers are matched trimmed, in Chinese or
 * English, whatever their case (and full-width forms, spaces and underscores
 * do not matter). Unknown columns are left out, not refused. Pure: no I/O.
 */
import { normalizeHeader } from '../records/csv/csv-columns.js';
import type { FileProblem } from '../records/csv/file-problem.js';
import type { FoundColumn } from '../records/csv/recognize-header.js';
import { err, ok, type Result } from '../result.js';

/** What a column of a mapping file holds. `legacy`: an organisation code or a registration number, detected per cell. */
export type MappingColumnKey = 'uscc' | 'org' | 'regno' | 'legacy' | 'name';

/** The headers accepted for each column; the first is the one messages name. */
export const MAPPING_HEADERS: Readonly<Record<MappingColumnKey, readonly string[]>> = {
  uscc: ['统一社会信用代码', 'uscc'],
  org: ['组织机构代码', 'org_code', 'org'],
  regno: ['工商注册号', '注册号', 'regno', 'registration_number'],
  legacy: ['原代码', '旧代码', 'legacy', 'legacy_code'],
  name: ['名称', '企业名称', 'name'],
};

/** The legacy-code columns, in the order a row's codes are taken. */
export const LEGACY_COLUMNS = ['org', 'regno', 'legacy'] as const satisfies readonly MappingColumnKey[];

// normalizeHeader drops underscores, so `org_code` and `orgcode` are one header.
const INDEX: ReadonlyMap<string, MappingColumnKey> = new Map(
  (Object.entries(MAPPING_HEADERS) as [MappingColumnKey, readonly string[]][]).flatMap(([key, names]) =>
    names.map((name) => [normalizeHeader(name), key] as const),
  ),
);

/** A recognised mapping header row. */
export interface MappingHeader {
  /** The header cells as written (trimmed), one per column. */
  readonly cells: readonly string[];
  readonly columns: ReadonlyMap<MappingColumnKey, FoundColumn>;
  /** Header cells that name no known column: their columns are left out. */
  readonly ignored: readonly string[];
}

const standard = (key: MappingColumnKey): string => MAPPING_HEADERS[key][0]!;

/**
 * Recognises the header row found on `line`. Refuses two cells naming one
 * column, a missing USCC column and a file without any legacy-code column,
 * naming what is missing.
 */
export function recognizeMappingHeader(cellsAsWritten: readonly string[], line: number): Result<MappingHeader, FileProblem> {
  const cells = cellsAsWritten.map((c) => c.trim());
  const columns = new Map<MappingColumnKey, FoundColumn>();
  const ignored: string[] = [];
  const duplicates: string[] = [];
  const duplicateCells: string[] = [];
  cells.forEach((header, index) => {
    const key = INDEX.get(normalizeHeader(header));
    if (!key) return void ignored.push(header === '' ? `(column ${index + 1}, no header)` : header);
    const first = columns.get(key);
    if (first) {
      duplicateCells.push(first.header, header);
      duplicates.push(`"${first.header}" (column ${first.index + 1}) and "${header}" (column ${index + 1}) both name ${standard(key)}`);
      return;
    }
    columns.set(key, { index, header });
  });
  if (duplicates.length > 0) {
    return err({ code: 'HEADER_DUPLICATE', line, columns: duplicateCells, message: `duplicated columns on line ${line}: ${duplicates.join('; ')}` });
  }
  const missing: string[] = [];
  if (!columns.has('uscc')) missing.push(`${standard('uscc')} (or uscc)`);
  if (!LEGACY_COLUMNS.some((key) => columns.has(key))) {
    missing.push(`a legacy-code column (one of ${LEGACY_COLUMNS.map(standard).join(', ')}; or org_code, regno, legacy_code)`);
  }
  if (missing.length > 0) {
    return err({ code: 'HEADER_MISSING', line, columns: missing, message: `required mapping columns missing on line ${line}: ${missing.join(', ')}` });
  }
  return ok({ cells, columns, ignored });
}
