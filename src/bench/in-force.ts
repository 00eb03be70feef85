/**
 * Sample records made in force on the day a benchmark runs: the sample
 * generator's dates are fixed (2025–2026), so as time passes more of its
 * penalties and evaluations are past their publicity and the gateway
 * expires them (README "Publicity periods"), leaving subjects with nothing
 * to recognise or query. A benchmark seeds each record decided within the
 * last 60 days (the same day for the same record) with its own end dates a
 * year ahead, so every seeded record counts.
 */
import { shanghaiDate } from '../core/lifecycle/publicity.js';
import type { CreditRecord } from '../gen/credfed/v1/record.js';

const DAY = 86_400_000;

export function inForceOn(record: CreditRecord, now: number): CreditRecord {
  const daysAgo = Math.floor(Date.parse(`${record.decisionDate}T00:00:00Z`) / DAY) % 60;
  const decisionDate = shanghaiDate(now - daysAgo * DAY);
  const later = shanghaiDate(now + 365 * DAY);
  return { ...record, decisionDate, publicity: undefined, details: detailsInForce(record.details, decisionDate, later) };
}

function detailsInForce(d: CreditRecord['details'], decisionDate: string, later: string): CreditRecord['details'] {
  switch (d?.$case) {
    case 'redList':
      return { $case: 'redList', value: { ...d.value, validity: { from: decisionDate, to: later } } };
    case 'keyAttention':
      return { $case: 'keyAttention', value: { ...d.value, period: { from: decisionDate, to: later } } };
    case 'evaluation':
      return { $case: 'evaluation', value: { ...d.value, validTo: later } };
    case 'dishonestyList':
      return { $case: 'dishonestyList', value: { ...d.value, listedOn: decisionDate, removalDate: '' } };
    default:
      return d;
  }
}
