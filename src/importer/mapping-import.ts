import path from 'node:path';
import { MappingParser, type MappingRowOutcome } from '../core/graph/mapping-parser.js';
import type { MappingRule } from '../core/graph/mapping-row.js';
import type { CsvEncoding } from '../core/records/csv/byte-decoder.js';
import type { FileProblem } from '../core/records/csv/file-problem.js';
import type { Result } from '../core/result.js';
import type { Queryable } from '../store/repos/queryable.js';
import type { Store } from '../store/store.js';
import type { ErrorsFile } from './errors-file.js';
import { ImportRefused } from './import-refused.js';
import { openImportFile } from './import-file.js';
import { RejectionLog, type ImportProgress, type LineRejection } from './import-summary.js';
import { MappingWriter } from './mapping-writer.js';

export interface MappingImportOptions {
  /** Forces the encoding; detected when not given. */
  readonly encoding?: CsvEncoding;
  /** Receives every rejected row (and a refusal) as it is found. */
  readonly errors?: ErrorsFile;
  /** Called after every chunk read and every commit (accepted: rows linked; unchanged: rows already linked or held). */
  readonly onProgress?: (p: ImportProgress) => void;
}

/** A rejected row: the line, the column, IMPORT_LINE_INVALID, and the rule that failed. */
export interface MappingRejection extends LineRejection {
  readonly rule: MappingRule;
}

/** The outcome of one mapping import (or of a dry run, without a store: nothing applied, no graph counts). */
export interface MappingSummary {
  readonly file: string;
  readonly encoding: CsvEncoding | undefined;
  readonly dryRun: boolean;
  /** Physical lines read. */
  readonly lines: number;
  /** Data rows (blank lines and the header excluded). */
  readonly rows: number;
  /** Valid rows (a dry run stops here). */
  readonly valid: number;
  /** Rows that changed the graph: a link added or subjects merged. */
  readonly linked: number;
  /** Rows whose codes were all one subject's already. */
  readonly unchanged: number;
  /** Rows whose evidence contradicts the graph: queued for review, not applied (`credfed ids conflicts`). */
  readonly held: number;
  readonly rejected: number;
  /** Subjects that became aliases of another one during the import. */
  readonly merged: number;
  /** Conflicts added to the review queue during the import. */
  readonly conflictsQueued: number;
  /** The first rejections; `--errors FILE` has them all. */
  readonly rejections: readonly MappingRejection[];
  readonly rejectionsNotListed: number;
  /** Header cells naming no known column: left out. */
  readonly ignoredColumns: readonly string[];
}

/**
 * Imports a mapping file of legacy codes to USCCs (README "Mapping legacy
 * codes"), streaming: read in 64 KiB chunks, decoded and parsed row by row
 * (src/core/graph/mapping-parser.ts), valid rows applied to the identifier
 * graph in transactions of 1000 rows (./mapping-writer.ts). Records already
 * stored under a legacy code are found through the USCC from then on, without
 * being imported again. Re-importing the file changes nothing. Without a
 * store (a dry run) the rows are only validated. A file refused as a whole
 * (ImportRefused) keeps the chunks committed before.
 */
export async function importMapping(store: Store | undefined, file: string, opts: MappingImportOptions = {}): Promise<MappingSummary> {
  const input = await openImportFile(file);
  const base = path.basename(file);
  const parser = new MappingParser(opts.encoding);
  const writer = store ? new MappingWriter(store, base) : undefined;
  const rejections = new RejectionLog();
  let valid = 0;
  const progress = () =>
    opts.onProgress?.({
      rows: parser.rows,
      accepted: writer?.linked ?? valid,
      unchanged: (writer?.unchanged ?? 0) + (writer?.held ?? 0),
      rejected: rejections.count,
    });

  const handle = async (result: Result<MappingRowOutcome[], FileProblem>): Promise<void> => {
    if (result.error) throw new ImportRefused(file, result.error);
    if (parser.header) await opts.errors?.header(parser.header.cells);
    for (const outcome of result.value) {
      if (outcome.row) {
        valid += 1;
        const before = writer?.applied;
        await writer?.add({ row: outcome.row, line: outcome.line });
        if (writer && writer.applied !== before) progress();
        continue;
      }
      const { column, rule, message } = outcome.problem;
      const rejection: MappingRejection = { line: outcome.line, column, reason: 'IMPORT_LINE_INVALID', rule, message };
      rejections.add(rejection);
      await opts.errors?.add(rejection, outcome.fields);
    }
  };

  const before = store ? await graphCounts(store) : undefined;
  try {
    for await (const chunk of input) {
      await handle(parser.push(chunk as Buffer));
      progress();
    }
    await handle(parser.end());
    await writer?.flush();
    progress();
  } finally {
    input.destroy();
  }
  const after = store ? await graphCounts(store) : undefined;
  return {
    file,
    encoding: parser.encoding,
    dryRun: !store,
    lines: parser.lines,
    rows: parser.rows,
    valid,
    linked: writer?.linked ?? 0,
    unchanged: writer?.unchanged ?? 0,
    held: writer?.held ?? 0,
    rejected: rejections.count,
    merged: before && after ? after.aliases - before.aliases : 0,
    conflictsQueued: before && after ? after.conflicts - before.conflicts : 0,
    rejections: rejections.listed as MappingRejection[],
    rejectionsNotListed: rejections.notListed,
    ignoredColumns: parser.header?.ignored ?? [],
  };
}

/**
 * Aliases and queued conflicts in the store. Counted before and after an
 * import: a writer working at the same time (a gateway receiving records)
 * adds its own to the difference.
 */
async function graphCounts(q: Queryable): Promise<{ aliases: number; conflicts: number }> {
  const { rows } = await q.query<{ aliases: string; conflicts: string }>(
    `SELECT (SELECT count(*) FROM subject_aliases) AS aliases, (SELECT count(*) FROM identifier_conflicts) AS conflicts`,
  );
  return { aliases: Number(rows[0]!.aliases), conflicts: Number(rows[0]!.conflicts) };
}
