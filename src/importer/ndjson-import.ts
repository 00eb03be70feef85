import readline from 'node:readline';
import { pushPartnerIds, type NodeConfig } from '../config/node-config.js';
import type { Clock } from '../core/clock.js';
import { parseRecordJson } from '../core/records/parse-record-json.js';
import type { PersonsProtection } from '../persons/persons-protection.js';
import type { Store } from '../store/store.js';
import { ChunkWriter } from './chunk-writer.js';
import type { ErrorsFile } from './errors-file.js';
import { ImportRefused } from './import-refused.js';
import { openImportFile } from './import-file.js';
import { RejectionLog, type ImportProgress, type ImportSummary, type LineRejection } from './import-summary.js';

export type { ImportProgress, ImportSummary, LineRejection } from './import-summary.js';

export interface NdjsonImportOptions {
  readonly clock: Clock;
  /** Receives every rejected line as it is found (the original line as its one field). */
  readonly errors?: ErrorsFile;
  /** Called after every commit. */
  readonly onProgress?: (p: ImportProgress) => void;
  /** Natural persons' protection (loadPersonsProtection); without it a clear identity number is refused. */
  readonly persons?: PersonsProtection;
}

/**
 * Imports an NDJSON file of credit records at this node (their origin).
 * Each chunk of lines is one transaction: records, new versions and their
 * outbox rows are written together or not at all. Re-importing the same file
 * changes nothing; a changed line becomes a new version. Blank lines are
 * skipped; a file without any record line is refused as empty.
 */
export async function importNdjson(store: Store, config: NodeConfig, file: string, opts: NdjsonImportOptions): Promise<ImportSummary> {
  const input = await openImportFile(file);
  input.setEncoding('utf8');
  const writer = new ChunkWriter(store, pushPartnerIds(config), opts.persons);
  const rejections = new RejectionLog();
  const now = opts.clock.now();
  await opts.errors?.header(['原始行']);
  let lines = 0;
  let rows = 0;
  try {
    for await (const raw of readline.createInterface({ input, crlfDelay: Infinity })) {
      lines += 1;
      const text = (lines === 1 ? raw.replace(/^\uFEFF/, '') : raw).trim();
      if (text === '') continue;
      rows += 1;
      const parsed = parseRecordJson(text, config.nodeId, now);
      const committed = writer.accepted + writer.unchanged;
      const problem = parsed.error ?? (await writer.add(parsed.value));
      if (problem) {
        const { field, reason, message } = problem;
        const rejection: LineRejection = { line: lines, column: field, field, reason, message };
        rejections.add(rejection);
        await opts.errors?.add(rejection, [raw]);
        continue;
      }
      if (writer.accepted + writer.unchanged !== committed) {
        opts.onProgress?.({ rows, accepted: writer.accepted, unchanged: writer.unchanged, rejected: rejections.count });
      }
    }
    await writer.flush();
  } finally {
    input.destroy();
  }
  if (rows === 0) throw new ImportRefused(file, { code: 'FILE_EMPTY', message: 'the file is empty' });
  opts.onProgress?.({ rows, accepted: writer.accepted, unchanged: writer.unchanged, rejected: rejections.count });
  return {
    file,
    format: 'ndjson',
    lines,
    rows,
    accepted: writer.accepted,
    unchanged: writer.unchanged,
    rejected: rejections.count,
    rejections: rejections.listed,
    rejectionsNotListed: rejections.notListed,
  };
}
