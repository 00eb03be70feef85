// The small parts of `credfed import` around the CSV core: format choice,
// the progress line, and the duplicate-record table.
import { describe, expect, it } from 'vitest';
import { SeenRecords } from '../../../src/core/records/csv/seen-records.js';
import { chooseImportFormat } from '../../../src/importer/import-format.js';
import { formatProgress, ProgressBar } from '../../../src/importer/progress-line.js';

describe('chooseImportFormat', () => {
  it.each([
    ['records.ndjson', undefined, { format: 'ndjson' }],
    ['records.JSONL', undefined, { format: 'ndjson' }],
    ['行政许可.csv', undefined, { format: 'csv' }],
    ['export.CSV', undefined, { format: 'csv' }],
    ['export.txt', 'penalty', { format: 'csv', kind: 'penalty' }],
    ['export.csv', 'licence', { format: 'csv', kind: 'licence' }],
    ['export.csv', 'ndjson', { format: 'ndjson' }],
  ])('%s with --kind %s', (file, kind, format) => {
    expect(chooseImportFormat(file, kind)).toEqual({ value: format });
  });

  it.each([
    ['export.txt', undefined],
    ['export', undefined],
    ['export.csv', 'fines'],
  ])('refuses %s with --kind %s', (file, kind) => {
    expect(chooseImportFormat(file, kind).error).toContain('--kind');
  });
});

describe('progress line', () => {
  it('shows rows, rows per second, accepted, unchanged and rejected', () => {
    expect(formatProgress({ rows: 12_345, accepted: 12_300, unchanged: 0, rejected: 45 }, 1_503.6)).toBe(
      'importing: 12,345 rows (8,210 rows/s)  accepted 12,300  unchanged 0  rejected 45',
    );
    expect(formatProgress({ rows: 0, accepted: 0, unchanged: 0, rejected: 0 }, 0)).toBe(
      'importing: 0 rows (0 rows/s)  accepted 0  unchanged 0  rejected 0',
    );
  });

  it('redraws one line with a carriage return, at most every interval, and ends it once', () => {
    let now = 1_000;
    const out: string[] = [];
    const bar = new ProgressBar((t) => out.push(t), () => now, 100);
    const p = { rows: 10, accepted: 10, unchanged: 0, rejected: 0 };
    now += 1_000;
    bar.update(p);
    now += 50;
    bar.update({ ...p, rows: 20 });
    now += 60;
    bar.update({ ...p, rows: 30 });
    bar.update({ ...p, rows: 40 }, true);
    bar.done();
    bar.done();
    expect(out).toEqual([
      '\rimporting: 10 rows (10 rows/s)  accepted 10  unchanged 0  rejected 0\x1b[K',
      '\rimporting: 30 rows (27 rows/s)  accepted 10  unchanged 0  rejected 0\x1b[K',
      '\rimporting: 40 rows (36 rows/s)  accepted 10  unchanged 0  rejected 0\x1b[K',
      '\n',
    ]);
  });

  it('draws nothing, and ends nothing, when there was no progress', () => {
    const out: string[] = [];
    new ProgressBar((t) => out.push(t), () => 0).done();
    expect(out).toEqual([]);
  });
});

describe('SeenRecords', () => {
  it('returns the first line of a fingerprint met again, across growth', () => {
    const seen = new SeenRecords();
    const n = 50_000;
    for (let i = 0; i < n; i++) expect(seen.add([i * 2654435761 >>> 0, i], i + 1)).toBeUndefined();
    for (let i = 0; i < n; i += 997) expect(seen.add([i * 2654435761 >>> 0, i], 999_999)).toBe(i + 1);
    expect(seen.add([1, 0], 5)).toBeUndefined();
  });
});
