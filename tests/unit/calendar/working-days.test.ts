// Mainland China's working days (issue 9, point 3): the shipped 2024–2026
// calendar across Spring Festival, holidays and adjusted weekends; the
// 7-working-day timeliness of 双公示 reporting, "unknown" outside the
// calendar; the calendar file extending and replacing years, refused with
// the line at fault.
import { describe, expect, it } from 'vitest';
import { parseCalendarFile } from '../../../src/core/calendar/calendar-file.js';
import { CN_CALENDAR } from '../../../src/core/calendar/cn-holidays.js';
import { WorkingDayCalendar } from '../../../src/core/calendar/working-days.js';

const calendar = new WorkingDayCalendar(CN_CALENDAR);

describe('working days', () => {
  it('each shipped year cites its notice and holds the announced days', () => {
    expect(calendar.coverage().map((c) => c.year)).toEqual([2024, 2025, 2026]);
    expect(calendar.coverage().map((c) => c.source.match(/国办发明电〔\d{4}〕\d+号/)?.[0])).toEqual(['国办发明电〔2023〕7号', '国办发明电〔2024〕12号', '国办发明电〔2025〕7号']);
    expect(CN_CALENDAR.map((y) => [y.holidays.length, y.workdays.length])).toEqual([
      [28, 8],
      [28, 5],
      [33, 6],
    ]);
  });

  it.each([
    ['2024-02-04', true], // Sunday worked before the Spring Festival
    ['2024-02-09', true], // 2024: the eve is still a working day
    ['2024-02-10', false],
    ['2024-02-18', true], // Sunday worked after
    ['2025-01-28', false], // 2025: the eve is a holiday
    ['2025-05-02', false],
    ['2025-10-08', false], // National Day and Mid-Autumn together
    ['2025-10-11', true], // Saturday worked
    ['2026-02-15', false], // 2026: nine days from the 15th
    ['2026-02-28', true],
    ['2026-03-02', true], // an ordinary Monday
    ['2026-03-07', false], // an ordinary Saturday
  ])('%s is a working day: %s', (date, working) => {
    expect(calendar.isWorkingDay(date)).toBe(working);
  });

  it('counts working days across holidays and worked weekends', () => {
    // 2024: 2/9 (1), holiday 2/10–17, Sunday 2/18 worked (2), 2/19–2/23 (3–7).
    expect(calendar.workingDaysAfter('2024-02-08', 7)).toBe('2024-02-23');
    // 2025: Sunday 1/26 worked (1), 1/27 (2), holiday 1/28–2/4, 2/5–2/7 (3–5), Saturday 2/8 worked (6), Monday 2/10 (7).
    expect(calendar.workingDaysAfter('2025-01-24', 7)).toBe('2025-02-10');
    // Across a year end: 2024-12-31 (1), 2025-01-01 holiday, 1/2–1/3 (2–3), 1/6–1/9 (4–7).
    expect(calendar.workingDaysAfter('2024-12-30', 7)).toBe('2025-01-09');
    expect(calendar.workingDaysAfter('2026-12-28', 7)).toBeUndefined(); // 2027 is not covered
  });

  it('reporting is late after the 7th working day following the decision; unknown outside the calendar', () => {
    expect(calendar.timeliness('2024-02-08', '2024-02-23')).toBe('on_time');
    expect(calendar.timeliness('2024-02-08', '2024-02-24')).toBe('late');
    expect(calendar.timeliness('2025-01-24', '2025-02-10')).toBe('on_time');
    expect(calendar.timeliness('2025-01-24', '2025-02-11')).toBe('late');
    expect(calendar.timeliness('2023-12-20', '2024-01-10')).toBe('unknown');
    expect(calendar.timeliness('2023-12-20', '2023-12-27')).toBe('on_time'); // within 7 calendar days, whatever the calendar
    expect(calendar.isWorkingDay('2027-01-04')).toBeUndefined();
  });
});

describe('the calendar file', () => {
  it('adds a year and replaces one, whole', () => {
    const parsed = parseCalendarFile(`# our 2027 (example)
year 2027 国务院办公厅关于2027年部分节假日安排的通知（example）
holiday 2027-01-01
holiday 2027-02-06..2027-02-13   # Spring Festival
workday 2027-02-14

year 2026 a corrected 2026 (example)
holiday 2026-10-01..2026-10-07
`);
    expect(parsed.error).toBeUndefined();
    const extended = new WorkingDayCalendar([...CN_CALENDAR, ...parsed.value!]);
    expect(extended.coverage().map((c) => c.year)).toEqual([2024, 2025, 2026, 2027]);
    expect(extended.isWorkingDay('2027-02-08')).toBe(false);
    expect(extended.isWorkingDay('2027-02-14')).toBe(true);
    expect(extended.isWorkingDay('2026-02-16')).toBe(true); // the 2026 file replaced the shipped year
    expect(extended.workingDaysAfter('2026-12-28', 7)).toBe('2027-01-07');
  });

  it('refuses a malformed file naming the line at fault', () => {
    const parsed = parseCalendarFile(
      ['holiday 2027-01-01', 'year 27 x', 'year 2027', 'year 2027 ok', 'holiday 2027-02-30', 'workday 2027-02-10', 'holiday 2028-01-01', 'vacation 2027-03-01', 'holiday 2027-05-01 2027-05-02', 'workday 2027-02-13', 'holiday 2027-02-13', 'year 2027 again'].join('\n'),
    );
    expect(parsed.error).toEqual([
      'line 1: holiday before any "year" line',
      'line 2: "27" is not a year (2000–2099)',
      'line 3: year 2027 needs its source: the notice it comes from',
      expect.stringMatching(/^line 5: "2027-02-30": /),
      'line 6: 2027-02-10 is a weekday: a workday line names a Saturday or Sunday worked',
      'line 7: 2028-01-01 is not in year 2027 (line 4)',
      'line 8: "vacation" is not one of year, holiday, workday',
      'line 9: holiday takes one date or range (YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD)',
      'line 11: 2027-02-13 is listed both as a holiday and as a workday',
      'line 12: year 2027 is listed twice',
    ]);
  });
});
