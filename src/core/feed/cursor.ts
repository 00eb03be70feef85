/**
 * A position in a gateway's change feed, and the opaque token a subscriber
 * keeps to resume after it. A position is (transaction id, event id): events
 * are delivered in that order (see migration 0013). The token also names the
 * feed (its database), so a cursor from another one is recognised.
 */
import { CredfedError } from '../errors.js';

export interface FeedPosition {
  /** The writing transaction's id (xid8, decimal). */
  readonly xid: string;
  /** The event's sequence number within the feed (decimal). */
  readonly id: string;
}

/** Before every event. */
export const FEED_START: FeedPosition = { xid: '0', id: '0' };

/** A position in one feed. */
export interface FeedCursor extends FeedPosition {
  /** The feed (database) it belongs to. */
  readonly feed: string;
}

const PREFIX = 'c1.';
const DECIMAL = /^(0|[1-9][0-9]{0,19})$/;
const FEED_ID = /^[0-9a-f]{32}$/;
const TOKEN = /^[A-Za-z0-9_-]+$/;

export function encodeCursor(c: FeedCursor): string {
  return PREFIX + Buffer.from(`${c.feed.replace(/-/g, '')}:${c.xid}:${c.id}`, 'utf8').toString('base64url');
}

/** The position a token names; CURSOR_INVALID when it is not one a gateway issued. */
export function parseCursor(token: string): FeedCursor {
  const body = token.startsWith(PREFIX) ? token.slice(PREFIX.length) : undefined;
  if (body === undefined || !TOKEN.test(body)) {
    throw new CredfedError('CURSOR_INVALID', `cursor "${shorten(token)}" is not a feed cursor (expected "${PREFIX}…" as a feed message carried it)`);
  }
  const [feed, xid, id, ...rest] = Buffer.from(body, 'base64url').toString('utf8').split(':');
  if (rest.length > 0 || feed === undefined || xid === undefined || id === undefined || !FEED_ID.test(feed) || !DECIMAL.test(xid) || !DECIMAL.test(id)) {
    throw new CredfedError('CURSOR_INVALID', `cursor "${shorten(token)}" is damaged: it does not name a feed position`);
  }
  return { feed: `${feed.slice(0, 8)}-${feed.slice(8, 12)}-${feed.slice(12, 16)}-${feed.slice(16, 20)}-${feed.slice(20)}`, xid, id };
}

/** Orders two positions: negative when `a` comes first. */
export function comparePositions(a: FeedPosition, b: FeedPosition): number {
  const x = BigInt(a.xid) - BigInt(b.xid);
  if (x !== 0n) return x < 0n ? -1 : 1;
  const i = BigInt(a.id) - BigInt(b.id);
  return i === 0n ? 0 : i < 0n ? -1 : 1;
}

function shorten(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}…` : s;
}
