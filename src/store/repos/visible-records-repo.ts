/**
 * The records of a subject a partner may see (QueryRecords): latest
 * versions in force (active or disputed) of the listed categories and
 * disclosure classes, third-party records only when allowed, with their
 * stored bytes, a page at a time in (origin, record id) order.
 */
import type { Page } from '../../partners/page-token.js';
import { keyOf, pageOf, pageSizeOf } from './keyset-page.js';
import type { Queryable } from './queryable.js';

/** Statuses a partner may see: active (counted) and disputed (held, marked). */
const VISIBLE_STATUSES = [1, 2];
const RECORD_KEY = /^[^\u0000]+\u0000[^\u0000]+$/;

export interface VisibleFilter {
  readonly categories: readonly number[];
  readonly disclosures: readonly number[];
  /** Third-party records (originated neither at `sides`) are visible too. */
  readonly thirdParty: boolean;
  /** The two sides of the exchange: this node and the caller. */
  readonly sides: readonly string[];
}

export interface VisibleRecordRow {
  readonly originId: string;
  readonly recordId: string;
  readonly payload: Uint8Array;
}

export async function visibleRecords(
  q: Queryable,
  subjectIds: readonly string[],
  filter: VisibleFilter,
  page: { pageSize?: number; pageToken?: string } = {},
): Promise<Page<VisibleRecordRow>> {
  const size = pageSizeOf(page.pageSize);
  const [afterOrigin, afterRecord] = page.pageToken ? keyOf(page.pageToken, (k) => RECORD_KEY.test(k)).split('\u0000') : [null, null];
  const { rows } = await q.query<{ origin_id: string; record_id: string; payload: Uint8Array }>(
    `SELECT origin_id, record_id, payload
       FROM records
      WHERE subject_id = ANY($1::uuid[])
        AND status = ANY($2::smallint[]) AND category = ANY($3::smallint[]) AND disclosure = ANY($4::smallint[])
        AND ($5::boolean OR origin_id = ANY($6::text[]))
        AND ($7::text IS NULL OR (origin_id COLLATE "C", record_id COLLATE "C") > ($7::text COLLATE "C", $8::text COLLATE "C"))
      ORDER BY origin_id COLLATE "C", record_id COLLATE "C"
      LIMIT $9`,
    [subjectIds, VISIBLE_STATUSES, filter.categories, filter.disclosures, filter.thirdParty, filter.sides, afterOrigin, afterRecord, size + 1],
  );
  return pageOf(
    rows,
    size,
    (r): VisibleRecordRow => ({ originId: r.origin_id, recordId: r.record_id, payload: r.payload }),
    (r) => `${r.originId}\u0000${r.recordId}`,
  );
}
