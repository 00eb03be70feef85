// `credfed calendar check|show` through the real binary: a good file and a
// malformed one (every problem with its line, exit 1), the shipped coverage,
// a date's working-day status and reporting deadline, a file's years added.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credfed } from '../helpers/cli-run.js';

let dir: string;
let good: string;
let bad: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-calendar-cli-'));
  good = path.join(dir, 'calendar-2027.txt');
  fs.writeFileSync(good, 'year 2027 example notice\nholiday 2027-01-01\nholiday 2027-02-06..2027-02-13\nworkday 2027-02-14\n');
  bad = path.join(dir, 'bad.txt');
  fs.writeFileSync(bad, 'year 2027 example\nholiday 2027-02-30\nworkday 2027-02-10\n');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('credfed calendar', () => {
  it.each(['calendar check', 'calendar show'])('%s --help exits 0 with EXAMPLES', async (cmd) => {
    const r = await credfed([...cmd.split(' '), '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('EXAMPLES');
  });

  it('check: a good file, then a malformed one refused line by line', async () => {
    const ok = await credfed(['calendar', 'check', good]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toBe(`${good}: good: 2027 (9 holidays, 1 worked weekend days)\n`);
    const refused = await credfed(['calendar', 'check', bad]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`${bad}: line 2: "2027-02-30": `));
    expect(refused.stderr).toContain(`${bad}: line 3: 2027-02-10 is a weekday`);
    expect((await credfed(['calendar', 'check', path.join(dir, 'missing.txt')])).code).toBe(1);
  });

  it('show: coverage with sources, a date and its reporting deadline, a file added', async () => {
    const coverage = await credfed(['calendar', 'show']);
    expect(coverage.code, coverage.stderr).toBe(0);
    expect(coverage.stdout).toContain('2025  国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号');
    const day = await credfed(['calendar', 'show', '--date', '2025-01-24']);
    expect(day.stdout).toBe('2025-01-24 is a working day; a 双公示 record decided on it is due by 2025-02-10\n');
    const outside = await credfed(['calendar', 'show', '--date', '2027-02-05']);
    expect(outside.stdout).toBe('2027-02-05 is not covered by the calendar; a 双公示 record decided on it is due by unknown (the calendar does not cover the days after it)\n');
    const added = await credfed(['calendar', 'show', '--file', good, '--date', '2027-02-05']);
    expect(added.stdout).toBe('2027-02-05 is a working day; a 双公示 record decided on it is due by 2027-02-22\n');
    const refused = await credfed(['calendar', 'show', '--file', bad]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('CONFIG_INVALID');
    expect((await credfed(['calendar', 'show', '--date', '2025-13-01'])).code).toBe(2);
  });
});
