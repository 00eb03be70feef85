/**
 * What the monthly report (issue 9, point 4) reads, aggregated in SQL: the
 * records held that arrived from partners in a time range, counted by
 * partner and category (licences and penalties also by decision date and
 * reported-at date, which timeliness needs — a few thousand groups a month,
 * not one row per record), and the rejections sent back to them, counted by
 * partner and reason. Local imports and this node's own decisions
 * (received_from 'local') are not a partner's delivery and are left out.
 */
import { RecordCategory } from '../../gen/credfed/v1/record.js';
import type { ReceivedGroup, RejectionGroup } from '../../core/report/monthly-report.js';
import type { Queryable } from './queryable.js';

export interface ReportRange {
  readonly from: Date;
  readonly to: Date;
  /** Only this partner. */
  readonly partner?: string;
}

/** Records stored by this node itself (imports, repairs, revocations). */
export const LOCAL_SOURCE = 'local';

const TIMED = [RecordCategory.RECORD_CATEGORY_ADMINISTRATIVE_LICENCE, RecordCategory.RECORD_CATEGORY_ADMINISTRATIVE_PENALTY];

/** Received records by partner and category; 双公示 ones also by decision date and reported-at date (Asia/Shanghai, UTC+8). */
export async function receivedGroups(db: Queryable, range: ReportRange): Promise<ReceivedGroup[]> {
  const { rows } = await db.query<{ partner: string; category: number; decision_date: string | null; reported_on: string | null; n: string }>(
    `SELECT received_from AS partner, category, d AS decision_date, ro AS reported_on, count(*) AS n
       FROM (SELECT received_from, category,
                    CASE WHEN timed THEN to_char(decision_date, 'YYYY-MM-DD') END AS d,
                    CASE WHEN timed THEN to_char((reported_at AT TIME ZONE 'UTC') + interval '8 hours', 'YYYY-MM-DD') END AS ro
               FROM (SELECT *, category = ANY($3::smallint[]) AS timed FROM records
                      WHERE received_at >= $1::timestamptz AND received_at < $2::timestamptz
                        AND received_from <> $4 AND ($5::text IS NULL OR received_from = $5)) AS r) AS g
      GROUP BY received_from, category, d, ro`,
    [range.from.toISOString(), range.to.toISOString(), TIMED, LOCAL_SOURCE, range.partner ?? null],
  );
  return rows.map((r) => ({
    partner: r.partner,
    category: Number(r.category),
    ...(r.decision_date ? { decisionDate: r.decision_date } : {}),
    ...(r.reported_on ? { reportedOn: r.reported_on } : {}),
    count: Number(r.n),
  }));
}

/** Rejections sent back to partners in the range, by partner and reason. */
export async function rejectionGroups(db: Queryable, range: ReportRange): Promise<RejectionGroup[]> {
  const { rows } = await db.query<{ partner: string; reason: string; n: string }>(
    `SELECT partner_id AS partner, reason, count(*) AS n FROM inbound_rejections
      WHERE received_at >= $1::timestamptz AND received_at < $2::timestamptz AND ($3::text IS NULL OR partner_id = $3)
      GROUP BY partner_id, reason`,
    [range.from.toISOString(), range.to.toISOString(), range.partner ?? null],
  );
  return rows.map((r) => ({ partner: r.partner, reason: r.reason, count: Number(r.n) }));
}

/** Whether `id` is a partner this node knows: in the registry, or the sender of any record or rejection held. */
export async function partnerKnown(db: Queryable, id: string): Promise<boolean> {
  const { rows } = await db.query<{ known: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM partners WHERE partner_id = $1)
         OR EXISTS (SELECT 1 FROM inbound_cursors WHERE partner_id = $1)
         OR EXISTS (SELECT 1 FROM inbound_rejections WHERE partner_id = $1) AS known`,
    [id],
  );
  return rows[0]?.known === true;
}
