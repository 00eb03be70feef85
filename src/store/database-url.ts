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
  const password = parseUrl(databaseUrl)?.password;
  if (!password) return text;
  let out = text;
  for (const secret of new Set([password, safeDecode(password)])) {
    if (secret) out = out.split(secret).join('***');
  }
  return out;
}

/** WHATWG URL, also for libpq's empty-host form `postgres://user@/db?host=/socket/dir`. */
function parseUrl(databaseUrl: string): URL | undefined {
  for (const candidate of [databaseUrl, databaseUrl.replace('@/', '@localhost/')]) {
    try {
      return new URL(candidate);
    } catch {
      // try the next form
    }
  }
  return undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
