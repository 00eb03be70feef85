/**
 * The working-day calendar a node uses: the shipped years (2024–2026), with
 * the years of `calendar.file` added or replacing them. A file that cannot be
 * read or parsed is CONFIG_INVALID naming the line at fault, so a gateway
 * never starts on a calendar it misread.
 */
import fs from 'node:fs';
import { parseCalendarFile } from '../core/calendar/calendar-file.js';
import { CN_CALENDAR, type CalendarYear } from '../core/calendar/cn-holidays.js';
import { WorkingDayCalendar } from '../core/calendar/working-days.js';
import { CredfedError } from '../core/errors.js';
import type { Result } from '../core/result.js';

export function loadCalendar(file: string | undefined): WorkingDayCalendar {
  if (file === undefined) return new WorkingDayCalendar(CN_CALENDAR);
  const parsed = readCalendarFile(file);
  if (parsed.error) throw new CredfedError('CONFIG_INVALID', `calendar file ${file}: ${parsed.error.join('; ')}`, { problems: parsed.error });
  return new WorkingDayCalendar([...CN_CALENDAR, ...parsed.value]);
}

/** A calendar file's years, or its problems line by line; CONFIG_INVALID when it cannot be read. */
export function readCalendarFile(file: string): Result<CalendarYear[], string[]> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new CredfedError('CONFIG_INVALID', `calendar file ${file} cannot be read: ${(e as Error).message}`);
  }
  return parseCalendarFile(text);
}
