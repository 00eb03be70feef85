import { err, ok, type Result } from '../result.js';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Parses a calendar date written "YYYY-MM-DD" (Asia/Shanghai calendar day, no time).
 * Rejects impossible dates such as 2026-02-30.
 */
export function parseCalendarDate(input: string): Result<string, string> {
  const m = ISO_DATE.exec(input);
  if (!m) return err(`expected a date written YYYY-MM-DD, found "${input}"`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) {
    return err(`"${input}" is not a real calendar date`);
  }
  if (year < 1900) return err(`"${input}" is before 1900`);
  return ok(input);
}
