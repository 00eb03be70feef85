import path from 'node:path';
import { loadConfig } from '../../config/load-config.js';
import { CredfedError } from '../../core/errors.js';
import { ensureDevCertificates } from '../../pki/dev-certs.js';
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
every partner with push: true. Stops cleanly on Ctrl-C or SIGTERM.

Options:
  -c, --config FILE   node configuration (YAML or JSON); see README "Configuration"
      --dev           create a development CA and this node's certificate at the
                      configured tls paths when they are missing (never in production)

Environment overrides: CREDFED_NODE_ID, CREDFED_FEDERATION, CREDFED_LISTEN,
DATABASE_URL, CREDFED_DATA_DIR, CREDFED_TLS_CA, CREDFED_TLS_CERT, CREDFED_TLS_KEY,
CREDFED_TLS_CRL, CREDFED_CA_PASSPHRASE_FILE, CREDFED_MAX_MESSAGE_BYTES, CREDFED_MAX_ANSWER_BYTES,
CREDFED_LOG_LEVEL, CREDFED_METRICS_LISTEN, CREDFED_PERSONS_PSEUDONYM_KEYS
(id=file,id=file, current first), CREDFED_PERSONS_STORAGE,
CREDFED_PERSONS_ENCRYPTION_KEY_FILE.

EXAMPLES
  credfed serve --config /etc/credfed/county-a.yaml
  credfed serve --config node.yaml --dev
  DATABASE_URL=postgres://credfed@db:5432/credfed credfed serve -c city.yaml
`,
  async run({ values }, io) {
    if (typeof values.config !== 'string') throw new UsageError('--config FILE is required');
    const config = loadConfig(values.config);
    if (values.dev) await ensureDevFiles(config.tls, config.federation, config.nodeId);
    const gateway = await startGateway(config);
    io.err(`credfed: node ${config.nodeId} listening on ${config.listen.host}:${gateway.port} (${gateway.store.backend} store); Ctrl-C to stop\n`);
    await waitForShutdownSignal();
    io.err(`credfed: stopping ${config.nodeId}\n`);
    await gateway.stop();
    return EXIT.OK;
  },
};

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
