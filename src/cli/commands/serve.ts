import path from 'node:path';
import { loadCliConfig } from '../cli-env.js';
import { CredfedError } from '../../core/errors.js';
import { ensureDevCertificates } from '../../pki/dev-certs.js';
import { createLogger, type Logger } from '../../obs/logger.js';
import { startGateway } from '../../server/gateway.js';
import { waitForShutdownSignal } from '../signals.js';
import { EXIT, UsageError, type Command } from '../command.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run one gateway node from its configuration file',
  options: { config: { type: 'string', short: 'c' }, dev: { type: 'boolean' } },
  help: `Usage: credfed serve --config FILE [--dev]

Runs one gateway: opens its store (embedded in store.dataDir, or PostgreSQL
through store.databaseUrl / DATABASE_URL), applies migrations, serves the
Federation and Admin services over mutual TLS, and pushes queued records to
every partner with push: true. Logs are JSON lines on stderr (README "Logs").

Stops cleanly on Ctrl-C or SIGTERM (README "Stopping"): health turns
NOT_SERVING, open streams end with UNAVAILABLE (their callers resume), calls
in progress get 3 s, then the parts close and the process exits 0 after the
log line "gateway stopped". Whatever is still open after server.shutdownTimeoutMs
(default 30 s) is cut: the process logs that and still exits 0.

Options:
  -c, --config FILE   node configuration (YAML or JSON); see README "Configuration"
      --dev           create a development CA and this node's certificate at the
                      configured tls paths when they are missing (never in production)

Environment overrides: CREDFED_NODE_ID, CREDFED_FEDERATION, CREDFED_LISTEN,
DATABASE_URL, CREDFED_DATA_DIR, CREDFED_TLS_CA, CREDFED_TLS_CERT, CREDFED_TLS_KEY,
CREDFED_TLS_CRL, CREDFED_CA_PASSPHRASE_FILE, CREDFED_MAX_MESSAGE_BYTES, CREDFED_MAX_ANSWER_BYTES,
CREDFED_LOG_LEVEL, CREDFED_REFLECTION, CREDFED_METRICS_LISTEN, CREDFED_PERSONS_PSEUDONYM_KEYS
(id=file,id=file, current first), CREDFED_PERSONS_STORAGE,
CREDFED_PERSONS_ENCRYPTION_KEY_FILE.

EXAMPLES
  credfed serve --config /etc/credfed/county-a.yaml
  credfed serve --config node.yaml --dev
  DATABASE_URL=postgres://credfed@db:5432/credfed credfed serve -c city.yaml
`,
  async run({ values }, io) {
    if (typeof values.config !== 'string') throw new UsageError('--config FILE is required');
    const config = loadCliConfig(values.config);
    if (values.dev) await ensureDevFiles(config.tls, config.federation, config.nodeId);
    const log = createLogger({ level: config.logLevel, node: config.nodeId });
    const gateway = await startGateway(config, { log });
    io.err(`credfed: node ${config.nodeId} listening on ${config.listen.host}:${gateway.port} (${gateway.store.backend} store); Ctrl-C to stop\n`);
    const signal = await waitForShutdownSignal();
    io.err(`credfed: stopping ${config.nodeId}\n`);
    log.info({ signal, timeoutMs: config.server.shutdownTimeoutMs }, 'stopping: health NOT_SERVING, open streams end with UNAVAILABLE');
    const outcome = await withinDeadline(gateway.stop(), config.server.shutdownTimeoutMs);
    if (outcome === 'timeout') {
      // Something did not close in time (a stuck store, a hung sender): exiting closes every socket it held.
      log.error({ timeoutMs: config.server.shutdownTimeoutMs }, 'gateway stopped: stopping did not finish within server.shutdownTimeoutMs, what was still open (connections, store, senders) is cut');
    } else if (outcome !== 'stopped') {
      log.error({ err: outcome.failed }, 'gateway stopped: a part failed to close (the other parts were closed)');
    }
    await flushed(log);
    // Leave now, whatever handle may still be open (a stop must not hang after "gateway stopped").
    process.exit(typeof outcome === 'object' ? EXIT.FAILED : EXIT.OK);
  },
};

/** How `work` ended within `ms`: done, failed, or still running. */
function withinDeadline(work: Promise<unknown>, ms: number): Promise<'stopped' | 'timeout' | { failed: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  const done = work.then(
    () => 'stopped' as const,
    (failed: unknown) => ({ failed }),
  );
  return Promise.race([done, deadline]).finally(() => clearTimeout(timer));
}

/** Resolves once every log line written so far has reached stderr. */
function flushed(log: Logger): Promise<void> {
  return new Promise((resolve) => log.flush(() => resolve()));
}

/** --dev: the configured paths must follow the dev layout (<dir>/ca.crt, <dir>/<node>.crt/.key). */
async function ensureDevFiles(tls: { ca: string; cert: string; key: string }, federation: string, nodeId: string): Promise<void> {
  const dir = path.dirname(tls.cert);
  const expected = { ca: path.join(dir, 'ca.crt'), cert: path.join(dir, `${nodeId}.crt`), key: path.join(dir, `${nodeId}.key`) };
  if (tls.ca !== expected.ca || tls.cert !== expected.cert || tls.key !== expected.key) {
    throw new CredfedError(
      'CONFIG_INVALID',
      `--dev creates ${expected.ca}, ${expected.cert} and ${expected.key}; point tls.ca, tls.cert and tls.key there`,
    );
  }
  await ensureDevCertificates({ dir, federation, nodes: [nodeId], admins: ['local'] });
}
