// `credfed report monthly` through the real binary (node bin/credfed.js) on a
// store holding a small known set of records and rejections from two
// partners in November 2026, around both month boundaries (Asia/Shanghai),
// in the adjacent months (which must not count) and imported locally (not a
// partner's delivery). Every expected number was computed by hand from the
// fixture below and is written literally.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreditRecord } from '../../src/gen/credfed/v1/record.js';
import { applyRecords } from '../../src/store/repos/apply-records.js';
import { insertInboundRejections } from '../../src/store/repos/inbound-rejections-repo.js';
import { openStore } from '../../src/store/store.js';
import { enterprise, recordOf, type Kind } from '../helpers/agreement-records.js';
import { credfed } from '../helpers/cli-run.js';
import { newUscc } from '../helpers/id-codes.js';
import { createTestStoreConfig, writeStoreOnlyConfig, type TestStoreConfig } from '../helpers/store-fixture.js';

const firm = enterprise('本溪示例商贸有限公司', newUscc());

/** A record decided on `decided` and reported at `reported` (an instant, or none). */
function rec(origin: string, id: string, kind: Kind, decided: string, reported: string | undefined): CreditRecord {
  const r = recordOf(firm, { origin, id, kind });
  return { ...r, version: 1, decisionDate: decided, publicity: undefined, reportedAt: reported ? { seconds: Date.parse(reported) / 1000, nanos: 0 } : undefined };
}

// [received from, record, received at]. Decided 2026-11-02: due by 2026-11-11;
// decided 2026-10-26: due by 2026-11-04 (`credfed calendar show --date`).
const RECEIVED: [string, CreditRecord, string][] = [
  ['county-a', rec('county-a', 'a-lic-1', 'licence', '2026-11-02', '2026-11-11T10:00:00+08:00'), '2026-11-12T03:00:00Z'], // on time (the due day)
  ['county-a', rec('county-a', 'a-lic-2', 'licence', '2026-11-02', '2026-11-12T09:00:00+08:00'), '2026-11-12T03:00:00Z'], // late
  ['county-a', rec('county-a', 'a-pen-1', 'penalty', '2026-11-02', '2026-11-12T00:30:00+08:00'), '2026-11-13T03:00:00Z'], // late: 11-12 in Shanghai (11-11 UTC)
  ['county-a', rec('county-a', 'a-pen-2', 'penalty', '2023-12-20', '2024-01-10T10:00:00+08:00'), '2026-11-13T03:00:00Z'], // unknown: 2023 not in the calendar
  ['county-a', rec('county-a', 'a-dis-1', 'dishonesty', '2026-11-02', '2026-11-03T10:00:00+08:00'), '2026-11-20T03:00:00Z'], // volume only
  ['county-a', rec('county-a', 'a-lic-3', 'licence', '2026-10-26', '2026-10-28T10:00:00+08:00'), '2026-10-31T16:00:00Z'], // 11-01 00:00 Shanghai: November, on time
  ['county-a', rec('county-a', 'a-lic-4', 'licence', '2026-10-26', '2026-10-28T10:00:00+08:00'), '2026-10-31T15:59:59Z'], // October: not counted
  ['county-a', rec('county-a', 'a-lic-5', 'licence', '2026-11-02', '2026-11-30T10:00:00+08:00'), '2026-11-30T16:00:00Z'], // 12-01 00:00 Shanghai: December
  ['county-b', rec('county-b', 'b-pen-1', 'penalty', '2026-11-02', '2026-11-05T10:00:00+08:00'), '2026-11-20T03:00:00Z'], // on time
  ['county-b', rec('county-b', 'b-lic-1', 'licence', '2026-11-02', undefined), '2026-11-20T03:00:00Z'], // unknown: no reported-at
  ['local', rec('city', 'c-lic-1', 'licence', '2026-11-02', '2026-11-30T10:00:00+08:00'), '2026-11-20T03:00:00Z'], // imported here: not a partner's
];

// [partner, seq, reason, received at]
const REJECTED: [string, number, string, string][] = [
  ['county-a', 1, 'RECORD_FIELD_MISSING', '2026-11-05T03:00:00Z'],
  ['county-a', 2, 'IDENTIFIER_INVALID', '2026-11-05T03:00:00Z'],
  ['county-a', 3, 'IDENTIFIER_INVALID', '2026-11-30T15:59:59Z'], // 11-30 23:59:59 Shanghai
  ['county-a', 4, 'CATEGORY_NOT_ALLOWED', '2026-11-06T03:00:00Z'],
  ['county-a', 5, 'RECORD_FIELD_MISSING', '2026-10-31T15:00:00Z'], // October
  ['county-b', 1, 'RECORD_FIELD_INVALID', '2026-11-20T03:00:00Z'],
  ['county-b', 2, 'RECORD_FIELD_MISSING', '2026-12-01T03:00:00Z'], // December
];

// By hand: county-a received 6 (licences a-lic-1, a-lic-2, a-lic-3; penalties
// a-pen-1, a-pen-2; a-dis-1), on time 2, late 2, unknown 1; rejected 4 →
// delivered 10, completeness 9/10, conformity 8/10, late rate and timeliness 2/4.
// county-b received 2, on time 1, late 0, unknown 1; rejected 1 → delivered 3,
// completeness 3/3, conformity 2/3 = 0.667, late rate 0/1, timeliness 1/1.
const COUNTY_A = {
  partner: 'county-a',
  received: 6,
  categories: [
    { category: 'administrative_licence', received: 3, timeliness: { onTime: 2, late: 1, unknown: 0 } },
    { category: 'administrative_penalty', received: 2, timeliness: { onTime: 0, late: 1, unknown: 1 } },
    { category: 'dishonesty_list', received: 1, timeliness: null },
  ],
  timeliness: { onTime: 2, late: 2, unknown: 1, lateRate: 0.5 },
  rejected: 4,
  rejections: [
    { reason: 'CATEGORY_NOT_ALLOWED', dimension: 'other', count: 1 },
    { reason: 'IDENTIFIER_INVALID', dimension: 'conformity', count: 2 },
    { reason: 'RECORD_FIELD_MISSING', dimension: 'completeness', count: 1 },
  ],
  quality: { delivered: 10, completeness: 0.9, conformity: 0.8, timeliness: 0.5 },
};
const COUNTY_B = {
  partner: 'county-b',
  received: 2,
  categories: [
    { category: 'administrative_licence', received: 1, timeliness: { onTime: 0, late: 0, unknown: 1 } },
    { category: 'administrative_penalty', received: 1, timeliness: { onTime: 1, late: 0, unknown: 0 } },
  ],
  timeliness: { onTime: 1, late: 0, unknown: 1, lateRate: 0 },
  rejected: 1,
  rejections: [{ reason: 'RECORD_FIELD_INVALID', dimension: 'conformity', count: 1 }],
  quality: { delivered: 3, completeness: 1, conformity: 0.667, timeliness: 1 },
};

let storeConfig: TestStoreConfig;
let configFile: string;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-report-cli-'));

beforeAll(async () => {
  storeConfig = await createTestStoreConfig();
  configFile = writeStoreOnlyConfig(path.join(tmp, 'city.yaml'), storeConfig, {
    partners: ['county-a', 'county-b', 'county-c'].map((id) => ({ id, kind: 'child_county' })),
  });
  const store = await openStore({ databaseUrl: storeConfig.databaseUrl, dataDir: storeConfig.dataDir });
  try {
    for (const [from, record, at] of RECEIVED) {
      await store.transaction(async (tx) => {
        expect(await applyRecords(tx, [record], { receivedFrom: from, assignVersions: false, outboxPartners: [] })).toEqual(['accepted']);
        await tx.query('UPDATE records SET received_at = $1 WHERE record_id = $2', [at, record.recordId]);
      });
    }
    for (const [partner, seq, reason, at] of REJECTED) {
      await store.transaction(async (tx) => {
        await insertInboundRejections(tx, partner, [{ seq, originId: partner, recordId: `${partner}-bad-${seq}`, reason, field: 'subject.name' }]);
        await tx.query('UPDATE inbound_rejections SET received_at = $1 WHERE partner_id = $2 AND seq = $3', [at, partner, seq]);
      });
    }
  } finally {
    await store.close();
  }
}, 60_000);

afterAll(async () => {
  await storeConfig?.cleanup();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const report = (...args: string[]) => credfed(['report', 'monthly', '--config', configFile, ...args]);

describe('credfed report monthly on a known fixture', () => {
  it('json: per partner, volume by category, timeliness, rejections by reason and quality', async () => {
    const r = await report('--month', '2026-11', '--format', 'json');
    expect(r.stderr).not.toContain('unexpected error');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      month: '2026-11',
      timeZone: 'Asia/Shanghai',
      from: '2026-10-31T16:00:00.000Z',
      to: '2026-11-30T16:00:00.000Z',
      partners: [COUNTY_A, COUNTY_B],
    });
  });

  it('csv: one row per partner and measure', async () => {
    const r = await report('--month', '2026-11', '--format', 'csv', '--partner', 'county-b');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'month,partner,measure,item,value',
        '2026-11,county-b,received,administrative_licence,1',
        '2026-11,county-b,received,administrative_penalty,1',
        '2026-11,county-b,received,total,2',
        '2026-11,county-b,timeliness,administrative_licence.on_time,0',
        '2026-11,county-b,timeliness,administrative_licence.late,0',
        '2026-11,county-b,timeliness,administrative_licence.unknown,1',
        '2026-11,county-b,timeliness,administrative_penalty.on_time,1',
        '2026-11,county-b,timeliness,administrative_penalty.late,0',
        '2026-11,county-b,timeliness,administrative_penalty.unknown,0',
        '2026-11,county-b,timeliness,on_time,1',
        '2026-11,county-b,timeliness,late,0',
        '2026-11,county-b,timeliness,unknown,1',
        '2026-11,county-b,rate,late,0.000',
        '2026-11,county-b,rejected,RECORD_FIELD_INVALID,1',
        '2026-11,county-b,rejected,total,1',
        '2026-11,county-b,quality,delivered,3',
        '2026-11,county-b,quality,completeness,1.000',
        '2026-11,county-b,quality,conformity,0.667',
        '2026-11,county-b,quality,timeliness,1.000',
        '',
      ].join('\r\n'),
    );
  });

  it('table: the summary, the categories and the reasons', async () => {
    const r = await report('--month', '2026-11');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n').map((l) => l.split(/\s+/).filter(Boolean).join(' '));
    expect(lines).toContain('PARTNER RECEIVED REJECTED ON_TIME LATE UNKNOWN LATE_RATE COMPLETENESS CONFORMITY TIMELINESS');
    expect(lines).toContain('county-a 6 4 2 2 1 0.500 0.900 0.800 0.500');
    expect(lines).toContain('county-b 2 1 1 0 1 0.000 1.000 0.667 1.000');
    expect(lines).toContain('county-a administrative_penalty 2 0 1 1');
    expect(lines).toContain('county-a dishonesty_list 1 - - -');
    expect(lines).toContain('county-a IDENTIFIER_INVALID conformity 2');
    expect(lines).toContain('county-a CATEGORY_NOT_ALLOWED other 1');
    expect(r.stdout).not.toContain('local');
  });

  it('the adjacent months count only their own records and rejections', async () => {
    const october = JSON.parse((await report('--month', '2026-10', '--format', 'json')).stdout);
    expect(october.partners.map((p: { partner: string; received: number; rejected: number }) => [p.partner, p.received, p.rejected])).toEqual([['county-a', 1, 1]]);
    const december = JSON.parse((await report('--month', '2026-12', '--format', 'json')).stdout);
    expect(december.partners.map((p: { partner: string; received: number; rejected: number }) => [p.partner, p.received, p.rejected])).toEqual([
      ['county-a', 1, 0],
      ['county-b', 0, 1],
    ]);
  });

  it('a partner asked for that sent nothing that month has a row of zeros and no rates', async () => {
    const r = await report('--month', '2026-11', '--format', 'json', '--partner', 'county-c');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).partners).toEqual([
      { partner: 'county-c', received: 0, categories: [], timeliness: { onTime: 0, late: 0, unknown: 0, lateRate: null }, rejected: 0, rejections: [], quality: { delivered: 0, completeness: null, conformity: null, timeliness: null } },
    ]);
  });
});

describe('credfed report monthly: refusals', () => {
  it.concurrent.each([
    ['2026-13', '2026-13'],
    ['2026-1', '2026-1'],
    ['abc', 'abc'],
    ['2026-00', '2026-00'],
    ['2999-01', 'future'],
  ])('--month %s exits 2 naming the value', async (month, named) => {
    const r = await credfed(['report', 'monthly', '--config', configFile, '--month', month]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--month "${month}"`);
    expect(r.stderr).toContain(named);
    expect(r.stderr).toContain('Usage: credfed report monthly');
    expect(r.stdout).toBe('');
  });

  it.concurrent.each([
    ['no --month', ['report', 'monthly', '--config', 'x.yaml']],
    ['no --config', ['report', 'monthly', '--month', '2026-11']],
    ['an unknown format', ['report', 'monthly', '--config', 'x.yaml', '--month', '2026-11', '--format', 'xml']],
  ])('%s exits 2 with the usage', async (_what, args) => {
    const r = await credfed(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: credfed report monthly');
  });

  it('an unknown partner exits 1 with PARTNER_NOT_FOUND naming it', async () => {
    const r = await report('--month', '2026-11', '--partner', 'county-z');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('PARTNER_NOT_FOUND');
    expect(r.stderr).toContain('county-z');
    expect(r.stdout).toBe('');
  });

  it('--help explains every rate and shows EXAMPLES', async () => {
    const r = await credfed(['report', 'monthly', '--help']);
    expect(r.code).toBe(0);
    for (const word of ['completeness', 'conformity', 'timeliness', 'late rate', 'RECORD_FIELD_MISSING', 'IDENTIFIER_INVALID', 'EXAMPLES']) expect(r.stdout).toContain(word);
  });
});
