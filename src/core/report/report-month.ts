/**
 * The month a report covers: "YYYY-MM" (month 01–12), counted in
 * Asia/Shanghai (UTC+8 all year: mainland China has no daylight saving), so
 * November runs from 2026-10-31T16:00Z to 2026-11-30T16:00Z. Pure.
 */
import { err, ok, type Result } from '../result.js';

export interface ReportMonth {
  /** "YYYY-MM". */
  readonly month: string;
  /** First instant of the month in Asia/Shanghai (inclusive). */
  readonly from: Date;
  /** First instant of the next month in Asia/Shanghai (exclusive). */
  readonly to: Date;
}

const SHANGHAI_OFFSET_MS = 8 * 3600_000;
const MONTH = /^(\d{4})-(\d{2})$/;

/**
 * Parses `--month`: exactly four-digit year, dash, two-digit month 01–12. A
 * month that starts after `now` (Asia/Shanghai) is refused: it has no data
 * yet, and an empty report would look like a silent month.
 */
export function parseReportMonth(text: string, now: Date): Result<ReportMonth, string> {
  const m = MONTH.exec(text);
  if (!m) return err(`"${text}" is not a month: expected YYYY-MM, e.g. 2026-11`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  if (month < 1 || month > 12) return err(`"${text}": month ${m[2]} does not exist (01–12)`);
  if (year < 1970) return err(`"${text}": year ${m[1]} is before 1970`);
  const from = new Date(Date.UTC(year, month - 1, 1) - SHANGHAI_OFFSET_MS);
  if (from.getTime() > now.getTime()) return err(`"${text}" is in the future (Asia/Shanghai)`);
  return ok({ month: text, from, to: new Date(Date.UTC(year, month, 1) - SHANGHAI_OFFSET_MS) });
}
