import type pg from 'pg';

/** Anything that runs SQL: the store itself or an open transaction (`name`: see `TxQuery`). */
export interface Queryable {
  query<R extends pg.QueryResultRow = any>(sql: string, params?: unknown[], name?: string): Promise<pg.QueryResult<R>>;
}
