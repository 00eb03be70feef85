/**
 * Keyset paging in the repositories (DESIGN.md §6.11): the page request
 * checked (size, and the key a page token names), one row more than the page
 * fetched, and the page with the token of the next one when that row came.
 */
import { CredfedError } from '../../core/errors.js';
import { decodePageToken, encodePageToken, parsePageSize, type Page } from '../../partners/page-token.js';

/** The page size asked for (the default when absent). Throws PARTNER_INVALID. */
export function pageSizeOf(n: number | undefined): number {
  const size = parsePageSize(n);
  if (size.error !== undefined) throw new CredfedError('PARTNER_INVALID', size.error);
  return size.value;
}

/** The last key of the previous page, named by a token of this list (`isKey`). Throws PAGE_TOKEN_INVALID. */
export function keyOf(token: string, isKey: (k: string) => boolean): string {
  const key = decodePageToken(token, isKey);
  if (key.error !== undefined) throw new CredfedError('PAGE_TOKEN_INVALID', key.error);
  return key.value;
}

/** A page of the first `size` of `rows` (fetched with LIMIT size + 1); the next token names the last item's key. */
export function pageOf<R, T>(rows: readonly R[], size: number, map: (row: R) => T, lastKey: (item: T) => string): Page<T> {
  const items = rows.slice(0, size).map(map);
  return rows.length > size ? { items, nextPageToken: encodePageToken(lastKey(items[items.length - 1]!)) } : { items };
}
