/**
 * Timeliness of the 双公示 records a platform receives (issue 9, point 3):
 * each licence and penalty received is counted on time or late by the
 * working days between its decision date and the day it arrived here
 * (Asia/Shanghai), or "unknown" when the calendar does not cover those days
 * — never a guess. Alert on a rising unknown count: the calendar needs its
 * next year (calendar.file).
 */
import { Counter } from 'prom-client';
import type { WorkingDayCalendar } from '../core/calendar/working-days.js';
import { RecordCategory, type CreditRecord } from '../gen/credfed/v1/record.js';
import type { Metrics } from './metrics.js';

const CATEGORY: Partial<Record<number, string>> = {
  [RecordCategory.RECORD_CATEGORY_ADMINISTRATIVE_LICENCE]: 'administrative_licence',
  [RecordCategory.RECORD_CATEGORY_ADMINISTRATIVE_PENALTY]: 'administrative_penalty',
};

export class TimelinessMeter {
  private readonly counter: Counter<'partner' | 'category' | 'timeliness'>;

  constructor(
    metrics: Metrics,
    private readonly calendar: WorkingDayCalendar,
  ) {
    this.counter = new Counter({
      name: 'credfed_received_timeliness_total',
      help: '双公示 records received (licences, penalties), by partner, category and timeliness at this platform: on_time, late (after the 7th working day following the decision), unknown (outside the working-day calendar)',
      labelNames: ['partner', 'category', 'timeliness'],
      registers: [metrics],
    });
  }

  /** Counts the 双公示 records among `records`, received from `partner` on `receivedOn` ("YYYY-MM-DD", Asia/Shanghai). */
  observe(partner: string, records: readonly CreditRecord[], receivedOn: string): void {
    for (const r of records) {
      const category = CATEGORY[r.category];
      if (!category) continue;
      this.counter.inc({ partner, category, timeliness: this.calendar.timeliness(r.decisionDate, receivedOn) });
    }
  }
}
