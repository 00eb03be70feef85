import path from 'node:path';
import { CSV_KINDS, type CsvKind } from '../core/records/csv/csv-columns.js';
import { err, ok, type Result } from '../core/result.js';

/** What `--kind` may say. */
export const IMPORT_KINDS = [...CSV_KINDS, 'ndjson'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export type ImportFormat = { readonly format: 'ndjson' } | { readonly format: 'csv'; readonly kind?: CsvKind };

/**
 * The format of an import file: from `--kind` when given, else from the
 * file name (.ndjson or .jsonl → NDJSON; .csv → CSV, its kind detected from
 * its headers). Anything else needs `--kind`.
 */
export function chooseImportFormat(file: string, kind: string | undefined): Result<ImportFormat, string> {
  if (kind !== undefined) {
    if (!(IMPORT_KINDS as readonly string[]).includes(kind)) return err(`--kind must be one of ${IMPORT_KINDS.join(', ')}, not "${kind}"`);
    return ok(kind === 'ndjson' ? { format: 'ndjson' } : { format: 'csv', kind: kind as CsvKind });
  }
  const ext = path.extname(file).toLowerCase();
  if (ext === '.ndjson' || ext === '.jsonl') return ok({ format: 'ndjson' });
  if (ext === '.csv') return ok({ format: 'csv' });
  return err(`cannot tell the format of ${file} from its name: give --kind licence, penalty or ndjson`);
}
