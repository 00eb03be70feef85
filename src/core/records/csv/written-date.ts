import { err, ok, type Result } from '../../result.js';
import { parseCalendarDate } from '../calendar-date.js';

/** The written forms of a date accepted in exports; each captures year, month and day. */
const FORMS: readonly RegExp[] = [
  /^(\d{4})-(\d{1,2})-(\d{1,2})$/, // 2026-10-01, 2026-10-1
  /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/, // 2026/10/1
  /^(\d{4})\.(\d{1,2})\.(\d{1,2})$/, // 2026.10.01
  /^(\d{4})年(\d{1,2})月(\d{1,2})日$/, // 2026年10月1日
];

/**
 * Parses a calendar date as people write it in exports — `2026-10-01`,
 * `2026/10/1`, `2026.10.01` or `2026年10月1日` (full-width digits and
 * surrounding spaces allowed) — into `YYYY-MM-DD`. Impossible dates
 * (2026-02-30, 2026年13月1日) and any other form are refused. Pure.
 */
export function parseWrittenDate(written: string): Result<string, string> {
  const text = written.normalize('NFKC').replace(/\s+/g, '');
  for (const form of FORMS) {
    const m = form.exec(text);
    if (!m) continue;
    const iso = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
    const checked = parseCalendarDate(iso);
    return checked.error ? err(`"${written}" is not a real calendar date`) : ok(iso);
  }
  return err(`expected a date such as 2026-10-01, 2026/10/1, 2026.10.01 or 2026年10月1日, found "${written}"`);
}
