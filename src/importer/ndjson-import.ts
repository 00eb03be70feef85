import fs from 'node:fs';
import readline from 'node:readline';
import type { NodeConfig } from '../config/node-config.js';
import type { Clock } from '../core/clock.js';
import { CredfedError } from '../core/errors.js';
import { parseRecordJson } from '../core/records/parse-record-json.js';
import type { CreditRecord } from '../gen/credfed/v1/record.js';
import { applyRecords } from '../store/repos/apply-records.js';
import type { Store } from '../store/store.js';

export interface LineRejection {
  readonly line: number;
  readonly reason: string;
  readonly field: string;
  readonly message: string;
}

export interface ImportSummary {
  readonly file: string;
  readonly lines: number;
  readonly accepted: number;
  readonly unchanged: number;
  readonly rejected: number;
  readonly rejections: readonly LineRejection[];
}

export interface ImportProgress {
  readonly lines: number;
  readonly accepted: number;
  readonly unchanged: number;
  readonly rejected: number;
}

const CHUNK = 1000;

/**
 * Imports an NDJSON file of credit records at this node (their origin).
 * Each chunk of lines is one transaction: records, new versions and their
 * outbox rows are written together or not at all. Re-importing the same file
 * changes nothing; a changed line becomes a new version. Blank lines are skipped.
 */
export async function importNdjson(
  store: Store,
  config: NodeConfig,
  file: string,
  opts: { clock: Clock; onProgress?: (p: ImportProgress) => void },
): Promise<ImportSummary> {
  let input: fs.ReadStream;
  try {
    await fs.promises.access(file, fs.constants.R_OK);
    input = fs.createReadStream(file, { encoding: 'utf8' });
  } catch {
    throw new CredfedError('NOT_FOUND', `cannot read ${file}`);
  }
  const outboxPartners = config.partners.filter((p) => p.push).map((p) => p.id);
  const rejections: LineRejection[] = [];
  let lines = 0;
  let accepted = 0;
  let unchanged = 0;
  let chunk: CreditRecord[] = [];
  const flush = async () => {
    if (chunk.length === 0) return;
    const records = chunk;
    chunk = [];
    const outcomes = await store.transaction((tx) => applyRecords(tx, records, { receivedFrom: 'local', assignVersions: true, outboxPartners }));
    for (const o of outcomes) o === 'accepted' ? accepted++ : unchanged++;
    opts.onProgress?.({ lines, accepted, unchanged, rejected: rejections.length });
  };
  for await (const raw of readline.createInterface({ input, crlfDelay: Infinity })) {
    lines += 1;
    const text = (lines === 1 ? raw.replace(/^\uFEFF/, '') : raw).trim();
    if (text === '') continue;
    const parsed = parseRecordJson(text, config.nodeId, opts.clock.now());
    if (parsed.error) rejections.push({ line: lines, ...parsed.error });
    else chunk.push(parsed.value);
    if (chunk.length >= CHUNK) await flush();
  }
  await flush();
  return { file, lines, accepted, unchanged, rejected: rejections.length, rejections };
}
