/**
 * What a gateway starts for issue 4's observability, in one piece: the
 * `/metrics` HTTP endpoint (when `metrics.listen` is set), the expiry monitor
 * (certificate and CRL gauges and warnings) and, as its first task each
 * round, the keeper that re-issues our own CRL before its nextUpdate.
 */
import { CrlKeeper } from '../ca/crl-keeper.js';
import type { PublishedCrl } from '../ca/publish-crl.js';
import type { NodeConfig } from '../config/node-config.js';
import { formatHost } from '../config/parse-config.js';
import type { Clock } from '../core/clock.js';
import type { Store } from '../store/store.js';
import { ExpiryMonitor } from './expiry-monitor.js';
import { gatewaySources } from './expiry-sources.js';
import type { Logger } from './logger.js';
import { startMetricsServer, type MetricsServer } from './metrics-server.js';
import type { Metrics } from './metrics.js';

export interface ExpiryWatch {
  /** The port `/metrics` is served on, when it is. */
  readonly metricsPort?: number;
  /** Re-issues the CRL if due, re-reads and re-evaluates now (tests). */
  checkNow(): Promise<void>;
  /** Stops the checks and the metrics server; call before the store closes. */
  stop(): Promise<void>;
}

export interface ExpiryWatchOptions {
  readonly config: NodeConfig;
  readonly store: Store;
  readonly metrics: Metrics;
  readonly clock: Clock;
  readonly log: Logger;
  /** Time between checks (default 60 s). */
  readonly checkMs?: number;
  /** Called after the keeper published a new CRL of our CA (e.g. to reload the TLS contexts that carry it). */
  readonly onCrlPublished?: (crl: PublishedCrl) => void;
}

/** Starts the metrics server (CONFIG_INVALID when its address is taken) and runs the first check before returning. */
export async function startExpiryWatch(opts: ExpiryWatchOptions): Promise<ExpiryWatch> {
  const { config, store, metrics, clock, log } = opts;
  const keeper = new CrlKeeper({ store, federation: config.federation, nodeId: config.nodeId, clock, passphraseFile: config.ca.passphraseFile, log, onPublished: opts.onCrlPublished });
  const monitor = new ExpiryMonitor({
    sources: gatewaySources({ nodeId: config.nodeId, store, certFile: config.tls.cert, caFile: config.tls.ca, crlFile: config.tls.crl }),
    metrics,
    clock,
    log,
    tasks: [() => keeper.checkNow()],
    intervalMs: opts.checkMs,
  });
  let server: MetricsServer | undefined;
  if (config.metrics.listen) {
    server = await startMetricsServer(metrics, config.metrics.listen, log);
    log.info({ listen: `${formatHost(config.metrics.listen.host)}:${server.port}` }, 'metrics served at /metrics');
  }
  try {
    await monitor.start();
  } catch (e) {
    await server?.close();
    throw e;
  }
  return {
    metricsPort: server?.port,
    checkNow: () => monitor.checkNow(),
    stop: async () => {
      await monitor.stop();
      await server?.close();
    },
  };
}
