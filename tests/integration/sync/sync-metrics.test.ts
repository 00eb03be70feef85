// Sync metrics (issue 9, points 1 and 3) across three real gateways over
// loopback mutual TLS: county-a pushes to the city, city-b follows the city's
// change feed under an agreement that covers licences and penalties only.
// The city counts what county-a pushed (received, accepted, rejected by
// reason), city-b what the feed delivered (channel "feed", with timeliness);
// county-a's lag goes up while the city is down and back to 0 once its
// records are acknowledged; city-b's subscription backlog and propagation
// backlog follow the city's outage; a full pull of the city's feed counts as
// channel "snapshot" and leaves timeliness alone; pool gauges are there;
// /metrics serves every new name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileObjectionResponse } from '../../../src/gen/credfed/v1/admin.js';
import { CreditRecord } from '../../../src/gen/credfed/v1/record.js';
import { createLogger } from '../../../src/obs/logger.js';
import { startGateway, type Gateway } from '../../../src/server/gateway.js';
import { clearFeedCursor, loadFeedCursor } from '../../../src/store/repos/feed-repo.js';
import { enqueue } from '../../../src/store/repos/outbox-repo.js';
import { openStore } from '../../../src/store/store.js';
import { enterprise, recordOf } from '../../helpers/agreement-records.js';
import { waitFor } from '../../helpers/federation-fixture.js';
import { newUscc } from '../../helpers/id-codes.js';
import { LifecycleFederation } from '../../helpers/lifecycle-federation.js';
import { openAgreement } from '../../helpers/test-agreements.js';

let fed: LifecycleFederation;
const firm = enterprise('沈阳示例仪表有限公司', newUscc());
const feed = { pollMs: 50 };

/** The samples of a metric in a gateway's registry, keyed by their labels (without node) in label-name order. */
async function samples(node: string, name: string): Promise<Record<string, number>> {
  const metric = fed.gateway(node).metrics.getSingleMetric(name);
  if (!metric) throw new Error(`${name} is not registered at ${node}`);
  const { values } = await metric.get();
  return Object.fromEntries(
    values.map((v) => [
      Object.entries(v.labels)
        .filter(([k]) => k !== 'node')
        .map(([k, l]) => `${k}=${l}`)
        .join(','),
      v.value,
    ]),
  );
}
const sample = async (node: string, name: string, labels = '') => (await samples(node, name))[labels];

/** Restarts the city with /metrics served on a free port. */
async function startCity(config: Gateway['config']): Promise<Gateway> {
  const gw = await startGateway({ ...config, metrics: { listen: { host: '127.0.0.1', port: 0 } } }, { log: createLogger({ level: 'error', node: 'city' }) });
  fed.gateways.set('city', gw);
  return gw;
}

beforeAll(async () => {
  fed = await LifecycleFederation.start(['county-a', 'city', 'city-b'], (id, f) => {
    switch (id) {
      case 'county-a':
        return { feed, partners: [f.partner('city', 'parent_city', { push: true })] };
      case 'city':
        return { feed, partners: [f.partner('county-a', 'child_county'), f.partner('city-b', 'peer_region', { relay: true })] };
      default:
        // city-b stores the county's licences and penalties the city's feed carries, and refuses the rest.
        return {
          feed,
          partners: [f.partner('city', 'peer_region', { relay: true, subscribe: true })],
          agreements: [{ ...openAgreement('city-to-city-b', { partners: ['city'] }, true), categories: ['administrative_licence', 'administrative_penalty'] }],
        };
    }
  });
  // city-b's first (empty) full pull done and its cursor stored, so what the city gets later reaches it as feed events.
  // (Not the backlog gauge: a follower that began a moment ago reads 0 seconds behind too.)
  await waitFor(async () => (await loadFeedCursor(fed.gateway('city-b').store, 'city')) !== undefined, 30_000, 'city-b holds a cursor into the city feed');
  const config = fed.gateway('city').config;
  await fed.stopNode('city');
  await startCity(config);
}, 180_000);

afterAll(async () => {
  await fed?.close();
});

describe('sync metrics', () => {
  it('counts the records pushed to the receiver after commit: received, accepted, rejected by reason', async () => {
    await fed.importAt('county-a', [
      recordOf(firm, { origin: 'county-a', id: 'l-1', kind: 'licence' }),
      recordOf(firm, { origin: 'county-a', id: 'p-1', kind: 'penalty' }),
      recordOf(firm, { origin: 'county-a', id: 'd-1', kind: 'dishonesty' }),
    ]);
    // A record the city refuses (no authority name), queued as a sender that does not validate would queue it.
    const bad = { ...recordOf(firm, { origin: 'county-a', id: 'x-1', kind: 'penalty' }), authority: undefined };
    const county = fed.gateway('county-a');
    await county.store.transaction((tx) => enqueue(tx, 'city', [{ originId: 'county-a', recordId: 'x-1', version: 1, payload: Buffer.from(CreditRecord.encode(bad).finish()) }]));
    county.notifyOutbox();

    await waitFor(async () => (await sample('county-a', 'credfed_sync_lag_records', 'partner=city')) === 0 && (await sample('city', 'credfed_records_received_total', 'partner=county-a,channel=push')) === 4, 30_000, 'every record acknowledged and counted');
    expect(await samples('city', 'credfed_records_received_total')).toEqual({ 'partner=county-a,channel=push': 4 });
    expect(await samples('city', 'credfed_records_accepted_total')).toEqual({ 'partner=county-a,channel=push': 3 });
    expect(await samples('city', 'credfed_records_rejected_total')).toEqual({ 'partner=county-a,channel=push,reason=RECORD_FIELD_MISSING': 1 });
    // Timeliness (unchanged labels) counts the records that passed the checks.
    const timeliness = await samples('city', 'credfed_received_timeliness_total');
    expect(Object.values(timeliness).reduce((a, b) => a + b, 0)).toBe(2);

    // At the sender: nothing unacknowledged; at the receiver: a batch committed a moment ago.
    expect(await sample('county-a', 'credfed_sync_lag_seconds', 'partner=city')).toBe(0);
    expect(await sample('county-a', 'credfed_outbox_backlog')).toBe(0);
    const since = await sample('city', 'credfed_sync_last_received_seconds', 'partner=county-a');
    expect(since).toBeGreaterThanOrEqual(0);
    expect(since).toBeLessThan(600);
  });

  it('counts the records a followed feed delivers with channel "feed", and their timeliness', async () => {
    await waitFor(async () => (await sample('city-b', 'credfed_records_received_total', 'partner=city,channel=feed')) === 3, 30_000, 'the feed records counted at city-b');
    expect(await samples('city-b', 'credfed_records_accepted_total')).toEqual({ 'partner=city,channel=feed': 2 });
    expect(await samples('city-b', 'credfed_records_rejected_total')).toEqual({ 'partner=city,channel=feed,reason=CATEGORY_NOT_ALLOWED': 1 });
    const timeliness = await samples('city-b', 'credfed_received_timeliness_total');
    expect(Object.keys(timeliness).every((k) => k.startsWith('partner=city,'))).toBe(true);
    expect(Object.values(timeliness).reduce((a, b) => a + b, 0)).toBe(2);
    await waitFor(async () => (await sample('city-b', 'credfed_subscription_backlog_seconds', 'partner=city')) === 0, 15_000, 'city-b caught up with the city feed');
  });

  it('shows the lag and backlogs while the receiver is down, and clears them once it is back', async () => {
    const config = fed.gateway('city').config;
    await fed.stopNode('city');
    await fed.importAt('county-a', [recordOf(firm, { origin: 'county-a', id: 'l-2', kind: 'licence' })]);
    await waitFor(async () => (await sample('county-a', 'credfed_sync_lag_records', 'partner=city')) === 1, 15_000, 'one record waiting at the sender');
    await waitFor(async () => ((await sample('county-a', 'credfed_sync_lag_seconds', 'partner=city')) ?? 0) > 0, 15_000, 'the age of the oldest waiting record');
    expect(await sample('county-a', 'credfed_outbox_backlog')).toBe(1);
    // city-b is no longer caught up with the city's feed, and an objection filed there waits to be passed on.
    await waitFor(async () => ((await sample('city-b', 'credfed_subscription_backlog_seconds', 'partner=city')) ?? 0) > 0, 15_000, 'the subscription backlog at city-b');
    await fed.call('city-b', (c) => c.fileObjection, { originId: 'county-a', recordId: 'p-1', complainant: '沈阳示例仪表有限公司 法定代表人', reason: '处罚决定已撤销' }).then((r: FileObjectionResponse) => r.objection!);
    await waitFor(async () => (await sample('city-b', 'credfed_propagation_backlog')) === 1, 15_000, 'the objection waiting at city-b');

    await startCity(config);
    await waitFor(async () => (await sample('county-a', 'credfed_sync_lag_records', 'partner=city')) === 0, 30_000, 'the record acknowledged');
    expect(await sample('county-a', 'credfed_sync_lag_seconds', 'partner=city')).toBe(0);
    await waitFor(async () => (await sample('city-b', 'credfed_propagation_backlog')) === 0, 30_000, 'the objection passed on');
    await waitFor(async () => (await sample('city-b', 'credfed_subscription_backlog_seconds', 'partner=city')) === 0, 30_000, 'city-b caught up again');
    // The restarted city counts from zero: the record pushed since, and the disputed version of p-1 (the objection reached its origin).
    await waitFor(async () => (await fed.statusAt('city', 'p-1'))?.version === '2', 30_000, 'the disputed version at the city');
    await waitFor(async () => (await sample('city', 'credfed_records_accepted_total', 'partner=county-a,channel=push')) === 2, 15_000, 'both counted');
    expect(await samples('city', 'credfed_records_received_total')).toEqual({ 'partner=county-a,channel=push': 2 });
  });

  // Regression: a full pull's records (held by the partner for days or years) were counted as feed records
  // and judged for timeliness as if received today.
  it('counts the records of a full pull with channel "snapshot", without timeliness', async () => {
    await waitFor(async () => (await fed.statusAt('city-b', 'l-2')) !== undefined, 30_000, 'l-2 at city-b');
    // city-b forgets its cursor of the city's feed: restarted, it pulls in full (l-1, p-1, d-1, l-2).
    await fed.stopNode('city-b');
    const where = fed.stores.get('city-b')!;
    const store = await openStore({ ...(where.databaseUrl ? { databaseUrl: where.databaseUrl } : { dataDir: where.dataDir! }), migrationsDir: where.migrationsDir });
    try {
      await clearFeedCursor(store, 'city');
      expect(await loadFeedCursor(store, 'city')).toBeUndefined();
    } finally {
      await store.close();
    }
    await fed.startNode('city-b');
    await waitFor(async () => (await sample('city-b', 'credfed_records_received_total', 'partner=city,channel=snapshot')) === 4, 30_000, 'the full pull counted at city-b');
    await waitFor(async () => (await sample('city-b', 'credfed_subscription_backlog_seconds', 'partner=city')) === 0, 15_000, 'city-b caught up after the full pull');
    expect(await samples('city-b', 'credfed_records_received_total')).toEqual({ 'partner=city,channel=snapshot': 4 });
    expect(await samples('city-b', 'credfed_records_rejected_total')).toEqual({ 'partner=city,channel=snapshot,reason=CATEGORY_NOT_ALLOWED': 1 });
    expect(Object.keys(await samples('city-b', 'credfed_records_accepted_total')).every((k) => k === 'partner=city,channel=snapshot')).toBe(true);
    // Three licences and penalties came with the pull, none of them received now: no timeliness.
    expect(await samples('city-b', 'credfed_received_timeliness_total')).toEqual({});
  });

  it('shows the store pool', async () => {
    const city = fed.gateway('city');
    const pool = await samples('city', 'credfed_db_pool_connections');
    expect(Object.keys(pool).sort()).toEqual(['state=idle', 'state=total', 'state=waiting']);
    expect(pool['state=total']).toBeGreaterThanOrEqual(1);
    expect(await sample('city', 'credfed_db_pool_max')).toBe(city.store.backend === 'embedded' ? 1 : 10);
  });

  it('serves the new metrics at /metrics', async () => {
    const city = fed.gateway('city');
    expect(city.metricsPort).toBeGreaterThan(0);
    const text = await (await fetch(`http://127.0.0.1:${city.metricsPort}/metrics`)).text();
    for (const name of [
      'credfed_records_received_total',
      'credfed_records_accepted_total',
      'credfed_records_rejected_total',
      'credfed_sync_lag_records',
      'credfed_sync_lag_seconds',
      'credfed_sync_last_received_seconds',
      'credfed_outbox_backlog',
      'credfed_propagation_backlog',
      'credfed_subscription_backlog_seconds',
      'credfed_db_pool_connections',
      'credfed_db_pool_max',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(text).toMatch(/^credfed_records_received_total\{partner="county-a",channel="push",node="city"\} 2$/m);
    expect(text).toMatch(/^credfed_db_pool_connections\{state="total",node="city"\} \d+$/m);
  });
});
