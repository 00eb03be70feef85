/**
 * The ceiling of `bench:sync`: what PostgreSQL itself takes when the same
 * records are bulk-loaded with COPY, prepared beforehand so only the load is
 * timed. Two ceilings: the `records` table alone, and every table a received
 * record is written to (records, subjects, subject_identifiers — the rows
 * sync writes for the same records, with the same columns and indexes).
 */
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { ownEndsOn, severityOf } from '../core/lifecycle/publicity.js';
import { validateRecord } from '../core/records/validate-record.js';
import { generateRecords } from '../sample/sample-records.js';
import { encodeRecord, payloadHash, timestampToIso } from '../store/repos/record-rows.js';
import type { PersonsProtection } from '../persons/persons-protection.js';
import { protectedRecord } from './bench-persons.js';

/** COPY input for each table, one file per table. */
export interface CopyFiles {
  readonly records: string;
  readonly subjects: string;
  readonly identifiers: string;
}

const RECORD_COLUMNS = `subject_id, origin_id, record_id, version, category, status, disclosure,
                        decision_date, reported_at, received_from, content_hash, payload, severity, ends_on`;
const TABLES = {
  records: { like: 'records', columns: RECORD_COLUMNS },
  subjects: { like: 'subjects', columns: 'subject_id, kind, name, name_source' },
  identifiers: { like: 'subject_identifiers', columns: 'scheme, value, subject_id, source' },
} as const;

/** COPY text escaping of one text value. */
const text = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');

/**
 * Writes the COPY text of `count` generated records (as the receiver stores
 * them: identifiers normalised, natural persons pseudonymised; one subject
 * per set of shared identifiers) to
 * three files in `dir`.
 */
export async function prepareCopyFiles(dir: string, originId: string, count: number, protection: PersonsProtection): Promise<CopyFiles> {
  const files: CopyFiles = {
    records: path.join(dir, 'copy-records.txt'),
    subjects: path.join(dir, 'copy-subjects.txt'),
    identifiers: path.join(dir, 'copy-identifiers.txt'),
  };
  const out = {
    records: fs.createWriteStream(files.records),
    subjects: fs.createWriteStream(files.subjects),
    identifiers: fs.createWriteStream(files.identifiers),
  };
  const subjectOf = new Map<string, string>();
  for (let start = 0; start < count; start += 5000) {
    const lines = { records: [] as string[], subjects: [] as string[], identifiers: [] as string[] };
    for (const generated of generateRecords({ originId, start, count: Math.min(5000, count - start) })) {
      const r = protectedRecord(validateRecord(generated, { requireVersion: true }).value!, protection);
      const ids = r.subject!.identifiers;
      let subjectId = ids.map((id) => subjectOf.get(`${id.scheme}:${id.value}`)).find((s) => s !== undefined);
      if (!subjectId) {
        subjectId = randomUUID();
        lines.subjects.push([subjectId, r.subject!.kind, text(r.subject!.name), text(originId)].join('\t'));
      }
      for (const id of ids) {
        const key = `${id.scheme}:${id.value}`;
        if (subjectOf.has(key)) continue;
        subjectOf.set(key, subjectId);
        lines.identifiers.push([id.scheme, text(id.value), subjectId, text(originId)].join('\t'));
      }
      const payload = encodeRecord(r);
      lines.records.push(
        [
          subjectId,
          text(r.originId),
          text(r.recordId),
          r.version,
          r.category,
          r.status,
          r.disclosure,
          r.decisionDate,
          timestampToIso(r.reportedAt) ?? '\\N',
          text(originId),
          `\\\\x${payloadHash(payload).toString('hex')}`,
          `\\\\x${payload.toString('hex')}`,
          severityOf(r),
          ownEndsOn(r) ?? '\\N',
        ].join('\t'),
      );
    }
    for (const table of Object.keys(out) as (keyof CopyFiles)[]) {
      if (lines[table].length === 0) continue;
      if (!out[table].write(`${lines[table].join('\n')}\n`)) await new Promise<void>((r) => out[table].once('drain', () => r()));
    }
  }
  await Promise.all(
    Object.values(out).map((s) => new Promise<void>((resolve, reject) => s.end((e?: Error | null) => (e ? reject(e) : resolve())))),
  );
  return files;
}

/**
 * COPYs the prepared files into fresh tables with the layouts of the store's
 * tables (columns and indexes), one after another on one connection; returns
 * the seconds the `records` table took and the seconds all three took.
 */
export async function timeCopy(databaseUrl: string, files: CopyFiles): Promise<{ recordsTable: number; allTables: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const seconds: Partial<Record<keyof CopyFiles, number>> = {};
  try {
    for (const [table, { like, columns }] of Object.entries(TABLES) as [keyof CopyFiles, (typeof TABLES)[keyof CopyFiles]][]) {
      await client.query(`DROP TABLE IF EXISTS copy_ceiling_${table}`);
      await client.query(`CREATE TABLE copy_ceiling_${table} (LIKE ${like} INCLUDING ALL)`);
      const started = process.hrtime.bigint();
      await pipeline(
        fs.createReadStream(files[table], { highWaterMark: 1 << 20 }),
        client.query(copyFrom(`COPY copy_ceiling_${table} (${columns}) FROM STDIN`)),
      );
      seconds[table] = Number(process.hrtime.bigint() - started) / 1e9;
      await client.query(`DROP TABLE copy_ceiling_${table}`);
    }
  } finally {
    await client.end();
  }
  return { recordsTable: seconds.records!, allTables: seconds.records! + seconds.subjects! + seconds.identifiers! };
}
