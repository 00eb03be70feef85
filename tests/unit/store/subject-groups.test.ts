import { describe, expect, it } from 'vitest';
import { IdentifierScheme, SubjectKind, type Subject } from '../../../src/gen/credfed/v1/subject.js';
import { groupBySharedIdentifiers } from '../../../src/store/repos/subject-groups.js';

const s = (...values: string[]): Subject => ({
  kind: SubjectKind.SUBJECT_KIND_LEGAL_PERSON,
  name: values.join('+'),
  identifiers: values.map((v) => ({ scheme: v.startsWith('O') ? IdentifierScheme.IDENTIFIER_SCHEME_ORG_CODE : IdentifierScheme.IDENTIFIER_SCHEME_USCC, value: v })),
  legalRepresentative: '',
});

describe('groupBySharedIdentifiers', () => {
  let next = 0;
  const newId = () => `id${++next}`;

  it.each([
    ['no sharing: one group each', [s('U1'), s('U2'), s('O3')], [0, 1, 2]],
    ['a shared identifier joins two descriptions', [s('U1', 'O1'), s('U2'), s('O1')], [0, 1, 0]],
    ['a chain joins three (the last links the first two)', [s('U1'), s('O1'), s('U1', 'O1')], [0, 0, 0]],
    ['the same scheme-less value under two schemes does not join', [s('U1'), { ...s('U1'), identifiers: [{ scheme: IdentifierScheme.IDENTIFIER_SCHEME_ORG_CODE, value: 'U1' }] }], [0, 1]],
  ])('%s', (_what, subjects, expected) => {
    const { groups, groupOf } = groupBySharedIdentifiers(subjects as Subject[], newId);
    const index = groupOf.map((g) => groups.indexOf(g));
    expect(index).toEqual(expected);
  });

  it('keeps each identifier once, in first-seen order, and the first description of each group', () => {
    const subjects = [s('U1', 'O1'), s('O1', 'O2'), s('U1')];
    const { groups } = groupBySharedIdentifiers(subjects, newId);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.identifiers.map((i) => i.value)).toEqual(['U1', 'O1', 'O2']);
    expect(groups[0]!.first).toBe(subjects[0]);
    expect(groups[0]!.candidate).toMatch(/^id\d+$/);
  });
});
