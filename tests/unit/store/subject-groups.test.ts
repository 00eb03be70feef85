import { describe, expect, it } from 'vitest';
import type { EvidenceId } from '../../../src/core/graph/evidence.js';
import { groupBySharedIdentifiers } from '../../../src/store/repos/subject-groups.js';

const s = (...values: string[]): EvidenceId[] => values.map((v) => ({ scheme: v.startsWith('O') ? 2 : 1, value: v }));

describe('groupBySharedIdentifiers', () => {
  let next = 0;
  const newId = () => `id${++next}`;

  it.each([
    ['no sharing: one group each', [s('U1'), s('U2'), s('O3')], [[0], [1], [2]]],
    ['a shared identifier joins two descriptions', [s('U1', 'O1'), s('U2'), s('O1')], [[0, 2], [1]]],
    ['a chain joins three (the last links the first two)', [s('U1'), s('O1'), s('U1', 'O1')], [[0, 1, 2]]],
    ['the same value under two schemes does not join', [s('U1'), [{ scheme: 2, value: 'U1' }]], [[0], [1]]],
  ])('%s', (_what, descriptions, expected) => {
    const groups = groupBySharedIdentifiers(descriptions, newId);
    expect(groups.map((g) => g.members)).toEqual(expected);
  });

  it('keeps each identifier once, in first-seen order, with the member that gave it', () => {
    const groups = groupBySharedIdentifiers([s('U1', 'O1'), s('O1', 'O2'), s('U1')], newId);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.identifiers.map((i) => [i.value, i.member])).toEqual([['U1', 0], ['O1', 0], ['O2', 1]]);
    expect(groups[0]!.candidate).toMatch(/^id\d+$/);
  });
});
