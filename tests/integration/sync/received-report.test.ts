// The monthly report on what a real push stored (issue 9, point 4): a county
// pushes to a city over loopback mutual TLS; the records the city refuses are
// kept with their reason in the batch's transaction (once, even when the
// batch is sent again), and `credfed report monthly` at the city counts them
// by reason and quality dimension beside the received records' timeliness.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '../../../src/core/lifecycle/publicity.js';
import type { CreditRecord } from '../../../src/gen/credfed/v1/record.js';
import type { Gateway } from '../../../src/server/gateway.js';
import { enterprise, recordOf } from '../../helpers/agreement-records.js';
import { credfed } from '../../helpers/cli-run.js';
import { createPki, federationClientAs, freePort, startInProcess, writeNodeConfig, type Pki } from '../../helpers/federation-fixture.js';
import { newUscc } from '../../helpers/id-codes.js';
import { pushBatches } from '../../helpers/push-call.js';
import { createTestStoreConfig, type TestStoreConfig } from '../../helpers/store-fixture.js';

let pki: Pki;
let dir: string;
let cityStore: TestStoreConfig;
let city: Gateway | undefined;
let cityPort: number;
let cityConfig: string;

beforeAll(async () => {
  pki = await createPki(['city', 'county-a']);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-report-push-'));
  cityStore = await createTestStoreConfig();
  cityPort = await freePort();
  cityConfig = writeNodeConfig(pki, dir, { id: 'city', port: cityPort, store: cityStore, partners: [{ id: 'county-a', kind: 'child_county' }] });
  city = await startInProcess(cityConfig);
}, 120_000);

afterAll(async () => {
  await city?.stop();
  await cityStore?.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(pki.dir, { recursive: true, force: true });
});

const firm = enterprise('沈阳示例建材有限公司', newUscc());
const now = Date.now();
const reported = (r: CreditRecord, decided: string): CreditRecord => ({ ...r, decisionDate: decided, publicity: undefined, reportedAt: { seconds: Math.floor(now / 1000), nanos: 0 } });
const licence = (id: string) => recordOf(firm, { origin: 'county-a', id, kind: 'licence' });

describe('rejections received by push, in the monthly report', () => {
  it('stores each rejection once with its reason and category, and reports it', async () => {
    const noNumber = licence('r-missing');
    const batch = [
      { seq: 1, record: reported(licence('r-today'), shanghaiDate(now)) }, // on time
      // Due by 2026-03-11 (the calendar covers 2026): late whenever the test runs.
      { seq: 2, record: reported(licence('r-old'), '2026-03-02') },
      { seq: 3, record: recordOf(enterprise('坏代码公司', '912101'), { origin: 'county-a', id: 'r-bad-id', kind: 'licence' }) },
      { seq: 4, record: { ...noNumber, details: noNumber.details!.$case === 'licence' ? { $case: 'licence' as const, value: { ...noNumber.details!.value, decisionDocumentNumber: '' } } : noNumber.details } },
      { seq: 5, record: { ...licence('r-no-category'), category: 0 } },
    ];
    const client = await federationClientAs(pki.certs.nodes['county-a']!, 'city', cityPort);
    const first = await pushBatches(client, [batch]);
    // The same batch again (a sender that lost the ack): nothing after the cursor, nothing stored twice.
    const again = await pushBatches(client, [batch]);
    client.close();
    expect(first.error).toBeUndefined();
    expect(first.acks[0]!.rejections.map((r) => [r.seq, r.reason])).toEqual([
      [3, 'IDENTIFIER_INVALID'],
      [4, 'RECORD_FIELD_MISSING'],
      [5, 'RECORD_CATEGORY_UNKNOWN'],
    ]);
    expect(again.error).toBeUndefined();
    expect(again.resumeSeq).toBe(5);

    const stored = await city!.store.query<{ seq: string; origin_id: string; record_id: string; category: number | null; reason: string; field: string }>(
      'SELECT seq, origin_id, record_id, category, reason, field FROM inbound_rejections WHERE partner_id = $1 ORDER BY seq',
      ['county-a'],
    );
    expect(stored.rows.map((r) => [Number(r.seq), r.origin_id, r.record_id, r.category, r.reason, r.field])).toEqual([
      [3, 'county-a', 'r-bad-id', 1, 'IDENTIFIER_INVALID', 'subject.identifiers[0].value'],
      [4, 'county-a', 'r-missing', 1, 'RECORD_FIELD_MISSING', 'licence.decision_document_number'],
      [5, 'county-a', 'r-no-category', null, 'RECORD_CATEGORY_UNKNOWN', 'category'],
    ]);
    const month = (await city!.store.query<{ m: string }>(`SELECT to_char(max(received_at) AT TIME ZONE 'UTC' + interval '8 hours', 'YYYY-MM') AS m FROM inbound_rejections`)).rows[0]!.m;

    // The embedded store is locked while the gateway runs: stop it, then report.
    await city!.stop();
    city = undefined;
    const r = await credfed(['report', 'monthly', '--config', cityConfig, '--month', month, '--partner', 'county-a', '--format', 'json']);
    expect(r.stderr).not.toContain('unexpected error');
    expect(r.code).toBe(0);
    // By hand: received 2 licences (1 on time, 1 late); rejected 3 → delivered 5,
    // completeness 4/5, conformity 3/5, late rate and timeliness 1/2.
    expect(JSON.parse(r.stdout).partners).toEqual([
      {
        partner: 'county-a',
        received: 2,
        categories: [{ category: 'administrative_licence', received: 2, timeliness: { onTime: 1, late: 1, unknown: 0 } }],
        timeliness: { onTime: 1, late: 1, unknown: 0, lateRate: 0.5 },
        rejected: 3,
        rejections: [
          { reason: 'IDENTIFIER_INVALID', dimension: 'conformity', count: 1 },
          { reason: 'RECORD_CATEGORY_UNKNOWN', dimension: 'conformity', count: 1 },
          { reason: 'RECORD_FIELD_MISSING', dimension: 'completeness', count: 1 },
        ],
        quality: { delivered: 5, completeness: 0.8, conformity: 0.6, timeliness: 0.5 },
      },
    ]);
  });
});
