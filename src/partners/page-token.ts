/**
 * Paging of list commands and calls (DESIGN.md §6.11): a page size with a
 * default and a maximum, and an opaque page token — the base64url text of the
 * last key of the previous page (keyset paging, stable under inserts).
 */
import { err, ok, type Result } from '../core/result.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** A page of items and, when more follow, the token of the next page. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextPageToken?: string;
}

/** Absent → the default; above the maximum → the maximum; not a whole number ≥ 1 → an error. */
export function parsePageSize(input: unknown): Result<number, string> {
  if (input === undefined) return ok(DEFAULT_PAGE_SIZE);
  const n = typeof input === 'string' && /^\d+$/.test(input.trim()) ? Number(input.trim()) : input;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) {
    return err(`page size must be a whole number from 1 to ${MAX_PAGE_SIZE}, found ${JSON.stringify(input)}`);
  }
  return ok(Math.min(n, MAX_PAGE_SIZE));
}

export function encodePageToken(lastKey: string): string {
  return Buffer.from(lastKey, 'utf8').toString('base64url');
}

/**
 * The last key a token names, if the token is one we could have issued:
 * canonical unpadded base64url of UTF-8 text that `isKey` accepts.
 */
export function decodePageToken(token: string, isKey: (key: string) => boolean): Result<string, string> {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return err('not a page token of this list');
  const bytes = Buffer.from(token, 'base64url');
  const key = bytes.toString('utf8');
  if (encodePageToken(key) !== token || !isKey(key)) return err('not a page token of this list');
  return ok(key);
}
