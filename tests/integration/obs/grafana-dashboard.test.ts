// The Grafana dashboard (deploy/grafana/credfed-dashboard.json) against what a
// gateway exports: every credfed_* metric a panel expression or a template
// variable names must be one a started gateway registers (histograms with
// their _bucket, _sum and _count series), so a renamed or misspelt metric
// fails here instead of showing an empty panel.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/federation-fixture.js';
import { LifecycleFederation } from '../../helpers/lifecycle-federation.js';

const DASHBOARD = path.join(REPO_ROOT, 'deploy/grafana/credfed-dashboard.json');

interface Panel {
  readonly type: string;
  readonly title?: string;
  readonly targets?: readonly { expr?: string }[];
  readonly panels?: readonly Panel[];
}
interface Dashboard {
  readonly schemaVersion: number;
  readonly panels: readonly Panel[];
  readonly templating: { readonly list: readonly { name: string; type: string; definition?: string; query?: unknown }[] };
}

/** Every PromQL expression of the dashboard: panel targets (rows included) and template variable queries. */
function expressions(d: Dashboard): string[] {
  const ofPanel = (p: Panel): string[] => [...(p.targets ?? []).flatMap((t) => (t.expr ? [t.expr] : [])), ...(p.panels ?? []).flatMap(ofPanel)];
  const variables = d.templating.list.flatMap((v) => [v.definition ?? '', typeof v.query === 'string' ? v.query : JSON.stringify(v.query ?? '')]);
  return [...d.panels.flatMap(ofPanel), ...variables];
}

/** The credfed_* names the expressions use that are not in `exported`. */
function unknownMetrics(d: Dashboard, exported: ReadonlySet<string>): string[] {
  const used = new Set(expressions(d).flatMap((e) => e.match(/\bcredfed_[a-z0-9_]+/g) ?? []));
  return [...used].filter((name) => !exported.has(name)).sort();
}

/** The series names a metric is exposed under (a histogram's buckets, sum and count). */
function seriesNames(name: string, type: string): string[] {
  if (type === 'histogram') return [`${name}_bucket`, `${name}_sum`, `${name}_count`];
  if (type === 'summary') return [name, `${name}_sum`, `${name}_count`];
  return [name];
}

let fed: LifecycleFederation;
let exported: Set<string>;
const dashboard = JSON.parse(fs.readFileSync(DASHBOARD, 'utf8')) as Dashboard;

beforeAll(async () => {
  fed = await LifecycleFederation.start(['city'], (_id, f) => ({ partners: [f.partner('county-a', 'child_county')] }));
  exported = new Set(
    fed
      .gateway('city')
      .metrics.getMetricsAsArray()
      .flatMap((m) => seriesNames(m.name, String(m.type))),
  );
}, 120_000);

afterAll(async () => {
  await fed?.close();
});

describe('the Grafana dashboard', () => {
  it('is a dashboard model with a data source variable and a node variable', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.templating.list.map((v) => [v.name, v.type])).toEqual([
      ['datasource', 'datasource'],
      ['node', 'query'],
    ]);
    const queried = dashboard.panels.filter((p) => p.type !== 'row');
    expect(queried.length).toBeGreaterThan(10);
    expect(queried.every((p) => (p.targets ?? []).every((t) => t.expr?.includes('node=~"$node"')))).toBe(true);
  });

  it('names only metrics a gateway exports', () => {
    expect(exported.has('credfed_calls_total')).toBe(true);
    expect(unknownMetrics(dashboard, exported)).toEqual([]);
  });

  it('covers calls, records, sync lag, backlogs, timeliness, expiry and the pool', () => {
    const used = new Set(expressions(dashboard).flatMap((e) => e.match(/\bcredfed_[a-z0-9_]+/g) ?? []));
    for (const name of [
      'credfed_calls_total',
      'credfed_call_seconds_bucket',
      'credfed_records_received_total',
      'credfed_records_accepted_total',
      'credfed_records_rejected_total',
      'credfed_sync_lag_records',
      'credfed_sync_lag_seconds',
      'credfed_outbox_backlog',
      'credfed_propagation_backlog',
      'credfed_subscription_backlog_seconds',
      'credfed_received_timeliness_total',
      'credfed_certificate_expiry_seconds',
      'credfed_crl_next_update_seconds',
      'credfed_db_pool_connections',
    ]) {
      expect(used, name).toContain(name);
    }
  });

  // Regression: the pool panel summed the replicas' connections (they share the node label) but showed one replica's maximum.
  it('aggregates the pool connections and the pool maximum alike, per node', () => {
    const pool = dashboard.panels.find((p) => p.title === 'Database pool')!;
    expect(pool.targets!.map((t) => t.expr)).toEqual(['sum by (node, state) (credfed_db_pool_connections{node=~"$node"})', 'sum by (node) (credfed_db_pool_max{node=~"$node"})']);
  });

  it('the check fails for a panel naming a metric no gateway exports', () => {
    const broken: Dashboard = { ...dashboard, panels: [...dashboard.panels, { type: 'timeseries', targets: [{ expr: 'rate(credfed_no_such_metric_total[5m])' }] }] };
    expect(unknownMetrics(broken, exported)).toEqual(['credfed_no_such_metric_total']);
  });
});
