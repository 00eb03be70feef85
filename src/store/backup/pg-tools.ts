/**
 * Finding and running the PostgreSQL client programs (pg_dump, pg_restore,
 * psql): on PATH or in /usr/lib/postgresql/<major>/bin, of a major version
 * at least the one needed. The password travels in PGPASSWORD, never on the
 * command line (where `ps` would show it).
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CredfedError } from '../../core/errors.js';
import { describeDatabaseUrl, parseDatabaseUrl, redactSecret } from '../database-url.js';

export type PgTool = 'pg_dump' | 'pg_restore' | 'psql';

export interface FoundTool {
  readonly tool: PgTool;
  readonly path: string;
  readonly major: number;
  readonly version: string;
}

/** Directories searched: PATH first, then Debian's per-version directories, newest first. */
function searchDirs(): string[] {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const base = '/usr/lib/postgresql';
  let versions: string[] = [];
  try {
    versions = fs.readdirSync(base).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  } catch {
    // not a Debian layout
  }
  return [...dirs, ...versions.map((v) => path.join(base, v, 'bin'))];
}

/** "pg_dump (PostgreSQL) 15.18 (Debian …)" → { major 15, version "15.18" }. */
export function parseToolVersion(text: string): { major: number; version: string } | undefined {
  const m = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(text);
  if (!m) return undefined;
  return { major: Number(m[1]), version: m[2] ? `${m[1]}.${m[2]}` : m[1]! };
}

/**
 * The tool of major version `preferred` when present, else the newest one of
 * at least `minMajor`. Throws BACKUP_TOOL_MISSING naming what was looked for
 * and what was found.
 */
export function findPgTool(tool: PgTool, minMajor: number, preferred = minMajor): FoundTool {
  const found: FoundTool[] = [];
  const seen = new Set<string>();
  for (const dir of searchDirs()) {
    const candidate = path.join(dir, tool);
    let real: string;
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      real = fs.realpathSync(candidate);
    } catch {
      continue;
    }
    if (seen.has(real)) continue;
    seen.add(real);
    let out: string;
    try {
      out = execFileSync(candidate, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      continue;
    }
    const v = parseToolVersion(out);
    if (v) found.push({ tool, path: candidate, ...v });
  }
  const exact = found.find((t) => t.major === preferred);
  if (exact) return exact;
  const newer = found.filter((t) => t.major >= minMajor).sort((a, b) => b.major - a.major)[0];
  if (newer) return newer;
  const seenText = found.length > 0 ? ` (found ${found.map((t) => `${t.tool} ${t.version} at ${t.path}`).join(', ')}: too old)` : '';
  throw new CredfedError(
    'BACKUP_TOOL_MISSING',
    `${tool} of PostgreSQL ${minMajor} or newer is needed and was not found on PATH or in /usr/lib/postgresql/*/bin${seenText}; install the PostgreSQL ${preferred} client programs (e.g. apt-get install postgresql-client-${preferred}) or put them on PATH`,
    { tool, minMajor },
  );
}

/**
 * The URL without its password — neither in the user info nor in a
 * `password` query parameter — for the tools' command line, and the password
 * for PGPASSWORD (the query parameter's when both are given: libpq lets it
 * win). Parsed as ../database-url.ts parses it; a URL it cannot parse is
 * refused (CONFIG_INVALID) rather than put on a command line `ps` shows.
 */
export function splitPassword(databaseUrl: string): { url: string; password?: string } {
  const parsed = parseDatabaseUrl(databaseUrl);
  if (!parsed) {
    throw new CredfedError(
      'CONFIG_INVALID',
      `store.databaseUrl is not a URL the backup can pass to the PostgreSQL client programs without showing its password (${describeDatabaseUrl(databaseUrl)}); write it as postgres://user@host:port/database, with the password in the URL or in PGPASSWORD`,
    );
  }
  const { url, emptyHost } = parsed;
  const inQuery = url.searchParams.get('password');
  const inUserinfo = url.password ? safeDecode(url.password) : undefined;
  if (inQuery === null && inUserinfo === undefined) return { url: databaseUrl };
  url.password = '';
  if (inQuery !== null) url.searchParams.delete('password');
  const text = emptyHost
    ? `${url.protocol}//${url.username ? `${url.username}@` : ''}${url.pathname}${url.search}${url.hash}`
    : url.toString();
  return { url: text, password: inQuery ?? inUserinfo };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The environment of a client program: ours, with PGPASSWORD when the URL has a password. */
export function toolEnv(databaseUrl: string): NodeJS.ProcessEnv {
  const { password } = splitPassword(databaseUrl);
  return password === undefined ? { ...process.env } : { ...process.env, PGPASSWORD: password };
}

/** Runs a tool to its end; STORE_UNAVAILABLE with its (redacted) stderr when it fails. */
export function runPgTool(tool: FoundTool, args: readonly string[], databaseUrl: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool.path, args, { env: toolEnv(databaseUrl), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (err) => reject(new CredfedError('BACKUP_TOOL_MISSING', `cannot run ${tool.path}: ${err.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new CredfedError('STORE_UNAVAILABLE', `${tool.tool} failed (${signal ?? `exit ${code}`}): ${redactSecret(stderr.trim(), databaseUrl)}`));
    });
  });
}
