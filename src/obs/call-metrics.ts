/**
 * Calls served (issue 9, point 1): every gRPC call by service and method,
 * partner (or "admin"), and final status, with its duration as a histogram
 * (for a stream: from its opening to its end).
 */
import { Counter, Histogram } from 'prom-client';
import type { Metrics } from './metrics.js';

/** What the RPC wrapper reports when a call ends. */
export interface CallObserver {
  ended(call: { method: string; partner: string; status: string; seconds: number }): void;
}

export class CallMetrics implements CallObserver {
  private readonly calls: Counter<'method' | 'partner' | 'status'>;
  private readonly seconds: Histogram<'method' | 'partner'>;

  constructor(metrics: Metrics) {
    this.calls = new Counter({
      name: 'credfed_calls_total',
      help: 'gRPC calls served, by method (Service/Method), partner ("admin" for admin calls) and final status (OK or the gRPC status name)',
      labelNames: ['method', 'partner', 'status'],
      registers: [metrics],
    });
    this.seconds = new Histogram({
      name: 'credfed_call_seconds',
      help: 'Duration of gRPC calls served (streams: from opening to end), by method and partner',
      labelNames: ['method', 'partner'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60, 600],
      registers: [metrics],
    });
  }

  ended(call: { method: string; partner: string; status: string; seconds: number }): void {
    this.calls.inc({ method: call.method, partner: call.partner, status: call.status });
    this.seconds.observe({ method: call.method, partner: call.partner }, call.seconds);
  }
}
