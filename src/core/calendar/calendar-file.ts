/**
 * The calendar file (calendar.file): years of public holidays and adjusted
 * working days that extend or replace the shipped ones (cn-holidays.ts),
 * one statement per line:
 *
 *   # comments and blank lines are ignored
 *   year 2027 国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕N号）
 *   holiday 2027-01-01
 *   holiday 2027-02-06..2027-02-13      # a range, both ends included
 *   workday 2027-02-14                  # a Saturday or Sunday worked (调休上班)
 *
 * A year listed replaces the shipped data for that year whole. Pure: returns
 * the years, or every problem with its line number.
 */
import { err, ok, type Result } from '../result.js';
import { parseCalendarDate } from '../records/calendar-date.js';
import { days, type CalendarYear } from './cn-holidays.js';

export function parseCalendarFile(text: string): Result<CalendarYear[], string[]> {
  const problems: string[] = [];
  const years: { year: number; source: string; holidays: string[]; workdays: string[]; line: number }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const content = raw.replace(/#.*$/, '').trim();
    if (content === '') return;
    const [keyword, ...rest] = content.split(/\s+/);
    const problem = (m: string) => problems.push(`line ${line}: ${m}`);
    if (keyword === 'year') {
      const [yearText, ...source] = rest;
      const year = Number(yearText);
      if (!/^\d{4}$/.test(yearText ?? '') || year < 2000 || year > 2099) return problem(`"${yearText ?? ''}" is not a year (2000–2099)`);
      if (source.length === 0) return problem(`year ${year} needs its source: the notice it comes from`);
      if (years.some((y) => y.year === year)) return problem(`year ${year} is listed twice`);
      years.push({ year, source: source.join(' '), holidays: [], workdays: [], line });
      return;
    }
    if (keyword !== 'holiday' && keyword !== 'workday') return problem(`"${keyword}" is not one of year, holiday, workday`);
    const current = years.at(-1);
    if (!current) return problem(`${keyword} before any "year" line`);
    if (rest.length !== 1) return problem(`${keyword} takes one date or range (YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD)`);
    const dates = expand(rest[0]!);
    if (typeof dates === 'string') return problem(dates);
    for (const date of dates) {
      if (Number(date.slice(0, 4)) !== current.year) return problem(`${date} is not in year ${current.year} (line ${current.line})`);
      const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
      if (keyword === 'workday' && weekday !== 0 && weekday !== 6) return problem(`${date} is a weekday: a workday line names a Saturday or Sunday worked`);
      const other = keyword === 'holiday' ? current.workdays : current.holidays;
      if (other.includes(date)) return problem(`${date} is listed both as a holiday and as a workday`);
      (keyword === 'holiday' ? current.holidays : current.workdays).push(date);
    }
  });
  return problems.length > 0 ? err(problems) : ok(years.map(({ year, source, holidays, workdays }) => ({ year, source, holidays, workdays })));
}

/** The dates a "YYYY-MM-DD" or "YYYY-MM-DD..YYYY-MM-DD" names, or what is wrong with it. */
function expand(text: string): string[] | string {
  const [from, to, ...more] = text.split('..');
  if (more.length > 0) return `"${text}" is not a date or a range`;
  for (const d of [from, to]) {
    if (d === undefined) continue;
    const parsed = parseCalendarDate(d);
    if (parsed.error) return `"${d}": ${parsed.error}`;
  }
  if (to === undefined) return [from!];
  if (to < from!) return `range ${text} ends before it starts`;
  const out = days(from!, to);
  if (out.length > 31) return `range ${text} is longer than 31 days`;
  return out;
}
