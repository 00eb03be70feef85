/**
 * The monthly report as a table (people), CSV (spreadsheets: one tidy row per
 * partner and measure) or JSON (programs: a stable object). Rates are
 * fractions with 3 decimals everywhere; a rate without a denominator is
 * "-" in the table, empty in CSV and null in JSON.
 */
import type { MonthlyReport } from '../../../core/report/monthly-report.js';
import type { ReportMonth } from '../../../core/report/report-month.js';
import { formatTable } from '../../table.js';

export type ReportFormat = 'table' | 'csv' | 'json';
export const REPORT_FORMATS: readonly ReportFormat[] = ['table', 'csv', 'json'];

const fraction = (r: number | null): string => (r === null ? '' : r.toFixed(3));

/** `{month, timeZone, from, to, partners: [...]}`, pretty-printed. */
export function reportJson(report: MonthlyReport, range: ReportMonth): string {
  return `${JSON.stringify({ month: report.month, timeZone: 'Asia/Shanghai', from: range.from.toISOString(), to: range.to.toISOString(), partners: report.partners }, null, 2)}\n`;
}

/**
 * CSV with the header `month,partner,measure,item,value`, one row per
 * partner and measure, in this order for each partner:
 *   received,<category>,N          per category, then received,total,N
 *   timeliness,<category>.on_time|.late|.unknown,N   licences and penalties
 *   timeliness,on_time|late|unknown,N                  all 双公示 records
 *   rate,late,F
 *   rejected,<REASON>,N            per reason, then rejected,total,N
 *   quality,delivered,N; quality,completeness|conformity|timeliness,F
 */
export function reportCsv(report: MonthlyReport): string {
  const lines = ['month,partner,measure,item,value'];
  for (const p of report.partners) {
    const row = (measure: string, item: string, value: string | number) => lines.push([report.month, p.partner, measure, item, String(value)].map(csvCell).join(','));
    for (const c of p.categories) row('received', c.category, c.received);
    row('received', 'total', p.received);
    for (const c of p.categories) {
      if (!c.timeliness) continue;
      row('timeliness', `${c.category}.on_time`, c.timeliness.onTime);
      row('timeliness', `${c.category}.late`, c.timeliness.late);
      row('timeliness', `${c.category}.unknown`, c.timeliness.unknown);
    }
    row('timeliness', 'on_time', p.timeliness.onTime);
    row('timeliness', 'late', p.timeliness.late);
    row('timeliness', 'unknown', p.timeliness.unknown);
    row('rate', 'late', fraction(p.timeliness.lateRate));
    for (const r of p.rejections) row('rejected', r.reason, r.count);
    row('rejected', 'total', p.rejected);
    row('quality', 'delivered', p.quality.delivered);
    row('quality', 'completeness', fraction(p.quality.completeness));
    row('quality', 'conformity', fraction(p.quality.conformity));
    row('quality', 'timeliness', fraction(p.quality.timeliness));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** RFC 4180 quoting; a leading =, +, - or @ is prefixed with ' so a spreadsheet does not run it. */
function csvCell(v: string): string {
  const safe = /^[=+\-@]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Three tables: the summary per partner, volume and timeliness per category, rejections per reason. */
export function reportTable(report: MonthlyReport): string {
  const dash = (r: number | null) => (r === null ? '-' : r.toFixed(3));
  const parts = [`Monthly report ${report.month} (Asia/Shanghai): records received from partners`];
  if (report.partners.length === 0) return `${parts[0]}\n\nno records or rejections from any partner in ${report.month}\n`;
  parts.push(
    formatTable(
      ['PARTNER', 'RECEIVED', 'REJECTED', 'ON_TIME', 'LATE', 'UNKNOWN', 'LATE_RATE', 'COMPLETENESS', 'CONFORMITY', 'TIMELINESS'],
      report.partners.map((p) => [
        p.partner,
        String(p.received),
        String(p.rejected),
        String(p.timeliness.onTime),
        String(p.timeliness.late),
        String(p.timeliness.unknown),
        dash(p.timeliness.lateRate),
        dash(p.quality.completeness),
        dash(p.quality.conformity),
        dash(p.quality.timeliness),
      ]),
    ),
  );
  const categories = report.partners.flatMap((p) =>
    p.categories.map((c) => [p.partner, c.category, String(c.received), ...(c.timeliness ? [c.timeliness.onTime, c.timeliness.late, c.timeliness.unknown].map(String) : ['-', '-', '-'])]),
  );
  if (categories.length > 0) parts.push(formatTable(['PARTNER', 'CATEGORY', 'RECEIVED', 'ON_TIME', 'LATE', 'UNKNOWN'], categories));
  const rejections = report.partners.flatMap((p) => p.rejections.map((r) => [p.partner, r.reason, r.dimension, String(r.count)]));
  if (rejections.length > 0) parts.push(formatTable(['PARTNER', 'REASON', 'DIMENSION', 'REJECTED'], rejections));
  return `${parts.join('\n\n')}\n`;
}
