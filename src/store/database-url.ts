/**
 * Naming a database in messages without its password.
 */

/**
 * `user@host:port/database` of a PostgreSQL URL, without the password; a URL
 * that does not parse is named generically rather than echoed.
 */
export function describeDatabaseUrl(databaseUrl: string): string {
  const url = parseUrl(databaseUrl);
  if (!url) return 'the configured database URL (unparsable)';
  const host = url.searchParams.get('host') || url.hostname || 'localhost';
  const port = url.port || url.searchParams.get('port') || '5432';
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || url.searchParams.get('dbname') || '(default)';
  const user = url.username ? `${decodeURIComponent(url.username)}@` : '';
  return `${user}${host.startsWith('/') ? host : `${host}:${port}`}/${database}`;
}

/** Replaces the URL's password (raw and decoded) wherever it appears in `text`. */
export function redactSecret(text: string, databaseUrl: string): string {
  const url = parseUrl(databaseUrl);
  // In the user part or as libpq's ?password= parameter.
  const passwords = [url?.password, url?.searchParams.get('password')].filter((p): p is string => Boolean(p));
  let out = text;
  for (const password of passwords) {
    for (const secret of new Set([password, safeDecode(password)])) {
      if (secret) out = out.split(secret).join('***');
    }
  }
  return out;
}

/** WHATWG URL, also for libpq's empty-host form `postgres://user@/db?host=/socket/dir`. */
function parseUrl(databaseUrl: string): URL | undefined {
  return parseDatabaseUrl(databaseUrl)?.url;
}

/**
 * The URL parsed as this module reads it. `emptyHost` is true for libpq's
 * form without a host (`postgres://user@/db…`), which WHATWG URL refuses and
 * which is parsed with `localhost` in its place: whoever writes such a URL
 * back must leave the host empty again (libpq then uses its socket).
 */
export function parseDatabaseUrl(databaseUrl: string): { url: URL; emptyHost: boolean } | undefined {
  try {
    return { url: new URL(databaseUrl), emptyHost: false };
  } catch {
    // libpq's empty-host form?
  }
  if (!databaseUrl.includes('@/')) return undefined;
  try {
    return { url: new URL(databaseUrl.replace('@/', '@localhost/')), emptyHost: true };
  } catch {
    return undefined;
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
