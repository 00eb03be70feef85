/**
 * Prometheus metrics of one gateway. Each gateway has its own registry (tests
 * run several gateways in one process); modules register their metrics on the
 * registry they are given and never on prom-client's global one.
 */
import { Registry } from 'prom-client';

export type Metrics = Registry;

/** A fresh registry whose every series carries the node id. */
export function createMetrics(nodeId: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ node: nodeId });
  return registry;
}
