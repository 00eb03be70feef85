/**
 * The monthly report of what each sending partner delivered (issue 9,
 * point 4), computed from per-group counts the store aggregated: volume by
 * category, 双公示 timeliness (on time, late, unknown — never guessed), the
 * rejections by reason, and data quality on the dimensions platforms are
 * assessed on. Pure: the calendar is passed in.
 *
 * Definitions, per partner P and month M (Asia/Shanghai):
 *   received   records held whose latest version arrived from P in M
 *   rejected   records of P's pushed batches refused in M (each refusal once)
 *   delivered  received + rejected
 *   on time / late / unknown   received licences and penalties judged by the
 *              working-day calendar from decision_date and the reported_at
 *              date; unknown when reported_at is absent or the calendar does
 *              not cover the days
 *   late rate     late / (on time + late)
 *   completeness  1 − rejections for a missing required field / delivered
 *   conformity    1 − rejections for a malformed value or code / delivered
 *   timeliness    on time / (on time + late)
 * Rates are fractions rounded to 3 decimals; null when the denominator is 0.
 */
import type { Timeliness } from '../calendar/working-days.js';
import { RecordCategory } from '../../gen/credfed/v1/record.js';

/** The quality dimension a rejection reason counts against. */
export type QualityDimension = 'completeness' | 'conformity' | 'other';

/**
 * Reason codes (src/core/errors.ts) of refused records, by dimension:
 * completeness — a required field is missing; conformity — a value or code
 * does not follow its format (an identifier's length, characters or check
 * character, a date, an amount, an enum value, an unknown category). Every
 * other reason (the agreement does not cover the record, the origin may not
 * be relayed, no pseudonym key here) is about the exchange, not the data:
 * "other", counted among the rejections but in no quality rate.
 */
const DIMENSION: Readonly<Record<string, QualityDimension>> = {
  RECORD_FIELD_MISSING: 'completeness',
  RECORD_FIELD_INVALID: 'conformity',
  IDENTIFIER_INVALID: 'conformity',
  RECORD_CATEGORY_UNKNOWN: 'conformity',
};

export function dimensionOf(reason: string): QualityDimension {
  return DIMENSION[reason] ?? 'other';
}

/** The categories judged for timeliness (双公示). */
const SHUANG_GONG_SHI: ReadonlySet<number> = new Set([RecordCategory.RECORD_CATEGORY_ADMINISTRATIVE_LICENCE, RecordCategory.RECORD_CATEGORY_ADMINISTRATIVE_PENALTY]);

/** "administrative_licence" for RECORD_CATEGORY_ADMINISTRATIVE_LICENCE (as the timeliness metric labels it). */
export function categoryName(category: number): string {
  const name = RecordCategory[category];
  return category > 0 && name ? name.replace(/^RECORD_CATEGORY_/, '').toLowerCase() : `category_${category}`;
}

/** Received records of one partner and category; for 双公示 categories, also of one decision date and reported-at date. */
export interface ReceivedGroup {
  readonly partner: string;
  readonly category: number;
  /** "YYYY-MM-DD"; set for licences and penalties. */
  readonly decisionDate?: string;
  /** The reported-at date ("YYYY-MM-DD", Asia/Shanghai); absent when the record has none. */
  readonly reportedOn?: string;
  readonly count: number;
}

export interface RejectionGroup {
  readonly partner: string;
  readonly reason: string;
  readonly count: number;
}

export interface TimelinessJudge {
  timeliness(decisionDate: string, reportedOn: string): Timeliness;
}

export interface TimelinessCounts {
  readonly onTime: number;
  readonly late: number;
  readonly unknown: number;
}

export interface CategoryVolume {
  readonly category: string;
  readonly received: number;
  /** Licences and penalties only; null for the other categories. */
  readonly timeliness: TimelinessCounts | null;
}

export interface PartnerReport {
  readonly partner: string;
  readonly received: number;
  readonly categories: readonly CategoryVolume[];
  readonly timeliness: TimelinessCounts & { readonly lateRate: number | null };
  readonly rejected: number;
  readonly rejections: readonly { readonly reason: string; readonly dimension: QualityDimension; readonly count: number }[];
  readonly quality: { readonly delivered: number; readonly completeness: number | null; readonly conformity: number | null; readonly timeliness: number | null };
}

export interface MonthlyReport {
  readonly month: string;
  readonly partners: readonly PartnerReport[];
}

/** n / d rounded to 3 decimals; null when d is 0. */
export function rate(n: number, d: number): number | null {
  return d === 0 ? null : Math.round((n / d) * 1000) / 1000;
}

/**
 * Builds the report. Every partner with received records or rejections
 * appears, and each of `include` (e.g. the one asked for) even without any.
 * Partners in code-point order, categories in contract order, reasons by name.
 */
export function monthlyReport(
  month: string,
  groups: { readonly received: readonly ReceivedGroup[]; readonly rejections: readonly RejectionGroup[] },
  calendar: TimelinessJudge,
  include: readonly string[] = [],
): MonthlyReport {
  const ids = new Set([...include, ...groups.received.map((g) => g.partner), ...groups.rejections.map((g) => g.partner)]);
  const partners = [...ids].sort(byCodePoint).map((p) =>
    partnerReport(
      p,
      groups.received.filter((g) => g.partner === p),
      groups.rejections.filter((g) => g.partner === p),
      calendar,
    ),
  );
  return { month, partners };
}

function partnerReport(partner: string, received: readonly ReceivedGroup[], rejections: readonly RejectionGroup[], calendar: TimelinessJudge): PartnerReport {
  const byCategory = new Map<number, { received: number; onTime: number; late: number; unknown: number }>();
  for (const g of received) {
    const c = byCategory.get(g.category) ?? { received: 0, onTime: 0, late: 0, unknown: 0 };
    byCategory.set(g.category, c);
    c.received += g.count;
    if (!SHUANG_GONG_SHI.has(g.category)) continue;
    const judged = g.decisionDate && g.reportedOn ? calendar.timeliness(g.decisionDate, g.reportedOn) : 'unknown';
    if (judged === 'on_time') c.onTime += g.count;
    else if (judged === 'late') c.late += g.count;
    else c.unknown += g.count;
  }
  const categories = [...byCategory.entries()]
    .sort(([a], [b]) => a - b)
    .map(([category, c]) => ({
      category: categoryName(category),
      received: c.received,
      timeliness: SHUANG_GONG_SHI.has(category) ? { onTime: c.onTime, late: c.late, unknown: c.unknown } : null,
    }));
  const sum = (f: (c: { received: number; onTime: number; late: number; unknown: number }) => number) => [...byCategory.values()].reduce((n, c) => n + f(c), 0);
  const total = sum((c) => c.received);
  const onTime = sum((c) => c.onTime);
  const late = sum((c) => c.late);
  const unknown = sum((c) => c.unknown);
  const byReason = new Map<string, number>();
  for (const r of rejections) byReason.set(r.reason, (byReason.get(r.reason) ?? 0) + r.count);
  const reasons = [...byReason.entries()].sort(([a], [b]) => byCodePoint(a, b)).map(([reason, count]) => ({ reason, dimension: dimensionOf(reason), count }));
  const rejected = reasons.reduce((n, r) => n + r.count, 0);
  const against = (d: QualityDimension) => reasons.filter((r) => r.dimension === d).reduce((n, r) => n + r.count, 0);
  const delivered = total + rejected;
  const share = (failed: number) => (delivered === 0 ? null : rate(delivered - failed, delivered));
  return {
    partner,
    received: total,
    categories,
    timeliness: { onTime, late, unknown, lateRate: rate(late, onTime + late) },
    rejected,
    rejections: reasons,
    quality: { delivered, completeness: share(against('completeness')), conformity: share(against('conformity')), timeliness: rate(onTime, onTime + late) },
  };
}

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
