// The CSV parsing pipeline (decoder + tokenizer + header + mapper, no store)
// streams: a ~100 MB export generated on the fly is parsed in 64 KiB chunks
// with the process's resident memory growing by far less than the file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CsvRecordParser } from '../../../src/core/records/csv/csv-record-parser.js';
import { READ_CHUNK_BYTES } from '../../../src/importer/import-file.js';
import { writeLargeLicenceCsv } from '../../fixtures/large-csv.js';

const SIZE = 100 * 1024 * 1024;
const MAX_GROWTH = 150 * 1024 * 1024;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-csv-mem-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('CSV import pipeline memory', () => {
  it('parses a 100 MB file row by row without holding it', { timeout: 120_000 }, async () => {
    const file = path.join(dir, 'licences-100mb.csv');
    const bad = new Set([10, 100_000]);
    const written = await writeLargeLicenceCsv(file, { bytes: SIZE, bad });
    expect(fs.statSync(file).size).toBeGreaterThan(SIZE * 0.95);

    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const parser = new CsvRecordParser({ originId: 'county-a', now: new Date('2026-06-01T00:00:00Z') });
    let accepted = 0;
    const rejectedLines: number[] = [];
    const count = (outcomes: ReturnType<CsvRecordParser['push']>) => {
      if (outcomes.error) throw new Error(outcomes.error.message);
      for (const o of outcomes.value) {
        if (o.record) accepted += 1;
        else rejectedLines.push(o.line);
      }
    };
    for await (const chunk of fs.createReadStream(file, { highWaterMark: READ_CHUNK_BYTES })) {
      count(parser.push(chunk as Buffer));
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    count(parser.end());

    expect(parser.rows).toBe(written);
    expect(accepted).toBe(written - bad.size);
    expect(rejectedLines).toEqual([...bad].map((i) => i + 2));
    expect(peak - baseline).toBeLessThan(MAX_GROWTH);
  });
});
