/**
 * `credfed calendar check FILE` and `credfed calendar show`: the working-day
 * calendar (public holidays and adjusted working days) that 双公示 timeliness
 * is judged by: a calendar file checked line by line before a gateway uses
 * it, and what a node's calendar says about a date.
 */
import { loadCalendar, readCalendarFile } from '../../../calendar/load-calendar.js';
import { REPORTING_WORKING_DAYS } from '../../../core/calendar/working-days.js';
import { parseCalendarDate } from '../../../core/records/calendar-date.js';
import { loadCliConfig } from '../../cli-env.js';
import { EXIT, UsageError, type Command } from '../../command.js';
import { formatTable } from '../../table.js';

const checkCommand: Command = {
  name: 'calendar check',
  summary: 'check a calendar file (public holidays and adjusted working days) line by line',
  options: {},
  allowPositionals: true,
  help: `Usage: credfed calendar check FILE

Checks a calendar file before a gateway uses it (calendar.file): years of
public holidays and adjusted working days (调休上班) that add to or replace
the shipped 2024–2026 calendar. One statement per line:

  year 2027 国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕N号）
  holiday 2027-01-01
  holiday 2027-02-06..2027-02-13
  workday 2027-02-14          # a Saturday or Sunday worked

A year listed replaces the shipped data for that year whole; comments start
with #. Every problem is reported with its line number.

Exit code: 0 the file is good; 1 it is not (every problem on stderr) or cannot be read; 2 wrong usage.

EXAMPLES
  credfed calendar check /etc/credfed/calendar-2027.txt
`,
  async run({ positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('exactly one FILE is required');
    const file = positionals[0]!;
    const parsed = readCalendarFile(file);
    if (parsed.error) {
      for (const p of parsed.error) io.err(`${file}: ${p}\n`);
      return EXIT.FAILED;
    }
    const years = parsed.value.map((y) => `${y.year} (${y.holidays.length} holidays, ${y.workdays.length} worked weekend days)`);
    io.out(`${file}: good: ${years.length > 0 ? years.join(', ') : 'no years'}\n`);
    return EXIT.OK;
  },
};

const showCommand: Command = {
  name: 'calendar show',
  summary: "the years a node's working-day calendar covers, or what it says about a date",
  options: { date: { type: 'string' }, config: { type: 'string', short: 'c' }, file: { type: 'string' } },
  help: `Usage: credfed calendar show [--date YYYY-MM-DD] [--config FILE | --file CALENDAR]

Without --date: the years the calendar covers and the notice each comes from.
With --date: whether that day is a working day, and the last day a 双公示
record decided on it may be reported without being late (the ${REPORTING_WORKING_DAYS}th working
day after it), or "unknown" when the calendar does not cover the days.

The calendar is the shipped one (2024–2026), with the node's calendar.file
(--config) or a calendar file (--file) added.

Exit code: 0 shown; 1 a calendar file that is not good; 2 wrong usage.

EXAMPLES
  credfed calendar show
  credfed calendar show --date 2025-01-24
  credfed calendar show -c city.yaml --date 2027-02-05
`,
  async run({ values }, io) {
    if (values.config !== undefined && values.file !== undefined) throw new UsageError('--config and --file exclude each other');
    const file = typeof values.file === 'string' ? values.file : typeof values.config === 'string' ? loadCliConfig(values.config).calendar.file : undefined;
    const calendar = loadCalendar(file);
    if (typeof values.date !== 'string') {
      io.out(`${formatTable(['YEAR', 'SOURCE'], calendar.coverage().map((c) => [String(c.year), c.source]))}\n`);
      return EXIT.OK;
    }
    const parsed = parseCalendarDate(values.date);
    if (parsed.error !== undefined) throw new UsageError(`--date: ${parsed.error}`);
    const date = parsed.value;
    const working = calendar.isWorkingDay(date);
    const due = calendar.workingDaysAfter(date, REPORTING_WORKING_DAYS);
    const kind = working === undefined ? 'not covered by the calendar' : working ? 'a working day' : 'not a working day';
    io.out(`${date} is ${kind}; a 双公示 record decided on it is due by ${due ?? 'unknown (the calendar does not cover the days after it)'}\n`);
    return EXIT.OK;
  },
};

export const calendarCommands: readonly Command[] = [checkCommand, showCommand];
