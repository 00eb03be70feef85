/**
 * Mainland China's public holidays and adjusted working days (调休上班),
 * 2024–2026, as the State Council General Office announced them each year
 * (国务院办公厅关于部分节假日安排的通知). Data, not rules: the calendar
 * changes every year; a later year is added here, or by a calendar file
 * (src/calendar/calendar-file.ts), when its notice is published.
 *
 * Days not listed are working days from Monday to Friday and rest days on
 * Saturday and Sunday. Weekends that merely adjoin a holiday (与周末连休)
 * are ordinary weekends and are not listed.
 */
export interface CalendarYear {
  readonly year: number;
  /** The notice the year comes from. */
  readonly source: string;
  /** Days off, "YYYY-MM-DD" (ranges written out). */
  readonly holidays: readonly string[];
  /** Saturdays and Sundays worked in exchange (调休上班). */
  readonly workdays: readonly string[];
}

/** "YYYY-MM-DD" for each day from `from` to `to`, both included. */
export function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) out.push(d.toISOString().slice(0, 10));
  return out;
}

export const CN_CALENDAR: readonly CalendarYear[] = [
  {
    year: 2024,
    source: '国务院办公厅关于2024年部分节假日安排的通知（国办发明电〔2023〕7号，2023-10-25）',
    holidays: [
      '2024-01-01',
      ...days('2024-02-10', '2024-02-17'),
      ...days('2024-04-04', '2024-04-06'),
      ...days('2024-05-01', '2024-05-05'),
      '2024-06-10',
      ...days('2024-09-15', '2024-09-17'),
      ...days('2024-10-01', '2024-10-07'),
    ],
    workdays: ['2024-02-04', '2024-02-18', '2024-04-07', '2024-04-28', '2024-05-11', '2024-09-14', '2024-09-29', '2024-10-12'],
  },
  {
    year: 2025,
    // From 2025 the revised 全国年节及纪念日放假办法 adds the Spring Festival eve and 2 May.
    source: '国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号，2024-11-12）',
    holidays: [
      '2025-01-01',
      ...days('2025-01-28', '2025-02-04'),
      ...days('2025-04-04', '2025-04-06'),
      ...days('2025-05-01', '2025-05-05'),
      ...days('2025-05-31', '2025-06-02'),
      ...days('2025-10-01', '2025-10-08'),
    ],
    workdays: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
  },
  {
    year: 2026,
    source: '国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号，2025-11-04）',
    holidays: [
      ...days('2026-01-01', '2026-01-03'),
      ...days('2026-02-15', '2026-02-23'),
      ...days('2026-04-04', '2026-04-06'),
      ...days('2026-05-01', '2026-05-05'),
      ...days('2026-06-19', '2026-06-21'),
      ...days('2026-09-25', '2026-09-27'),
      ...days('2026-10-01', '2026-10-07'),
    ],
    workdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
  },
];
