// parseRecordJson (src/core/records/parse-record-json.ts): one NDJSON line, the
// protobuf JSON form of a CreditRecord, parsed for a local import.
import { describe, expect, it } from 'vitest';
import { parseRecordJson } from '../../../src/core/records/parse-record-json.js';
import { CreditRecord, RecordCategory, RecordStatus } from '../../../src/gen/credfed/v1/record.js';
import { SubjectKind } from '../../../src/gen/credfed/v1/subject.js';
import { sampleRecord } from '../../../src/sample/sample-records.js';

const NODE = 'county-a';
const NOW = new Date('2026-03-04T05:06:07.089Z');
const NOW_TS = { seconds: Math.floor(NOW.getTime() / 1000), nanos: 89_000_000 };

/** A legal-person penalty of NODE (its identifiers are a USCC and an org code). */
const SAMPLE = (() => {
  for (let i = 0; ; i++) {
    const r = sampleRecord(NODE, '210100', i);
    if (r.subject?.kind === SubjectKind.SUBJECT_KIND_LEGAL_PERSON && r.details?.$case === 'penalty') return r;
  }
})();

/** The sample's protobuf JSON, as a mutable plain object. */
const sampleJson = (): Record<string, unknown> => CreditRecord.toJSON(SAMPLE) as Record<string, unknown>;

const parse = (doc: unknown) => parseRecordJson(typeof doc === 'string' ? doc : JSON.stringify(doc), NODE, NOW);

/** Object keys in snake_case, recursively (values such as enum names are left alone). */
function snakeKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(snakeKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), snakeKeys(x)]));
  }
  return v;
}

describe('parseRecordJson', () => {
  it('parses the protobuf JSON of a valid record, identifiers normalised', () => {
    const result = parse(sampleJson());
    expect(result.error).toBeUndefined();
    const ids = SAMPLE.subject!.identifiers.map((id) => ({ ...id, value: id.value.replace('-', '') }));
    expect(result.value).toEqual({ ...SAMPLE, subject: { ...SAMPLE.subject!, identifiers: ids } });
  });

  it.each([
    ['not JSON', 'this is not json'],
    ['truncated JSON', JSON.stringify(sampleJson()).slice(0, 40)],
    ['a JSON array', JSON.stringify([sampleJson()])],
    ['JSON null', 'null'],
    ['a JSON number', '42'],
    ['a JSON string', '"record"'],
    ['a line over a million characters', JSON.stringify({ ...sampleJson(), recordId: 'x'.repeat(1_000_001) })],
  ])('refuses %s as IMPORT_LINE_INVALID', (_name, line) => {
    expect(parse(line).error).toMatchObject({ reason: 'IMPORT_LINE_INVALID' });
  });

  it('refuses a record of another origin as RECORD_ORIGIN_MISMATCH', () => {
    expect(parse({ ...sampleJson(), originId: 'county-b' }).error).toMatchObject({ reason: 'RECORD_ORIGIN_MISMATCH', field: 'origin_id' });
    expect(parse({ ...sampleJson(), origin_id: 'county-b', originId: undefined }).error).toMatchObject({
      reason: 'RECORD_ORIGIN_MISMATCH',
    });
  });

  it('defaults the origin to this node', () => {
    const { originId: _o, ...doc } = sampleJson();
    expect(parse(doc).value?.originId).toBe(NODE);
  });

  it('defaults the status to active and keeps a given one', () => {
    const { status: _s, ...doc } = sampleJson();
    expect(parse(doc).value?.status).toBe(RecordStatus.RECORD_STATUS_ACTIVE);
    expect(parse({ ...doc, status: 'RECORD_STATUS_DISPUTED' }).value?.status).toBe(RecordStatus.RECORD_STATUS_DISPUTED);
  });

  it('defaults reported-at to the given now and keeps a given one', () => {
    const { reportedAt: _r, ...doc } = sampleJson();
    expect(parse(doc).value?.reportedAt).toEqual(NOW_TS);
    expect(parse({ ...doc, reportedAt: '2026-01-02T03:04:05Z' }).value?.reportedAt).toEqual({ seconds: Date.UTC(2026, 0, 2, 3, 4, 5) / 1000, nanos: 0 });
  });

  it('does not require a version (the store assigns it)', () => {
    const { version: _v, ...doc } = sampleJson();
    expect(parse(doc).error).toBeUndefined();
    expect(parse(doc).value?.version).toBe(0);
  });

  it('accepts snake_case field names (protobuf JSON) as well as camelCase', () => {
    const doc = snakeKeys(sampleJson()) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(expect.arrayContaining(['origin_id', 'record_id', 'decision_date', 'reported_at']));
    expect(parse(doc)).toEqual(parse(sampleJson()));
  });

  it('accepts enums as names or as numbers', () => {
    const byName = parse({ ...sampleJson(), category: 'RECORD_CATEGORY_ADMINISTRATIVE_PENALTY', status: 'RECORD_STATUS_ACTIVE' });
    const byNumber = parse({ ...sampleJson(), category: 2, status: 1, disclosure: 1 });
    expect(byName.value?.category).toBe(RecordCategory.RECORD_CATEGORY_ADMINISTRATIVE_PENALTY);
    expect(byNumber).toEqual(byName);
  });

  it.each([
    ['an unknown enum name', 'RECORD_CATEGORY_NO_SUCH_THING'],
    ['an unknown number', 99],
    ['the unspecified value', 'RECORD_CATEGORY_UNSPECIFIED'],
  ])('reports %s as category RECORD_CATEGORY_UNKNOWN', (_name, category) => {
    expect(parse({ ...sampleJson(), category }).error).toMatchObject({ reason: 'RECORD_CATEGORY_UNKNOWN', field: 'category' });
  });

  it('reports what validateRecord finds, e.g. an invalid USCC', () => {
    const doc = sampleJson() as { subject: { identifiers: { value: string }[] } };
    const uscc = doc.subject.identifiers[0]!.value;
    doc.subject.identifiers[0]!.value = uscc.slice(0, 17) + (uscc.endsWith('0') ? '1' : '0');
    expect(parse(doc).error).toMatchObject({ reason: 'IDENTIFIER_INVALID', field: 'subject.identifiers[0].value' });
  });

  it('refuses a structurally broken record (a null identifier) without throwing', () => {
    const doc = sampleJson() as { subject: { identifiers: unknown[] } };
    doc.subject.identifiers = [null];
    expect(parse(doc).error).toMatchObject({ reason: 'RECORD_FIELD_INVALID' });
  });

  // Regression: an unparsable reportedAt became { seconds: NaN } and passed;
  // the store then threw ("Invalid time value" / NaN to BigInt) and the whole
  // import failed instead of rejecting the one line.
  it.each(['yesterday', '2026-13-45T00:00:00Z', { seconds: 'soon' }])('refuses an unparsable reported-at %j', (reportedAt) => {
    const result = parse({ ...sampleJson(), reportedAt });
    expect(result.error).toMatchObject({ reason: 'RECORD_FIELD_INVALID' });
  });
});
