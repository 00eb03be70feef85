/**
 * `credfed health`: asks a gateway's own gRPC health service
 * (grpc.health.v1.Health/Check) over mutual TLS with the node's own
 * certificate, for exec probes (Kubernetes liveness / readiness): prints
 * SERVING or NOT_SERVING, exits 0 only when SERVING.
 */
import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { loadCliConfig } from '../cli-env.js';
import { formatHost, parseHostPort } from '../../config/parse-config.js';
import { clientCredentials, partnerChannelOptions } from '../../pki/grpc-credentials.js';
import { loadTlsFiles } from '../../pki/tls-files.js';
import { EXIT, UsageError, type Command } from '../command.js';

const DEFAULT_TIMEOUT_MS = 3_000;
const Health = grpc.makeGenericClientConstructor(healthService as unknown as grpc.ServiceDefinition, 'Health');

type Check = (req: { service: string }, md: grpc.Metadata, opts: Partial<grpc.CallOptions>, cb: (e: grpc.ServiceError | null, res?: { status: string }) => void) => grpc.ClientUnaryCall;

export const healthCommand: Command = {
  name: 'health',
  summary: "check a gateway's health service (SERVING: exit 0), for probes",
  options: {
    config: { type: 'string', short: 'c' },
    service: { type: 'string' },
    'timeout-ms': { type: 'string' },
    address: { type: 'string' },
  },
  help: `Usage: credfed health --config FILE [--service NAME] [--timeout-ms N] [--address HOST:PORT]

Calls grpc.health.v1.Health/Check on the node the configuration file
describes — its listen address (0.0.0.0 and :: become 127.0.0.1), over mutual
TLS with the node's own certificate and key (tls.cert, tls.key, tls.ca), the
server expected to be that node — and prints the answer: SERVING or
NOT_SERVING. The gateway answers NOT_SERVING while its store does not answer,
while its certificate is outside its validity, and from the moment it starts
stopping. Made for exec probes (Kubernetes liveness and readiness).

Exit status: 0 SERVING; 1 anything else (NOT_SERVING, unknown service, no
answer within the timeout, unreachable, TLS refused), with the problem on
stderr; 2 usage errors.

Options:
  -c, --config FILE     node configuration (YAML or JSON); environment overrides apply
      --service NAME    the service to ask about: "" (default) the whole server,
                        credfed.v1.Federation or credfed.v1.Admin
      --timeout-ms N    how long to wait for the answer (default ${DEFAULT_TIMEOUT_MS})
      --address H:P     call this address instead of the configured listen address

EXAMPLES
  credfed health --config /etc/credfed/credfed.yaml
  credfed health -c city.yaml --service credfed.v1.Federation --timeout-ms 1000
  credfed health -c city.yaml --address 10.0.3.7:7400
  # Kubernetes: exec probe
  #   command: ["node", "bin/credfed.js", "health", "--config", "/etc/credfed/credfed.yaml"]
`,
  async run({ values }, io) {
    if (typeof values.config !== 'string') throw new UsageError('--config FILE is required');
    const timeoutMs = values['timeout-ms'] === undefined ? DEFAULT_TIMEOUT_MS : parseTimeout(values['timeout-ms'] as string);
    const override = values.address === undefined ? undefined : parseAddress(values.address as string);
    const service = typeof values.service === 'string' ? values.service : '';
    const config = loadCliConfig(values.config);
    const host = override?.host ?? (config.listen.host === '0.0.0.0' || config.listen.host === '::' ? '127.0.0.1' : config.listen.host);
    const address = `${formatHost(host)}:${override?.port ?? config.listen.port}`;
    const tls = await loadTlsFiles({ caFile: config.tls.ca, certFile: config.tls.cert, keyFile: config.tls.key });
    const expected = { federation: config.federation, kind: 'partner', id: config.nodeId } as const;
    const client = new Health(address, clientCredentials(tls, expected), partnerChannelOptions(expected));
    try {
      const answer = await new Promise<{ status: string } | { error: grpc.ServiceError }>((resolve) =>
        (client.check as Check).call(client, { service }, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (e, res) =>
          resolve(e ? { error: e } : { status: res!.status }),
        ),
      );
      const what = service === '' ? `node ${config.nodeId}` : `${service} on node ${config.nodeId}`;
      if ('error' in answer) {
        io.err(`credfed health: ${what} at ${address}: ${problemOf(answer.error, timeoutMs)}\n`);
        return EXIT.FAILED;
      }
      io.out(`${answer.status}\n`);
      if (answer.status === 'SERVING') return EXIT.OK;
      io.err(`credfed health: ${what} at ${address} is ${answer.status}\n`);
      return EXIT.FAILED;
    } finally {
      client.close();
    }
  },
};

function parseTimeout(text: string): number {
  if (!/^\d{1,7}$/.test(text) || Number(text) < 1) throw new UsageError(`--timeout-ms: expected a whole number of milliseconds from 1, found "${text}"`);
  return Number(text);
}

function parseAddress(text: string): { host: string; port: number } {
  const parsed = parseHostPort(text);
  if (parsed.error !== undefined) throw new UsageError(`--address: ${parsed.error}`);
  return parsed.value;
}

/** What went wrong, in words. */
function problemOf(e: grpc.ServiceError, timeoutMs: number): string {
  switch (e.code) {
    case grpc.status.DEADLINE_EXCEEDED:
      return `no answer within ${timeoutMs} ms`;
    case grpc.status.NOT_FOUND:
      return 'the health service does not know this service name';
    case grpc.status.UNAVAILABLE:
      return `unreachable (${e.details})`;
    case grpc.status.UNIMPLEMENTED:
      return 'no health service there';
    default:
      return `${grpc.status[e.code] ?? e.code}: ${e.details}`;
  }
}
