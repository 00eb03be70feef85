// Page sizes and page tokens (src/partners/page-token.ts).
import { describe, expect, it } from 'vitest';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, decodePageToken, encodePageToken, parsePageSize } from '../../../src/partners/page-token.js';
import { PARTNER_ID } from '../../../src/partners/validate-partner.js';

const isId = (k: string) => PARTNER_ID.test(k);

describe('parsePageSize', () => {
  it.each([
    [undefined, DEFAULT_PAGE_SIZE],
    [1, 1],
    ['120', 120],
    [MAX_PAGE_SIZE, MAX_PAGE_SIZE],
    [MAX_PAGE_SIZE + 1, MAX_PAGE_SIZE],
    ['100000', MAX_PAGE_SIZE],
  ])('%j → %d', (input, expected) => expect(parsePageSize(input)).toEqual({ value: expected }));

  it.each([0, -1, 2.5, '', 'ten', '1e3', '-5', Number.NaN, null])('refuses %j', (input) => {
    expect(parsePageSize(input).error).toBeDefined();
  });
});

describe('page tokens', () => {
  it('round-trips a key as unpadded base64url', () => {
    const token = encodePageToken('county-a');
    expect(token).toBe('Y291bnR5LWE');
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodePageToken(token, isId)).toEqual({ value: 'county-a' });
  });

  it.each([
    ['empty', ''],
    ['characters outside base64url', 'Y291bnR5LWE='],
    ['standard base64 characters', 'ab+/'],
    ['a non-canonical encoding (stray low bits)', 'Y291bnR5LWF'],
    ['bytes that are not UTF-8', Buffer.from([0xff, 0xfe, 0x41]).toString('base64url')],
    ['a key the list does not have (upper case)', encodePageToken('County')],
    ['a key of another list (a number)', encodePageToken('1')],
  ])('refuses %s', (_what, token) => {
    expect(decodePageToken(token, isId).error).toBeDefined();
  });
});
