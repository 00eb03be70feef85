/**
 * A mapping file of legacy codes to USCCs, fed as bytes in chunks of any
 * size, turned into rows (../records/csv/headered-csv.ts: UTF-8 ± BOM or
 * GB18030, detected or forced): the header row (./mapping-header.ts), then
 * each data row (./mapping-row.ts). Pure: no I/O.
 */
import type { CsvEncoding } from '../records/csv/byte-decoder.js';
import type { CsvRow } from '../records/csv/csv-tokenizer.js';
import { HeaderedCsv } from '../records/csv/headered-csv.js';
import { recognizeMappingHeader, type MappingHeader } from './mapping-header.js';
import { mapMappingRow, type MappingRow, type MappingRowProblem } from './mapping-row.js';

/** What became of one data row: its mapping, or why it was rejected. The row's fields are kept for error reports. */
export type MappingRowOutcome =
  | { readonly line: number; readonly fields: readonly string[]; readonly row: MappingRow; readonly problem?: undefined }
  | { readonly line: number; readonly fields: readonly string[]; readonly problem: MappingRowProblem; readonly row?: undefined };

/** A mapping file's rows (./headered-csv.ts with the mapping header and row rules). */
export class MappingParser extends HeaderedCsv<MappingHeader, MappingRowOutcome> {
  constructor(encoding?: CsvEncoding) {
    super({ recognize: recognizeMappingHeader, outcome: mappingOutcome }, encoding);
  }
}

function mappingOutcome(header: MappingHeader, { line, fields }: CsvRow): MappingRowOutcome {
  const mapped = mapMappingRow(header, fields);
  return mapped.error ? { line, fields, problem: mapped.error } : { line, fields, row: mapped.value };
}
