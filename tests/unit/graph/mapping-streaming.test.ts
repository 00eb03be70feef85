// importMapping streams: a mapping file of 1,000,000 rows (~48 MB, generated
// on the fly) is validated (a dry run: no store) with the process's resident
// memory growing by far less than the rows would take if held, and with the
// rejections counted all but listed up to the cap.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_LISTED_REJECTIONS } from '../../../src/importer/import-summary.js';
import { importMapping } from '../../../src/importer/mapping-import.js';
import { newRegNo, newUscc } from '../../helpers/id-codes.js';

const ROWS = 1_000_000;
const BAD_EVERY = 400; // 2,500 rejected rows: more than the summary lists
const MAX_GROWTH = 100 * 1024 * 1024;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-mapping-mem-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function writeMapping(file: string): Promise<void> {
  const out = fs.createWriteStream(file);
  const write = (text: string) => (out.write(text) ? undefined : new Promise<void>((r) => out.once('drain', () => r())));
  await write('统一社会信用代码,工商注册号,名称\n');
  let buf = '';
  for (let i = 0; i < ROWS; i++) {
    const regno = i % BAD_EVERY === 0 ? '2101' : newRegNo();
    buf += `${newUscc()},${regno},沈阳市企业${i}有限公司\n`;
    if (buf.length > 1 << 20) (await write(buf), (buf = ''));
  }
  await write(buf);
  out.end();
  await new Promise<void>((r) => out.once('close', () => r()));
}

describe('mapping import memory', () => {
  it(`validates ${ROWS.toLocaleString('en')} rows without holding them`, { timeout: 180_000 }, async () => {
    const file = path.join(dir, 'map-1m.csv');
    await writeMapping(file);
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const summary = await importMapping(undefined, file, { onProgress: () => void (peak = Math.max(peak, process.memoryUsage().rss)) });
    const bad = ROWS / BAD_EVERY;
    expect(summary).toMatchObject({ rows: ROWS, valid: ROWS - bad, rejected: bad, rejectionsNotListed: bad - MAX_LISTED_REJECTIONS });
    expect(summary.rejections).toHaveLength(MAX_LISTED_REJECTIONS);
    expect(summary.rejections[1]).toMatchObject({ line: BAD_EVERY + 2, column: '工商注册号', rule: 'length' });
    expect(peak - baseline).toBeLessThan(MAX_GROWTH);
  });
});
