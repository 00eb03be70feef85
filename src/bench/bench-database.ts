/** Databases for benchmarks: one fresh database per run on a PostgreSQL server (DATABASE_URL or a throwaway cluster). */
import pg from 'pg';

/** Runs one statement on its own connection (CREATE / DROP DATABASE cannot run in a transaction). */
export async function adminQuery(url: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** The URL of database `db` on the server `adminUrl` points at. */
export function dbUrl(adminUrl: string, db: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${db}`;
  return u.toString();
}
