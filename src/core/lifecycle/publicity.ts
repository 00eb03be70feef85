/**
 * Publicity periods (issue 8, point 1; DESIGN.md 2.3): how long a record
 * stays in force. Two limits, whichever comes first:
 *
 * - the record's own dates: the end of its publicity (`publicity.to`), a
 *   dishonesty-list removal date, the end of a red-list entry's validity or
 *   of a key-attention period, an evaluation's valid-to;
 * - the maximum publicity of its category (and, for a penalty, severity),
 *   counted in months from the decision date: configuration
 *   (`lifecycle.publicity`), DEFAULT_PUBLICITY per 国办发〔2025〕22号.
 *
 * Dates are calendar dates in Asia/Shanghai. `endsOn` is the first day a
 * record is no longer in force (an inclusive last day plus one).
 */
import { CATEGORY_NAMES, type CategoryName } from '../agreements/agreement.js';
import type { CreditRecord } from '../../gen/credfed/v1/record.js';
import { SEVERITY_NAMES, type SeverityName } from '../verdicts/recognition-rules.js';
import { parseCalendarDate } from '../records/calendar-date.js';
import { err, ok, type Result } from '../result.js';

/** At most this many months of publicity from the decision date, for a category (a penalty: of one severity, or of any without its own rule). */
export interface PublicityRule {
  readonly category: CategoryName;
  readonly severity?: SeverityName;
  readonly months: number;
}

/** Penalties (国办发〔2025〕22号): minor at most 3 months, general at most 1 year, serious at most 3 years; a penalty of no stated severity as a serious one (never withdrawn before the law allows). Other categories end by their own dates only. */
export const DEFAULT_PUBLICITY: readonly PublicityRule[] = [
  { category: 'administrative_penalty', severity: 'minor', months: 3 },
  { category: 'administrative_penalty', severity: 'general', months: 12 },
  { category: 'administrative_penalty', severity: 'serious', months: 36 },
  { category: 'administrative_penalty', months: 36 },
];

/** Longest maximum a rule may give (100 years). */
export const MAX_MONTHS = 1200;

/** The limit a rule sets, expanded to exact (category, severity) pairs as records store them (severity 0: not stated, or not a penalty). */
export interface PublicityLimit {
  readonly category: number;
  readonly severity: number;
  readonly months: number;
}

/**
 * The rules as exact pairs: a penalty of a severity takes the rule naming
 * that severity, else the category's rule without one; other categories
 * take their rule (severity 0).
 */
export function publicityLimits(rules: readonly PublicityRule[]): PublicityLimit[] {
  const out: PublicityLimit[] = [];
  for (const rule of rules) {
    const category = CATEGORY_NAMES.indexOf(rule.category) + 1;
    if (rule.severity) out.push({ category, severity: SEVERITY_NAMES.indexOf(rule.severity) + 1, months: rule.months });
    else if (rule.category !== 'administrative_penalty') out.push({ category, severity: 0, months: rule.months });
    else {
      for (let severity = 0; severity <= SEVERITY_NAMES.length; severity++) {
        const own = rules.some((r) => r.category === rule.category && r.severity && SEVERITY_NAMES.indexOf(r.severity) + 1 === severity);
        if (!own) out.push({ category, severity, months: rule.months });
      }
    }
  }
  return out;
}

/** The severity a record is stored with: a penalty's (1..3), else 0. */
export function severityOf(record: CreditRecord): number {
  return record.details?.$case === 'penalty' ? record.details.value.severity : 0;
}

/** The first day the record is out of force by its own dates; undefined when they set no end. */
export function ownEndsOn(record: CreditRecord): string | undefined {
  const lastDays: string[] = [];
  const firstDaysOut: string[] = [];
  if (record.publicity?.to) lastDays.push(record.publicity.to);
  const d = record.details;
  if (d?.$case === 'dishonestyList' && d.value.removalDate) firstDaysOut.push(d.value.removalDate);
  if (d?.$case === 'redList' && d.value.validity?.to) lastDays.push(d.value.validity.to);
  if (d?.$case === 'keyAttention' && d.value.period?.to) lastDays.push(d.value.period.to);
  if (d?.$case === 'evaluation' && d.value.validTo) lastDays.push(d.value.validTo);
  const ends = [...lastDays.map(dayAfter), ...firstDaysOut].filter((x): x is string => x !== undefined && parseCalendarDate(x).value !== undefined);
  return ends.length > 0 ? ends.sort()[0] : undefined;
}

/** The day after a "YYYY-MM-DD" date; undefined when it is not one. */
function dayAfter(date: string): string | undefined {
  if (parseCalendarDate(date).error) return undefined;
  const t = Date.parse(`${date}T00:00:00Z`) + 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** The calendar date in Asia/Shanghai of an instant. */
export function shanghaiDate(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
}

/**
 * Parses `lifecycle.publicity`: a list of { category, severity?, months }.
 * Every problem is listed with its index; a list replaces the defaults whole.
 */
export function parsePublicityRules(raw: unknown): Result<PublicityRule[], string[]> {
  if (!Array.isArray(raw)) return err(['expected a list of { category, severity, months }']);
  const problems: string[] = [];
  const rules: PublicityRule[] = [];
  const seen = new Set<string>();
  raw.forEach((item: unknown, i) => {
    const at = `[${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return void problems.push(`${at}: expected { category, severity, months }`);
    const m = item as Record<string, unknown>;
    for (const k of Object.keys(m)) if (!['category', 'severity', 'months'].includes(k)) problems.push(`${at}.${k}: unknown setting (known: category, severity, months)`);
    const category = m.category as CategoryName;
    if (!CATEGORY_NAMES.includes(category)) return void problems.push(`${at}.category: expected one of ${CATEGORY_NAMES.join(', ')}, found ${JSON.stringify(m.category)}`);
    const severity = m.severity as SeverityName | undefined;
    if (severity !== undefined) {
      if (category !== 'administrative_penalty') return void problems.push(`${at}.severity: only an administrative_penalty has a severity, not ${category}`);
      if (!SEVERITY_NAMES.includes(severity)) return void problems.push(`${at}.severity: expected one of ${SEVERITY_NAMES.join(', ')}, found ${JSON.stringify(m.severity)}`);
    }
    const months = m.months;
    if (typeof months !== 'number' || !Number.isInteger(months) || months < 0 || months > MAX_MONTHS) {
      return void problems.push(`${at}.months: expected a whole number from 0 to ${MAX_MONTHS}, found ${JSON.stringify(months)}`);
    }
    const key = `${category}/${severity ?? ''}`;
    if (seen.has(key)) return void problems.push(`${at}: a second rule for ${category}${severity ? ` (${severity})` : ''}`);
    seen.add(key);
    rules.push({ category, ...(severity ? { severity } : {}), months });
  });
  return problems.length > 0 ? err(problems) : ok(rules);
}
