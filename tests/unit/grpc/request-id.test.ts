// A call's request id (issue 9, point 2): the caller's x-request-id when well
// formed (1–64 of A-Z a-z 0-9 . _ -), else a new UUID.
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { requestIdOf } from '../../../src/grpc/rpc-wrapper.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const md = (value?: string) => {
  const m = new grpc.Metadata();
  if (value !== undefined) m.set('x-request-id', value);
  return m;
};

describe('requestIdOf', () => {
  it.each(['a', 'bid-office.2026-12-05_0001', 'x'.repeat(64)])('keeps %s', (id) => expect(requestIdOf(md(id))).toBe(id));

  it.each([
    ['none', undefined],
    ['empty', ''],
    ['65 characters', 'x'.repeat(65)],
    ['a space', 'a b'],
    ['a slash', 'a/b'],
    ['a semicolon', 'a;b'],
  ])('replaces %s with a new UUID', (_name, id) => expect(requestIdOf(md(id))).toMatch(UUID));

  it('gives each call its own id when the caller sends none', () => expect(requestIdOf(md())).not.toBe(requestIdOf(md())));
});
