import { describe, expect, it } from 'vitest';
import { decodePageToken, encodePageToken } from '../../../src/ca/page-token.js';

const cursor = { notAfter: new Date('2027-01-02T03:04:05.000Z'), serial: '0a1b2c' };

describe('page tokens', () => {
  it('round-trips a cursor for the same filters', () => {
    for (const filters of [{}, { partnerId: 'county-a' }, { expiringMs: 86_400_000 }, { partnerId: 'x', expiringMs: 1 }]) {
      expect(decodePageToken(encodePageToken(cursor, filters), filters)).toEqual({ value: cursor });
    }
  });

  it('is opaque base64url text', () => {
    expect(encodePageToken(cursor, {})).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['another partner', { partnerId: 'county-a' }, { partnerId: 'county-b' }],
    ['a partner filter added', {}, { partnerId: 'county-a' }],
    ['another expiring window', { expiringMs: 1 }, { expiringMs: 2 }],
    ['the expiring filter dropped', { expiringMs: 1 }, {}],
  ])('refuses a token from a listing with %s', (_what, from, to) => {
    expect(decodePageToken(encodePageToken(cursor, from), to).error).toMatch(/other filters/);
  });

  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  it.each([
    ['empty', ''],
    ['not base64url', 'abc/+=='],
    ['not JSON', Buffer.from('not json').toString('base64url')],
    ['JSON null', b64(null)],
    ['another version', b64({ v: 2, t: 0, s: 'ab', f: '' })],
    ['a non-hex serial', b64({ v: 1, t: 0, s: "ab'; DROP TABLE certificates; --", f: '' })],
    ['a fractional time', b64({ v: 1, t: 1.5, s: 'ab', f: '' })],
    ['a string time', b64({ v: 1, t: '0', s: 'ab', f: '' })],
    ['too long', 'a'.repeat(600)],
  ])('refuses %s', (_what, token) => {
    expect(decodePageToken(token, {}).error).toBeDefined();
  });
});
