import net from 'node:net';
import { Counter } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { CredfedError } from '../../../src/core/errors.js';
import { startMetricsServer, type MetricsServer } from '../../../src/obs/metrics-server.js';
import { createMetrics } from '../../../src/obs/metrics.js';

describe('the /metrics server', () => {
  const open: MetricsServer[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  it('serves its own registry in the Prometheus text format, 404 elsewhere, 405 for POST', async () => {
    const registry = createMetrics('city');
    new Counter({ name: 'credfed_test_total', help: 'a test counter', registers: [registry] }).inc(3);
    const server = await startMetricsServer(registry, { host: '127.0.0.1', port: 0 });
    open.push(server);
    const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toContain('# TYPE credfed_test_total counter');
    expect(text).toContain('credfed_test_total{node="city"} 3');
    expect((await fetch(`http://127.0.0.1:${server.port}/`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${server.port}/metrics/x`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${server.port}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('a taken port is CONFIG_INVALID', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const error = await startMetricsServer(createMetrics('city'), { host: '127.0.0.1', port }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CredfedError);
      expect((error as CredfedError).code).toBe('CONFIG_INVALID');
    } finally {
      blocker.close();
    }
  });

  it('close ends kept-alive connections and can be called twice', async () => {
    const server = await startMetricsServer(createMetrics('city'), { host: '127.0.0.1', port: 0 });
    expect((await fetch(`http://127.0.0.1:${server.port}/metrics`)).status).toBe(200);
    await Promise.all([server.close(), server.close()]);
    await expect(fetch(`http://127.0.0.1:${server.port}/metrics`)).rejects.toThrow();
  });
});
