// Automatic expiry of records past their publicity (issue 8, point 1), through
// a real city gateway over loopback mutual TLS on an injected clock: as the
// clock passes each record's end — its own publicity end, a dishonesty-list
// removal date, the maximum of a penalty's severity — the record leaves the
// partner's verdict (level and basis) and its QueryRecords answer. Rows stored
// before the lifecycle columns existed are read and expired too, and a
// configured period replaces the default. A partner following the city's
// feed is told of each expiry.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { fixedClock } from '../../../src/core/clock.js';
import { shanghaiDate } from '../../../src/core/lifecycle/publicity.js';
import { Purpose } from '../../../src/gen/credfed/v1/agreement.js';
import type { FederationClient, QueryRecordsResponse, RecognizeResponse } from '../../../src/gen/credfed/v1/federation.js';
import { FeedEventKind } from '../../../src/gen/credfed/v1/feed.js';
import { RecordStatus, type CreditRecord } from '../../../src/gen/credfed/v1/record.js';
import { CreditLevel, type Verdict } from '../../../src/gen/credfed/v1/verdict.js';
import { ChunkWriter } from '../../../src/importer/chunk-writer.js';
import { createLogger } from '../../../src/obs/logger.js';
import { loadPersonsProtection } from '../../../src/persons/persons-protection.js';
import { startGateway, type Gateway } from '../../../src/server/gateway.js';
import { enterprise, recordOf } from '../../helpers/agreement-records.js';
import { FeedReader } from '../../helpers/feed-reader.js';
import { createPki, federationClientAs, freePort, waitFor, writeNodeConfig, type Pki } from '../../helpers/federation-fixture.js';
import { newUscc } from '../../helpers/id-codes.js';
import { createTestStoreConfig, type TestStoreConfig } from '../../helpers/store-fixture.js';

const FIRM = newUscc();
/** `date` plus whole months and days (date arithmetic of the 1st of a month never clamps). */
const plus = (date: string, months: number, days = 0) => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1 + months, d + days)).toISOString().slice(0, 10);
};
// Dates relative to today, since the gateway signs verdicts with certificates issued now: decided on the
// 1st of this month, every end after today.
const DECIDED = `${shanghaiDate(Date.now()).slice(0, 7)}-01`;
const OWN_LAST = plus(DECIDED, 1, 13); // p-general-until: its own publicity's last day
const MINOR_OUT = plus(DECIDED, 2); // p-minor: 2 months (configured)
const REMOVED = plus(DECIDED, 4); // d-listed: its removal date
const SERIOUS_OUT = plus(DECIDED, 24); // p-serious: 24 months (configured)
/** Noon in Shanghai on a calendar day. */
const noon = (day: string) => new Date(`${day}T04:00:00Z`);
const clock = fixedClock(new Date());

const firm = enterprise('沈阳示例物流有限公司', FIRM);
const penalty = (id: string, severity: number, publicityTo?: string): CreditRecord => {
  const r = recordOf(firm, { origin: 'city', id, kind: 'penalty' });
  if (r.details?.$case !== 'penalty') throw new Error('a penalty');
  return { ...r, decisionDate: DECIDED, publicity: publicityTo ? { from: DECIDED, to: publicityTo } : undefined, details: { $case: 'penalty', value: { ...r.details.value, severity } } };
};
const listed = (id: string, removalDate: string): CreditRecord => {
  const r = recordOf(firm, { origin: 'city', id, kind: 'dishonesty' });
  if (r.details?.$case !== 'dishonestyList') throw new Error('a dishonesty-list entry');
  return { ...r, decisionDate: DECIDED, details: { $case: 'dishonestyList', value: { ...r.details.value, listedOn: DECIDED, removalDate } } };
};

let pki: Pki;
let dir: string;
let storeConfig: TestStoreConfig;
let city: Gateway;
let client: FederationClient;
/** The city's change feed as the partner reads it. */
let feed: FeedReader;

beforeAll(async () => {
  pki = await createPki(['city', 'city-b'], { verdictSigners: ['city'] });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-publicity-'));
  storeConfig = await createTestStoreConfig();
  const port = await freePort();
  const file = writeNodeConfig(pki, dir, {
    id: 'city',
    port,
    store: storeConfig,
    partners: [{ id: 'city-b', kind: 'peer_region' }],
    lifecycle: {
      sweepSeconds: 1,
      // Shorter than the national maxima, so every end falls within the certificates' validity (a configured list replaces the defaults).
      publicity: [
        { category: 'administrative_penalty', severity: 'minor', months: 2 },
        { category: 'administrative_penalty', severity: 'general', months: 12 },
        { category: 'administrative_penalty', severity: 'serious', months: 24 },
      ],
    },
  });
  city = await startGateway(loadConfig(file, {}), { log: createLogger({ level: 'error', node: 'city' }), clock });
  const writer = new ChunkWriter(city.store, [], loadPersonsProtection(city.config.persons));
  for (const r of [
    penalty('p-minor', 1),
    penalty('p-general-until', 2, OWN_LAST), // its own publicity ends before the 12 months
    penalty('p-serious', 3),
    listed('d-listed', REMOVED),
  ]) {
    expect(await writer.add(r)).toBeUndefined();
  }
  await writer.flush();
  client = await federationClientAs(pki.certs.nodes['city-b']!, 'city', port);
  feed = new FeedReader(client);
}, 120_000);

afterAll(async () => {
  feed?.close();
  client?.close();
  await city?.stop();
  await storeConfig?.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
});

const verdict = () =>
  new Promise<Verdict>((resolve, reject) =>
    client.recognize({ subject: { identifier: FIRM, scheme: 0 }, purpose: Purpose.PURPOSE_BIDDING_REVIEW, reference: 'publicity' }, (e: grpc.ServiceError | null, r?: RecognizeResponse) =>
      e ? reject(e) : resolve(r!.verdict!.verdict!),
    ),
  );
const queried = () =>
  new Promise<string[]>((resolve, reject) =>
    client.queryRecords(
      { identifier: FIRM, scheme: 0, purpose: Purpose.PURPOSE_BIDDING_REVIEW, reference: 'publicity', pageSize: 0, pageToken: '' },
      (e: grpc.ServiceError | null, r?: QueryRecordsResponse) => (e ? reject(e) : resolve(r!.records.map((x) => x.recordId).sort())),
    ),
  );
const basisOf = (v: Verdict) => v.basis.map((b) => b.recordId).sort();

/** Moves the clock to noon of `day` and waits (a sweep a second) until the partner's QueryRecords answer lists `left`. */
async function passTo(day: string, left: string[]): Promise<void> {
  clock.set(noon(day));
  await waitFor(async () => JSON.stringify(await queried()) === JSON.stringify(left), 10_000, `records in force on ${day}: ${left.join(', ')}`);
}

describe('records leave verdicts and query results when their publicity ends', () => {
  it('before any end: every record counts', async () => {
    const v = await verdict();
    expect(v.level).toBe(CreditLevel.CREDIT_LEVEL_DISHONEST);
    expect(basisOf(v)).toEqual(['d-listed', 'p-general-until', 'p-minor', 'p-serious']);
    expect(await queried()).toEqual(['d-listed', 'p-general-until', 'p-minor', 'p-serious']);
  });

  it('the last day of its own publicity still counts; the day after, it is gone', async () => {
    clock.set(noon(OWN_LAST));
    await new Promise((r) => setTimeout(r, 1500)); // a sweep on the last day changes nothing
    expect(await queried()).toEqual(['d-listed', 'p-general-until', 'p-minor', 'p-serious']);
    await passTo(plus(OWN_LAST, 0, 1), ['d-listed', 'p-minor', 'p-serious']);
    expect(basisOf(await verdict())).toEqual(['d-listed', 'p-minor', 'p-serious']);
    // The partner following the city's feed learns of it.
    const expired = `p-general-until@1:${RecordStatus.RECORD_STATUS_EXPIRED}/${FeedEventKind.FEED_EVENT_KIND_EXPIRED}`;
    await feed.until('the expiry in the feed', () => feed.records().includes(expired));
  });

  it('a minor penalty after its configured 2 months', async () => {
    await passTo(plus(MINOR_OUT, 0, -1), ['d-listed', 'p-minor', 'p-serious']);
    await passTo(MINOR_OUT, ['d-listed', 'p-serious']);
  });

  it('a dishonesty-list entry on its removal date: the level falls to key attention (the serious penalty)', async () => {
    await passTo(REMOVED, ['p-serious']);
    const v = await verdict();
    expect(v.level).toBe(CreditLevel.CREDIT_LEVEL_KEY_ATTENTION);
    expect(basisOf(v)).toEqual(['p-serious']);
  });

  it('a row stored before the lifecycle columns existed is read, then expired at its maximum', async () => {
    await city.store.query(`UPDATE records SET severity = NULL, ends_on = NULL WHERE record_id = 'p-serious'`);
    clock.set(noon(plus(SERIOUS_OUT, 0, -1)));
    const severity = async () => (await city.store.query<{ severity: number | null }>(`SELECT severity FROM records WHERE record_id = 'p-serious'`)).rows[0]!.severity;
    expect(await waitFor(severity, 10_000, 'the next sweep to read the row')).toBe(3);
    expect(await queried()).toEqual(['p-serious']);
    await passTo(SERIOUS_OUT, []);
    const v = await verdict();
    expect(v.level).toBe(CreditLevel.CREDIT_LEVEL_NORMAL);
    expect(v.basis).toEqual([]);
    const statuses = await city.store.query<{ record_id: string; status: number }>(`SELECT record_id, status FROM records ORDER BY record_id`);
    expect(statuses.rows.map((r) => r.status)).toEqual([5, 5, 5, 5]);
  });
});
