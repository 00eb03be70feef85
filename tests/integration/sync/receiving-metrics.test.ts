// Timeliness at the receiving platform (issue 9, point 3), through a real
// county pushing to a real city over loopback mutual TLS: each licence and
// penalty the city receives is counted on time, late (after the 7th working
// day following its decision) or unknown (outside the working-day calendar),
// by partner and category, in the city's Prometheus registry; the calls it
// serves are counted with their durations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shanghaiDate } from '../../../src/core/lifecycle/publicity.js';
import type { CreditRecord } from '../../../src/gen/credfed/v1/record.js';
import { enterprise, recordOf } from '../../helpers/agreement-records.js';
import { waitFor } from '../../helpers/federation-fixture.js';
import { newUscc } from '../../helpers/id-codes.js';
import { LifecycleFederation } from '../../helpers/lifecycle-federation.js';

let fed: LifecycleFederation;
const firm = enterprise('沈阳示例机械有限公司', newUscc());
const decided = (r: CreditRecord, date: string): CreditRecord => ({ ...r, decisionDate: date, publicity: undefined });

beforeAll(async () => {
  fed = await LifecycleFederation.start(['county-a', 'city'], (id, f) =>
    id === 'county-a' ? { partners: [f.partner('city', 'parent_city', { push: true })] } : { partners: [f.partner('county-a', 'child_county')] },
  );
}, 120_000);

afterAll(async () => {
  await fed?.close();
});

describe('timeliness of received 双公示 records', () => {
  it('counts each received licence and penalty on time, late or unknown', async () => {
    const today = Date.now();
    await fed.importAt('county-a', [
      decided(recordOf(firm, { origin: 'county-a', id: 'l-today', kind: 'licence' }), shanghaiDate(today)),
      // Due by 2026-03-11 (the calendar covers 2026): late whenever the test runs.
      decided(recordOf(firm, { origin: 'county-a', id: 'p-old', kind: 'penalty' }), '2026-03-02'),
      decided(recordOf(firm, { origin: 'county-a', id: 'p-2023', kind: 'penalty' }), '2023-06-01'),
      recordOf(firm, { origin: 'county-a', id: 'd-1', kind: 'dishonesty' }), // not a 双公示 record: not counted
    ]);
    await waitFor(async () => (await fed.statusAt('city', 'd-1')) && (await fed.statusAt('city', 'p-2023')), 30_000, 'the records at the city');
    const metric = await fed.gateway('city').metrics.getSingleMetric('credfed_received_timeliness_total')!.get();
    const counts = Object.fromEntries(metric.values.map((v) => [`${v.labels.partner}/${v.labels.category}/${v.labels.timeliness}`, v.value]));
    expect(counts).toEqual({
      'county-a/administrative_licence/on_time': 1,
      'county-a/administrative_penalty/late': 1,
      'county-a/administrative_penalty/unknown': 1,
    });
  });

  it('counts the calls served by method, partner and status, with their durations', async () => {
    await fed.call('city', (c) => c.status, {});
    const registry = fed.gateway('city').metrics;
    const calls = (await registry.getSingleMetric('credfed_calls_total')!.get()).values;
    expect(calls).toContainEqual(expect.objectContaining({ labels: expect.objectContaining({ method: 'Admin/Status', partner: 'admin', status: 'OK' }), value: 1 }));
    const durations = (await registry.getSingleMetric('credfed_call_seconds')!.get()).values;
    expect(durations).toContainEqual(expect.objectContaining({ metricName: 'credfed_call_seconds_count', labels: expect.objectContaining({ method: 'Admin/Status', partner: 'admin' }), value: 1 }));
  });
});
