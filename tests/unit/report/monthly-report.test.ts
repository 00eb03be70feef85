// The monthly report's pure computation (issue 9, point 4): the month
// (YYYY-MM, Asia/Shanghai), each rejection reason's quality dimension, and the
// report's counts and rates from aggregated groups, judged by the shipped
// working-day calendar. Expected numbers are computed by hand.
import { describe, expect, it } from 'vitest';
import { CN_CALENDAR } from '../../../src/core/calendar/cn-holidays.js';
import { WorkingDayCalendar } from '../../../src/core/calendar/working-days.js';
import { categoryName, dimensionOf, monthlyReport, rate } from '../../../src/core/report/monthly-report.js';
import { parseReportMonth } from '../../../src/core/report/report-month.js';

const calendar = new WorkingDayCalendar(CN_CALENDAR);
const NOW = new Date('2026-12-05T12:00:00Z');

describe('parseReportMonth', () => {
  it.each([
    ['2026-11', '2026-10-31T16:00:00.000Z', '2026-11-30T16:00:00.000Z'],
    ['2026-12', '2026-11-30T16:00:00.000Z', '2026-12-31T16:00:00.000Z'], // the current month so far
    ['2026-01', '2025-12-31T16:00:00.000Z', '2026-01-31T16:00:00.000Z'],
    ['2024-02', '2024-01-31T16:00:00.000Z', '2024-02-29T16:00:00.000Z'], // leap year
  ])('%s runs from %s to %s', (text, from, to) => {
    const m = parseReportMonth(text, NOW);
    expect(m.error).toBeUndefined();
    expect([m.value!.month, m.value!.from.toISOString(), m.value!.to.toISOString()]).toEqual([text, from, to]);
  });

  it.each([
    ['2026-13', 'does not exist'],
    ['2026-00', 'does not exist'],
    ['2026-1', 'expected YYYY-MM'],
    ['26-11', 'expected YYYY-MM'],
    ['2026-11-01', 'expected YYYY-MM'],
    ['abc', 'expected YYYY-MM'],
    ['', 'expected YYYY-MM'],
    ['２０２６-１１', 'expected YYYY-MM'],
    ['1969-12', 'before 1970'],
    ['2027-01', 'in the future'],
  ])('%s is refused, naming the value', (text, why) => {
    const m = parseReportMonth(text, NOW);
    expect(m.error).toContain(`"${text}"`);
    expect(m.error).toContain(why);
  });

  it('a month starting after now in Shanghai is future even when UTC is still in the month before', () => {
    // 2026-11-30T16:30Z is 2026-12-01 00:30 in Shanghai.
    expect(parseReportMonth('2026-12', new Date('2026-11-30T16:30:00Z')).error).toBeUndefined();
    expect(parseReportMonth('2026-12', new Date('2026-11-30T15:30:00Z')).error).toContain('future');
  });
});

describe('quality dimensions of rejection reasons', () => {
  it.each([
    ['RECORD_FIELD_MISSING', 'completeness'],
    ['RECORD_FIELD_INVALID', 'conformity'],
    ['IDENTIFIER_INVALID', 'conformity'],
    ['RECORD_CATEGORY_UNKNOWN', 'conformity'],
    ['RECORD_ORIGIN_MISMATCH', 'other'],
    ['CATEGORY_NOT_ALLOWED', 'other'],
    ['DISCLOSURE_NOT_ALLOWED', 'other'],
    ['PSEUDONYM_KEY_MISSING', 'other'],
    ['SOMETHING_NEW', 'other'],
  ])('%s counts against %s', (reason, dimension) => expect(dimensionOf(reason)).toBe(dimension));

  it('names categories as the timeliness metric does', () => {
    expect([1, 2, 3, 8, 0, 99].map(categoryName)).toEqual(['administrative_licence', 'administrative_penalty', 'dishonesty_list', 'credit_evaluation', 'category_0', 'category_99']);
  });

  it.each([
    [2, 3, 0.667],
    [1, 3, 0.333],
    [0, 5, 0],
    [5, 5, 1],
    [1, 8, 0.125],
    [1, 0, null],
  ])('rate(%i, %i) = %s', (n, d, r) => expect(rate(n, d)).toBe(r));
});

describe('monthlyReport', () => {
  // Decided 2026-09-28 (Mon): after the National Day holiday the 7th working
  // day is 2026-10-13 (`credfed calendar show --date 2026-09-28`); decided 2026-12-28: the days after run
  // into 2027, which the calendar does not cover.
  const report = monthlyReport(
    '2026-10',
    {
      received: [
        { partner: 'p2', category: 1, decisionDate: '2026-09-28', reportedOn: '2026-10-13', count: 3 }, // on time (due day)
        { partner: 'p2', category: 1, decisionDate: '2026-09-28', reportedOn: '2026-10-14', count: 1 }, // late
        { partner: 'p2', category: 2, decisionDate: '2026-09-28', reportedOn: '2026-10-09', count: 2 }, // on time
        { partner: 'p2', category: 2, decisionDate: '2026-12-28', reportedOn: '2027-01-20', count: 1 }, // unknown: 2027
        { partner: 'p2', category: 2, decisionDate: '2026-09-28', count: 1 }, // unknown: no reported-at
        { partner: 'p2', category: 7, count: 4 }, // credit commitments: volume only
        { partner: 'p1', category: 1, decisionDate: '2026-09-28', reportedOn: '2026-10-30', count: 2 }, // late
      ],
      rejections: [
        { partner: 'p2', reason: 'RECORD_FIELD_MISSING', count: 2 },
        { partner: 'p2', reason: 'IDENTIFIER_INVALID', count: 1 },
        { partner: 'p2', reason: 'DISCLOSURE_NOT_ALLOWED', count: 3 },
        { partner: 'p3', reason: 'RECORD_CATEGORY_UNKNOWN', count: 1 },
      ],
    },
    calendar,
    ['p0'],
  );

  it('lists every partner with records or rejections, and those asked for, in code-point order', () => {
    expect(report.partners.map((p) => p.partner)).toEqual(['p0', 'p1', 'p2', 'p3']);
  });

  it('counts volume and timeliness by category', () => {
    const p2 = report.partners[2]!;
    // received 3+1+2+1+1+4 = 12; on time 3+2 = 5, late 1, unknown 2.
    expect(p2.received).toBe(12);
    expect(p2.categories).toEqual([
      { category: 'administrative_licence', received: 4, timeliness: { onTime: 3, late: 1, unknown: 0 } },
      { category: 'administrative_penalty', received: 4, timeliness: { onTime: 2, late: 0, unknown: 2 } },
      { category: 'credit_commitment', received: 4, timeliness: null },
    ]);
    expect(p2.timeliness).toEqual({ onTime: 5, late: 1, unknown: 2, lateRate: 0.167 });
  });

  it('rates quality over what was delivered (received + rejected)', () => {
    const p2 = report.partners[2]!;
    // rejected 6, delivered 18; completeness (18-2)/18 = 0.889, conformity (18-1)/18 = 0.944, timeliness 5/6 = 0.833.
    expect(p2.rejected).toBe(6);
    expect(p2.rejections).toEqual([
      { reason: 'DISCLOSURE_NOT_ALLOWED', dimension: 'other', count: 3 },
      { reason: 'IDENTIFIER_INVALID', dimension: 'conformity', count: 1 },
      { reason: 'RECORD_FIELD_MISSING', dimension: 'completeness', count: 2 },
    ]);
    expect(p2.quality).toEqual({ delivered: 18, completeness: 0.889, conformity: 0.944, timeliness: 0.833 });
  });

  it('leaves a rate without a denominator null, never 0 or 1', () => {
    const [p0, p1, , p3] = report.partners;
    expect(p0).toEqual({ partner: 'p0', received: 0, categories: [], timeliness: { onTime: 0, late: 0, unknown: 0, lateRate: null }, rejected: 0, rejections: [], quality: { delivered: 0, completeness: null, conformity: null, timeliness: null } });
    expect(p1!.timeliness).toEqual({ onTime: 0, late: 2, unknown: 0, lateRate: 1 });
    expect(p1!.quality).toEqual({ delivered: 2, completeness: 1, conformity: 1, timeliness: 0 });
    // Only a rejection: conformity 0/1, no 双公示 record judged.
    expect(p3!.quality).toEqual({ delivered: 1, completeness: 1, conformity: 0, timeliness: null });
  });
});
