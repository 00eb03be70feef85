/** Reading audit entries by partner and time, oldest first, a page at a time (export, and a partner's own entries). */
import type { AuditEntry } from '../core/audit/audit-event.js';
import type { Page } from '../partners/page-token.js';
import { ENTRY_COLUMNS, entryFromRow, type EntryRow } from '../store/repos/audit-repo.js';
import { keyOf, pageOf } from '../store/repos/keyset-page.js';
import type { Queryable } from '../store/repos/queryable.js';

export interface EntryFilter {
  readonly partner?: string;
  readonly from?: Date;
  readonly to?: Date;
}

const KEY = /^\d+\u0000[^\u0000]+\u0000\d+$/;

export async function listEntries(q: Queryable, filter: EntryFilter, page: { size: number; pageToken?: string }): Promise<Page<AuditEntry>> {
  const [atMicros, chain, seq] = page.pageToken ? keyOf(page.pageToken, (k) => KEY.test(k)).split('\u0000') : [null, null, null];
  const { rows } = await q.query<EntryRow>(
    `SELECT ${ENTRY_COLUMNS} FROM audit_entries
      WHERE ($1::text IS NULL OR partner = $1) AND ($2::timestamptz IS NULL OR at >= $2) AND ($3::timestamptz IS NULL OR at < $3)
        AND ($4::bigint IS NULL OR (floor(extract(epoch FROM at) * 1000000)::bigint, chain COLLATE "C", seq) > ($4::bigint, $5::text COLLATE "C", $6::bigint))
      ORDER BY floor(extract(epoch FROM at) * 1000000)::bigint, chain COLLATE "C", seq
      LIMIT $7`,
    [filter.partner ?? null, filter.from ?? null, filter.to ?? null, atMicros, chain, seq, page.size + 1],
  );
  return pageOf(rows, page.size, entryFromRow, (e) => `${e.at.getTime() * 1000}\u0000${e.chain}\u0000${e.seq}`);
}
