import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { DEFAULTS } from '../config/defaults.js';
import { loadCliConfig } from './cli-env.js';
import { CredfedError, ERROR_CATALOGUE, type ErrorCode } from '../core/errors.js';
import { AdminClient, type StatusResponse } from '../gen/credfed/v1/admin.js';
import { reasonOf } from '../grpc/to-grpc-error.js';
import { clientCredentials } from '../pki/grpc-credentials.js';
import { loadTlsFiles } from '../pki/tls-files.js';
import { readManifest } from '../up/manifest.js';
import { UsageError } from './command.js';

export interface AdminTarget {
  readonly federation: string;
  readonly nodeId: string;
  readonly endpoint: string;
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/** The node a configuration file describes, reached with the given admin certificate. */
export function targetFromConfig(configFile: string, certFile: string, keyFile: string): AdminTarget {
  const c = loadCliConfig(configFile);
  const host = c.listen.host === '0.0.0.0' || c.listen.host === '::' ? '127.0.0.1' : c.listen.host;
  return { federation: c.federation, nodeId: c.nodeId, endpoint: `${host}:${c.listen.port}`, caFile: c.tls.ca, certFile: path.resolve(certFile), keyFile: path.resolve(keyFile) };
}

/** Every node of the local federation `credfed up` recorded under `dataDir`, with its admin certificate. */
export function targetsFromManifest(dataDir: string): AdminTarget[] {
  const m = readManifest(dataDir);
  return m.nodes.map((n) => ({ federation: m.federation, nodeId: n.id, endpoint: n.endpoint, caFile: m.caFile, certFile: m.admin.certFile, keyFile: m.admin.keyFile }));
}

/** Runs `fn` with an Admin client of one node over mutual TLS (admin certificate), closing it after. */
export async function withAdminClient<T>(target: AdminTarget, fn: (client: AdminClient) => Promise<T>): Promise<T> {
  const tls = await loadTlsFiles({ caFile: target.caFile, certFile: target.certFile, keyFile: target.keyFile });
  const creds = clientCredentials(tls, { federation: target.federation, kind: 'partner', id: target.nodeId });
  const client = new AdminClient(target.endpoint, creds, { 'grpc.ssl_target_name_override': target.nodeId, 'grpc.max_receive_message_length': DEFAULTS.limits.maxAnswerBytes });
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

type Unary<Req, Res> = (req: Req, md: grpc.Metadata, opts: Partial<grpc.CallOptions>, cb: (e: grpc.ServiceError | null, res: Res) => void) => grpc.ClientUnaryCall;

/** One unary Admin call with a deadline; rejects with the ServiceError. */
export function adminUnary<Req, Res>(client: AdminClient, method: Unary<Req, Res>, req: Req, timeoutMs: number): Promise<Res> {
  return new Promise((resolve, reject) => method.call(client, req, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (e, res) => (e ? reject(e) : resolve(res))));
}

/** Calls Admin.Status on one node over mutual TLS with an admin certificate. */
export function fetchStatus(target: AdminTarget, timeoutMs = 5_000): Promise<StatusResponse> {
  return withAdminClient(target, (client) => adminUnary(client, client.status, {}, timeoutMs));
}

/** A refused or failed Admin call as the CLI reports it: the gateway's reason code and message, or UNAVAILABLE. */
export function remoteError(e: unknown): CredfedError {
  const se = e as grpc.ServiceError;
  const reason = reasonOf(se);
  if (reason && reason in ERROR_CATALOGUE) return new CredfedError(reason as ErrorCode, se.details);
  return new CredfedError('UNAVAILABLE', se.details || se.message || String(e));
}

/** The options naming the gateway an admin command talks to (see adminTargetOf). */
export const ADMIN_TARGET_OPTIONS = {
  'data-dir': { type: 'string' },
  node: { type: 'string' },
  config: { type: 'string', short: 'c' },
  cert: { type: 'string' },
  key: { type: 'string' },
} as const;

/** Their help lines. */
export const ADMIN_TARGET_HELP = `  -c, --config FILE   the node this configuration describes (with --cert, --key)
      --cert FILE     admin certificate
      --key FILE      admin key
      --data-dir DIR  without --config: the local federation of \`credfed up\` (default .credfed)
      --node ID       which of its nodes (default the first)`;

/**
 * The gateway an admin command talks to: --config FILE with --cert/--key (an
 * admin certificate), or a node of the local federation `credfed up` recorded
 * under --data-dir (default .credfed), --node naming it (default the first).
 */
export function adminTargetOf(values: Record<string, string | boolean | string[] | undefined>): AdminTarget {
  if (typeof values.config === 'string') {
    if (typeof values.cert !== 'string' || typeof values.key !== 'string') throw new UsageError('--config needs --cert and --key (an admin certificate)');
    if (values.node !== undefined) throw new UsageError('--node goes with the local federation (--data-dir), not --config');
    return targetFromConfig(values.config, values.cert, values.key);
  }
  const nodes = targetsFromManifest(typeof values['data-dir'] === 'string' ? values['data-dir'] : '.credfed');
  const wanted = typeof values.node === 'string' ? values.node : undefined;
  const target = wanted ? nodes.find((n) => n.nodeId === wanted) : nodes[0];
  if (!target) throw new CredfedError('NOT_FOUND', `no node "${wanted}" in the local federation (nodes: ${nodes.map((n) => n.nodeId).join(', ')})`);
  return target;
}
