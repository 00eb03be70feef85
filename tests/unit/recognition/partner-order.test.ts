import { describe, expect, it } from 'vitest';
import { batchDeadlineMs, orderFor } from '../../../src/recognition/fan-out.js';

const partners = [{ id: 'city-a' }, { id: 'city-b' }, { id: 'county-x' }, { id: 'province' }];
const divisions: Record<string, string[]> = { 'city-a': ['2101'], 'city-b': ['2105'], 'county-x': ['210112'], province: ['21'] };
const order = (identifier: string) => orderFor(partners, identifier, (p) => divisions[p.id] ?? []).map((p) => p.id);

describe('orderFor: the USCC division code orders the partners, never excludes one', () => {
  it.each([
    ['91210112MA0P5GJ30X', ['county-x', 'city-a', 'province', 'city-b']],
    ['91210500MA0P5GJ30X', ['city-b', 'province', 'city-a', 'county-x']],
    ['91110000600037341L', ['city-a', 'city-b', 'county-x', 'province']],
    ['9121 0112-ma0p5gj30x', ['county-x', 'city-a', 'province', 'city-b']],
  ])('%s → %j', (identifier, expected) => {
    expect(order(identifier)).toEqual(expected);
  });

  it('identifiers that are not a USCC keep the given order', () => {
    expect(order('60003734-1')).toEqual(['city-a', 'city-b', 'county-x', 'province']);
    expect(order('110108000000016')).toEqual(['city-a', 'city-b', 'county-x', 'province']);
  });
});

describe('batchDeadlineMs: a partner gets the deadline for one subject and 10 ms for each further one', () => {
  it.each([
    [800, 1, 800],
    [800, 2, 810],
    [800, 1000, 10_790],
    [50, 0, 50],
  ])('deadline %i ms, %i subjects → %i ms', (deadline, subjects, expected) => {
    expect(batchDeadlineMs(deadline, subjects)).toBe(expected);
  });
});
