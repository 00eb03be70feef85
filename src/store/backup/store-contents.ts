/**
 * What a backup or a restore asks of a store, through any SQL connection
 * (`pg`, or PGlite opened in-process): its schema level, whether it holds
 * data, its row counts, and a new feed id after a restore.
 */

/** A query function: `pg` clients and PGlite both fit. */
export type RunSql = (sql: string, params?: unknown[]) => Promise<{ rows: any[] }>;

/** Tables whose rows are counted in the manifest and checked after a restore. */
export const COUNTED_TABLES = ['records', 'subjects', 'partners', 'outbox', 'inbound_cursors', 'certificates', 'audit_entries'] as const;

/** Tables that migrations fill themselves: rows there do not make a store non-empty. */
const SEEDED_TABLES = ['schema_migrations', 'feed_horizon', 'agreements_revision'];

/** The newest applied migration, 0 for a blank database. */
export async function schemaLevel(sql: RunSql): Promise<number> {
  const { rows } = await sql(`SELECT to_regclass('public.schema_migrations') IS NOT NULL AS present`);
  if (!rows[0]?.present) return 0;
  const level = await sql(`SELECT coalesce(max(version), 0)::int AS v FROM schema_migrations`);
  return Number(level.rows[0]?.v ?? 0);
}

/** Whether the credfed schema exists at all (schema_migrations). */
export async function hasSchema(sql: RunSql): Promise<boolean> {
  const { rows } = await sql(`SELECT to_regclass('public.schema_migrations') IS NOT NULL AS present`);
  return Boolean(rows[0]?.present);
}

/** Tables of the public schema that hold at least one row (other than what migrations seed). */
export async function tablesWithData(sql: RunSql): Promise<string[]> {
  const { rows } = await sql(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
  const tables = rows.map((r: { tablename: string }) => r.tablename).filter((t: string) => !SEEDED_TABLES.includes(t));
  const full: string[] = [];
  for (const table of tables) {
    const { rows: any } = await sql(`SELECT EXISTS (SELECT 1 FROM public."${table.replace(/"/g, '""')}") AS x`);
    if (any[0]?.x) full.push(table);
  }
  return full;
}

/** Row counts of the counted tables that exist. */
export async function rowCounts(sql: RunSql): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of COUNTED_TABLES) {
    const { rows } = await sql(`SELECT to_regclass($1) IS NOT NULL AS present`, [`public.${table}`]);
    if (!rows[0]?.present) continue;
    const n = await sql(`SELECT count(*)::text AS n FROM ${table}`);
    counts[table] = Number(n.rows[0]?.n ?? 0);
  }
  return counts;
}

/** Tables whose counts differ from the manifest's, as "table: got N, backup M". */
export function countMismatches(expected: Readonly<Record<string, number>>, actual: Readonly<Record<string, number>>): string[] {
  return Object.entries(expected)
    .filter(([table, n]) => actual[table] !== n)
    .map(([table, n]) => `${table}: ${actual[table] ?? 'missing'} rows, the backup has ${n}`);
}

/**
 * Starts the restored store's change feed afresh (migration 0013): a new feed
 * id, so cursors handed out before the restore name the old feed and are
 * refused as CURSOR_EXPIRED and subscribers pull in full instead of silently
 * skipping what the restore took back. The old events are dropped and the
 * horizon reset: no cursor can reach them any more, and their transaction
 * ids (positions) mean nothing on another PostgreSQL cluster, whose counter
 * may be behind them. The same statements run inside the PostgreSQL
 * restore's transaction (postgres-backup.ts).
 */
export const RENEW_FEED_SQL = `UPDATE public.feed_horizon SET feed_id = gen_random_uuid(), xid = '0'::xid8, id = 0;
TRUNCATE public.feed_events;`;

/** Runs RENEW_FEED_SQL when the schema has a feed; returns the new feed id. */
export async function renewFeedId(sql: RunSql): Promise<string | undefined> {
  const { rows } = await sql(`SELECT to_regclass('public.feed_horizon') IS NOT NULL AS present`);
  if (!rows[0]?.present) return undefined;
  for (const statement of RENEW_FEED_SQL.split(';\n')) await sql(statement.replace(/;$/, ''));
  const renewed = await sql(`SELECT feed_id::text AS feed_id FROM feed_horizon`);
  return renewed.rows[0]?.feed_id as string | undefined;
}
