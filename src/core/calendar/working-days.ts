/**
 * Working days in mainland China and the timeliness of 双公示 reporting
 * (issue 9, point 3; DESIGN.md 2.3): a licence or penalty is late when its
 * reported-at date (Asia/Shanghai) is after the 7th working day following
 * its decision date. A date in a year the calendar does not cover has no
 * answer ("unknown"), never a guess. Pure.
 */
import type { CalendarYear } from './cn-holidays.js';

/** Working days after the decision date within which a 双公示 record must be reported (国发〔2016〕33号). */
export const REPORTING_WORKING_DAYS = 7;

export type Timeliness = 'on_time' | 'late' | 'unknown';

export class WorkingDayCalendar {
  private readonly years = new Map<number, { holidays: ReadonlySet<string>; workdays: ReadonlySet<string>; source: string }>();

  /** Later entries for a year replace earlier ones (a file overrides the shipped data). */
  constructor(years: readonly CalendarYear[]) {
    for (const y of years) this.years.set(y.year, { holidays: new Set(y.holidays), workdays: new Set(y.workdays), source: y.source });
  }

  /** The years covered, ascending, with their sources. */
  coverage(): { year: number; source: string }[] {
    return [...this.years.entries()].sort(([a], [b]) => a - b).map(([year, y]) => ({ year, source: y.source }));
  }

  /** Whether `date` ("YYYY-MM-DD") is a working day; undefined when its year is not covered. */
  isWorkingDay(date: string): boolean | undefined {
    const y = this.years.get(Number(date.slice(0, 4)));
    if (!y) return undefined;
    if (y.holidays.has(date)) return false;
    if (y.workdays.has(date)) return true;
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  }

  /** The `n`th working day after `date` (n ≥ 1); undefined when a day on the way is not covered. */
  workingDaysAfter(date: string, n: number): string | undefined {
    const d = new Date(`${date}T00:00:00Z`);
    for (let counted = 0; counted < n; ) {
      d.setUTCDate(d.getUTCDate() + 1);
      const working = this.isWorkingDay(d.toISOString().slice(0, 10));
      if (working === undefined) return undefined;
      if (working) counted++;
    }
    return d.toISOString().slice(0, 10);
  }

  /**
   * Timeliness of a record decided on `decisionDate` and reported on
   * `reportedOn` (both "YYYY-MM-DD", Asia/Shanghai): late when reported after
   * the 7th working day following the decision.
   */
  timeliness(decisionDate: string, reportedOn: string): Timeliness {
    const due = this.workingDaysAfter(decisionDate, REPORTING_WORKING_DAYS);
    if (due !== undefined) return reportedOn > due ? 'late' : 'on_time';
    // Not covered: within 7 calendar days is on time whatever the calendar (7 working days are at least that long).
    const calendarDays = (Date.parse(`${reportedOn}T00:00:00Z`) - Date.parse(`${decisionDate}T00:00:00Z`)) / 86_400_000;
    return calendarDays <= REPORTING_WORKING_DAYS ? 'on_time' : 'unknown';
  }
}
