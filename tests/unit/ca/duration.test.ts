import { describe, expect, it } from 'vitest';
import { parseDays, parseDuration } from '../../../src/ca/duration.js';

const H = 3_600_000;

describe('parseDuration', () => {
  it.each([
    ['30d', 30 * 24 * H],
    ['12h', 12 * H],
    ['1h', H],
    ['2w', 14 * 24 * H],
    ['365d', 365 * 24 * H],
    ['36525d', 36_525 * 24 * H],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toEqual({ value: ms });
  });

  it.each(['', '30', 'd', '0d', '0h', '-1d', '+1d', '1.5d', '30 d', ' 30d', '30D', '30m', '30s', '1y', '36526d', '1000000d', 'thirty'])(
    'refuses %j',
    (text) => {
      expect(parseDuration(text).error).toMatch(/duration/);
    },
  );
});

describe('parseDays', () => {
  it.each([
    ['1', 1],
    ['90', 90],
    ['36525', 36_525],
  ])('%s is %d days', (text, days) => expect(parseDays(text)).toEqual({ value: days }));

  it.each(['0', '', '-1', '1.5', '1e3', '36526', '30d', 'ten'])('refuses %j', (text) => {
    expect(parseDays(text).error).toBeDefined();
  });
});
