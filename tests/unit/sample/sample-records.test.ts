// generateRecords / sampleRecord (src/sample/sample-records.ts): deterministic,
// valid, unique record ids; record i is a pure function of (origin, index).
import { describe, expect, it } from 'vitest';
import { validateRecord } from '../../../src/core/records/validate-record.js';
import { RecordCategory } from '../../../src/gen/credfed/v1/record.js';
import { SubjectKind } from '../../../src/gen/credfed/v1/subject.js';
import { generateRecords, sampleRecord } from '../../../src/sample/sample-records.js';

const ORIGINS = ['county-a', 'county-b', 'city', 'neighbour-city'];

describe('generateRecords', () => {
  it('is deterministic: the same options give deep-equal records', () => {
    const opts = { originId: 'county-a', count: 300 };
    expect(generateRecords(opts)).toEqual(generateRecords(opts));
  });

  it('gives record i of a larger run equal to record i of a smaller run', () => {
    const small = generateRecords({ originId: 'county-a', count: 50 });
    const large = generateRecords({ originId: 'county-a', count: 500 });
    expect(large.slice(0, 50)).toEqual(small);
  });

  it('with start, continues where a previous run stopped', () => {
    const whole = generateRecords({ originId: 'county-b', count: 120 });
    const parts = [...generateRecords({ originId: 'county-b', count: 70 }), ...generateRecords({ originId: 'county-b', start: 70, count: 50 })];
    expect(parts).toEqual(whole);
    expect(sampleRecord('county-b', '210100', 99)).toEqual(whole[99]);
  });

  it('differs between origins and between division codes', () => {
    const [a, b] = [generateRecords({ originId: 'county-a', count: 20 }), generateRecords({ originId: 'county-b', count: 20 })];
    expect(a.map((r) => r.subject)).not.toEqual(b.map((r) => r.subject));
    const other = generateRecords({ originId: 'county-a', divisionCode: '210500', count: 20 });
    for (const r of other.filter((x) => x.subject?.kind === SubjectKind.SUBJECT_KIND_LEGAL_PERSON)) {
      expect(r.subject!.identifiers[0]!.value.slice(2, 8)).toBe('210500');
    }
  });

  it('generates only records that pass validateRecord with requireVersion, over several origins', () => {
    const failures: { recordId: string; problem: unknown }[] = [];
    for (const originId of ORIGINS) {
      for (const r of generateRecords({ originId, count: 2000 })) {
        expect(r.originId).toBe(originId);
        const result = validateRecord(r, { requireVersion: true });
        if (result.error) failures.push({ recordId: r.recordId, problem: result.error });
      }
    }
    expect(failures).toEqual([]);
  });

  it('gives unique record ids within and across origins', () => {
    const ids = ORIGINS.flatMap((originId) => generateRecords({ originId, count: 2000 }).map((r) => `${r.originId}/${r.recordId}`));
    expect(new Set(ids).size).toBe(ids.length);
    const recordIds = ORIGINS.flatMap((originId) => generateRecords({ originId, count: 2000 }).map((r) => r.recordId));
    expect(new Set(recordIds).size).toBe(recordIds.length);
  });

  it('covers legal and natural persons and every category it claims to generate', () => {
    const records = generateRecords({ originId: 'county-a', count: 2000 });
    const kinds = new Set(records.map((r) => r.subject?.kind));
    const categories = new Set(records.map((r) => r.category));
    expect(kinds).toEqual(new Set([SubjectKind.SUBJECT_KIND_LEGAL_PERSON, SubjectKind.SUBJECT_KIND_NATURAL_PERSON]));
    expect(categories).toEqual(
      new Set([
        RecordCategory.RECORD_CATEGORY_ADMINISTRATIVE_LICENCE,
        RecordCategory.RECORD_CATEGORY_ADMINISTRATIVE_PENALTY,
        RecordCategory.RECORD_CATEGORY_DISHONESTY_LIST,
        RecordCategory.RECORD_CATEGORY_CREDIT_EVALUATION,
      ]),
    );
  });

  it('returns nothing for count 0', () => {
    expect(generateRecords({ originId: 'county-a', count: 0 })).toEqual([]);
  });
});
