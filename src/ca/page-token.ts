/**
 * Opaque page tokens of `cert list`: the keyset position (not-after, serial)
 * of the last certificate shown, bound to the filters of the listing so a
 * token is never applied to another query.
 */
import { createHash } from 'node:crypto';
import { err, ok, type Result } from '../core/result.js';

const VERSION = 1;
const SERIAL = /^[0-9a-f]{1,64}$/;

/** Where the next page starts: after this certificate. */
export interface PageCursor {
  readonly notAfter: Date;
  readonly serial: string;
}

/** The filters a token is bound to, as given by the user. */
export interface PageFilters {
  readonly partnerId?: string;
  /** The --expiring duration in milliseconds (not the moving instant it implies). */
  readonly expiringMs?: number;
}

/** Encodes a cursor for the given filters (base64url of a small versioned JSON). */
export function encodePageToken(cursor: PageCursor, filters: PageFilters): string {
  const body = { v: VERSION, t: cursor.notAfter.getTime(), s: cursor.serial, f: filterKey(filters) };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

/** Decodes a token; an error names why it is refused (malformed, another version, other filters). */
export function decodePageToken(token: string, filters: PageFilters): Result<PageCursor, string> {
  if (!/^[A-Za-z0-9_-]{1,512}$/.test(token)) return err('page token is not base64url text');
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return err('page token does not decode');
  }
  if (typeof body !== 'object' || body === null) return err('page token does not decode');
  const { v, t, s, f } = body as Record<string, unknown>;
  if (v !== VERSION) return err(`page token version ${JSON.stringify(v)} is not supported`);
  if (typeof t !== 'number' || !Number.isSafeInteger(t) || typeof s !== 'string' || !SERIAL.test(s)) {
    return err('page token does not decode');
  }
  if (f !== filterKey(filters)) return err('page token belongs to a listing with other filters (--partner, --expiring)');
  return ok({ notAfter: new Date(t), serial: s });
}

function filterKey(filters: PageFilters): string {
  const canonical = JSON.stringify([filters.partnerId ?? null, filters.expiringMs ?? null]);
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 12);
}
