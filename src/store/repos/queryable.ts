import type pg from 'pg';

/** Anything that runs SQL: the store itself or an open transaction. */
export interface Queryable {
  query<R extends pg.QueryResultRow = any>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
}
