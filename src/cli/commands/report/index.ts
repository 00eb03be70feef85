/**
 * `credfed report monthly`: per sending partner, what it delivered in a month
 * (issue 9, point 4) — volume by category, late 双公示 records, rejections by
 * reason and data quality (completeness, conformity, timeliness) — from the
 * node's store.
 */
import { loadCalendar } from '../../../calendar/load-calendar.js';
import { CredfedError } from '../../../core/errors.js';
import { monthlyReport } from '../../../core/report/monthly-report.js';
import { parseReportMonth } from '../../../core/report/report-month.js';
import { partnerKnown, receivedGroups, rejectionGroups } from '../../../store/repos/report-repo.js';
import { EXIT, UsageError, type Command } from '../../command.js';
import { STORE_NOTE, withNodeStore } from '../partner/partner-cli.js';
import { REPORT_FORMATS, reportCsv, reportJson, reportTable, type ReportFormat } from './monthly-format.js';

const monthlyCommand: Command = {
  name: 'report monthly',
  summary: 'per partner, one month: volume by category, late records, rejections by reason, data quality',
  options: { config: { type: 'string', short: 'c' }, month: { type: 'string' }, partner: { type: 'string' }, format: { type: 'string' } },
  help: `Usage: credfed report monthly --config FILE --month YYYY-MM [--partner ID] [--format table|csv|json]

What each sending partner delivered to this node in one month (Asia/Shanghai,
e.g. 2026-11 = 2026-11-01T00:00+08:00 up to 2026-12-01T00:00+08:00), for the
platforms' assessment: volume by category, late 双公示 records, rejections by
reason, and data quality. One row per partner that sent records or had records
rejected that month (with --partner, that partner only, even when it sent
nothing). Records imported at this node (and its own repairs and revocations)
are not a partner's delivery and are not reported.

Counted per partner P:
  received      records held whose latest version arrived from P in the month
                (a record counts once, in the month its latest version came)
  rejected      records of P's pushes that this node refused in the month
                (PushRecords; records pulled from a change feed are not counted)
  delivered     received + rejected
  on time, late, unknown   received licences and penalties (双公示): late when
                the reported-at date (Asia/Shanghai) is after the 7th working
                day following the decision date, by the node's working-day
                calendar (calendar.file); unknown when the calendar does not
                cover those days or the record has no reported-at — never guessed
Rates, as fractions with 3 decimals ("-" / empty / null without a denominator):
  late rate     late / (on time + late)
  completeness  (delivered − rejections for a missing required field) / delivered
                reason RECORD_FIELD_MISSING
  conformity    (delivered − rejections for a malformed value or code) / delivered
                reasons RECORD_FIELD_INVALID, IDENTIFIER_INVALID, RECORD_CATEGORY_UNKNOWN
  timeliness    on time / (on time + late)
Other reasons (CATEGORY_NOT_ALLOWED, DISCLOSURE_NOT_ALLOWED,
RECORD_ORIGIN_MISMATCH, PSEUDONYM_KEY_MISSING …) concern the exchange, not
the data: listed with dimension "other", in no quality rate.

Formats (stdout):
  table  a summary per partner, then per category, then per reason
  csv    header month,partner,measure,item,value; one row per partner and
         measure (received/<category>, timeliness/<category>.on_time …,
         rate/late, rejected/<REASON>, quality/completeness …), CRLF
  json   {"month", "timeZone", "from", "to", "partners": [{"partner",
         "received", "categories": [{"category", "received", "timeliness"}],
         "timeliness": {"onTime", "late", "unknown", "lateRate"}, "rejected",
         "rejections": [{"reason", "dimension", "count"}], "quality":
         {"delivered", "completeness", "conformity", "timeliness"}}]}

${STORE_NOTE}

Options:
  -c, --config FILE      the node's configuration file
      --month YYYY-MM    the month (01–12; the current month so far, not a later one)
      --partner ID       only this partner (PARTNER_NOT_FOUND when the node never heard of it)
      --format F         table (default), csv or json

Exit code: 0 reported; 1 failed (PARTNER_NOT_FOUND, the store); 2 wrong usage
(a month that does not exist or is to come, an unknown format).

EXAMPLES
  credfed report monthly -c city.yaml --month 2026-11
  credfed report monthly -c city.yaml --month 2026-11 --partner county-a --format json
  credfed report monthly -c city.yaml --month 2026-11 --format csv > 2026-11.csv
`,
  async run({ values }, io) {
    if (typeof values.month !== 'string') throw new UsageError('--month YYYY-MM is required');
    const month = parseReportMonth(values.month, new Date());
    if (month.error !== undefined) throw new UsageError(`--month ${month.error}`);
    const format = (values.format ?? 'table') as ReportFormat;
    if (!REPORT_FORMATS.includes(format)) throw new UsageError(`--format "${String(values.format)}": expected ${REPORT_FORMATS.join(', ')}`);
    const partner = typeof values.partner === 'string' ? values.partner : undefined;
    const report = await withNodeStore(values, async (store, config) => {
      const calendar = loadCalendar(config.calendar.file);
      if (partner !== undefined && !(await partnerKnown(store, partner))) {
        throw new CredfedError('PARTNER_NOT_FOUND', `--partner "${partner}": this node has no such partner and never received from it`);
      }
      const range = { from: month.value.from, to: month.value.to, ...(partner !== undefined ? { partner } : {}) };
      const [received, rejections] = [await receivedGroups(store, range), await rejectionGroups(store, range)];
      return monthlyReport(month.value.month, { received, rejections }, calendar, partner !== undefined ? [partner] : []);
    });
    io.out(format === 'json' ? reportJson(report, month.value) : format === 'csv' ? reportCsv(report) : reportTable(report));
    return EXIT.OK;
  },
};

/** `credfed report …`: reports from the node's store. */
export const reportCommands: readonly Command[] = [monthlyCommand];
