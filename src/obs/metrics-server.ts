/**
 * The `/metrics` endpoint: a plain HTTP server (no TLS, no authentication —
 * bind it to a loopback or management address) that serves one gateway's
 * Prometheus registry in the text exposition format. Anything but
 * `GET /metrics` (or HEAD) is 404 / 405.
 */
import http from 'node:http';
import type net from 'node:net';
import { formatHost } from '../config/parse-config.js';
import { CredfedError } from '../core/errors.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

export interface MetricsServer {
  /** The port actually bound (useful with port 0). */
  readonly port: number;
  /** Stops accepting, ends open connections. Idempotent. */
  close(): Promise<void>;
}

/**
 * Serves `registry` on host:port. Throws CONFIG_INVALID naming the address
 * when it cannot listen there (port taken, address not local, no permission).
 */
export async function startMetricsServer(registry: Metrics, listen: { host: string; port: number }, log?: Logger): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found; try /metrics\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return void res.writeHead(405, { 'content-type': 'text/plain', allow: 'GET, HEAD' }).end('method not allowed\n');
    }
    registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (e: unknown) => {
        log?.error({ err: e }, 'collecting metrics failed');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('collecting metrics failed\n');
      },
    );
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      const why = e.code === 'EADDRINUSE' ? 'the port is in use by another process' : e.code === 'EADDRNOTAVAIL' ? 'the address is not local' : e.message;
      reject(new CredfedError('CONFIG_INVALID', `metrics.listen: cannot listen on ${formatHost(listen.host)}:${listen.port}: ${why}`));
    });
    server.listen({ host: listen.host, port: listen.port }, () => resolve());
  });
  server.on('error', (e) => log?.error({ err: e }, 'metrics server failed'));
  const port = (server.address() as net.AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    port,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
