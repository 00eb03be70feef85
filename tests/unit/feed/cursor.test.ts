// Feed cursors: opaque tokens naming a position (transaction id, event id),
// refused with CURSOR_INVALID when not one a gateway issued; positions order
// by transaction first. Event kinds from the statuses before and after.
import { describe, expect, it } from 'vitest';
import { comparePositions, encodeCursor, FEED_START, parseCursor } from '../../../src/core/feed/cursor.js';
import { eventKind } from '../../../src/core/feed/event-kind.js';
import { CredfedError } from '../../../src/core/errors.js';
import { FeedEventKind } from '../../../src/gen/credfed/v1/feed.js';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as CredfedError).code;
  }
  return 'none';
};

describe('feed cursors', () => {
  it('round-trip a feed and position, including xids beyond 2^53', () => {
    const feed = '2f0c6a52-7e1d-4c1b-9d43-5c3f1b2ae91a';
    for (const p of [{ feed, ...FEED_START }, { feed, xid: '773', id: '0' }, { feed, xid: '18446744073709551615', id: '9007199254740993' }]) {
      const token = encodeCursor(p);
      expect(token).toMatch(/^c1\.[A-Za-z0-9_-]+$/);
      expect(parseCursor(token)).toEqual(p);
    }
  });

  it('refuse what is not a cursor, naming it', () => {
    const f = '2f0c6a527e1d4c1b9d435c3f1b2ae91a';
    const cursorOf = (body: string) => 'c1.' + Buffer.from(body).toString('base64url');
    for (const bad of ['', 'abc', 'c2.MTox', 'c1.', 'c1.***', cursorOf('1:2'), cursorOf(`${f}:1:2:3`), cursorOf(`${f}:01:2`), cursorOf(`${f}:1:-2`), cursorOf(`xyz:1:2`)]) {
      expect(code(() => parseCursor(bad)), bad).toBe('CURSOR_INVALID');
    }
    expect(() => parseCursor('nope')).toThrow(/"nope" is not a feed cursor/);
  });

  it('order positions by transaction, then event', () => {
    expect(comparePositions({ xid: '9', id: '100' }, { xid: '10', id: '1' })).toBe(-1);
    expect(comparePositions({ xid: '10', id: '2' }, { xid: '10', id: '1' })).toBe(1);
    expect(comparePositions({ xid: '18446744073709551615', id: '1' }, { xid: '18446744073709551615', id: '1' })).toBe(0);
  });
});

describe('feed event kinds', () => {
  it.each([
    [null, 1, FeedEventKind.FEED_EVENT_KIND_NEW],
    [1, 1, FeedEventKind.FEED_EVENT_KIND_CORRECTED],
    [2, 1, FeedEventKind.FEED_EVENT_KIND_CORRECTED],
    [1, 2, FeedEventKind.FEED_EVENT_KIND_DISPUTED],
    [1, 3, FeedEventKind.FEED_EVENT_KIND_REPAIRED],
    [2, 4, FeedEventKind.FEED_EVENT_KIND_REVOKED],
    [1, 5, FeedEventKind.FEED_EVENT_KIND_EXPIRED],
    [null, 4, FeedEventKind.FEED_EVENT_KIND_REVOKED],
  ])('from %s to %s: %s', (previous, status, kind) => {
    expect(eventKind(previous, status)).toBe(kind);
  });
});
