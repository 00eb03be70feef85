import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { generateRecords } from '../sample/sample-records.js';
import { encodeRecord, payloadHash, timestampToIso } from '../store/repos/record-rows.js';

/**
 * Writes the COPY text of `count` generated records (the `records` table's
 * columns) to a file, so the timed COPY reads prepared input only.
 */
export async function prepareCopyFile(file: string, originId: string, count: number): Promise<void> {
  const out = fs.createWriteStream(file);
  for (let start = 0; start < count; start += 5000) {
    const lines = generateRecords({ originId, start, count: Math.min(5000, count - start) }).map((r) => {
      const payload = encodeRecord(r);
      return [
        randomUUID(),
        r.originId,
        r.recordId,
        r.version,
        r.category,
        r.status,
        r.disclosure,
        r.decisionDate,
        timestampToIso(r.reportedAt) ?? '\\N',
        originId,
        `\\\\x${payloadHash(payload).toString('hex')}`,
        `\\\\x${payload.toString('hex')}`,
      ].join('\t');
    });
    if (!out.write(`${lines.join('\n')}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

/** COPYs the prepared file into a fresh table with the `records` layout; returns seconds taken. */
export async function timeCopy(databaseUrl: string, file: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('DROP TABLE IF EXISTS copy_ceiling');
    await client.query('CREATE TABLE copy_ceiling (LIKE records INCLUDING ALL)');
    const started = process.hrtime.bigint();
    await pipeline(
      fs.createReadStream(file, { highWaterMark: 1 << 20 }),
      client.query(
        copyFrom(
          `COPY copy_ceiling (subject_id, origin_id, record_id, version, category, status, disclosure,
                              decision_date, reported_at, received_from, content_hash, payload) FROM STDIN`,
        ),
      ),
    );
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await client.query('DROP TABLE copy_ceiling');
    return seconds;
  } finally {
    await client.end();
  }
}
