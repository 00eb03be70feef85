import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { NodeConfig } from '../config/node-config.js';
import { systemClock, type Clock } from '../core/clock.js';
import { CredfedError } from '../core/errors.js';
import { AdminService, type StatusRequest, type StatusResponse } from '../gen/credfed/v1/admin.js';
import { FederationService } from '../gen/credfed/v1/federation.js';
import { nodeStatus } from '../grpc/admin-service.js';
import { bidi, unary, type Gatekeeper } from '../grpc/rpc-wrapper.js';
import { withSafeDeserializers } from '../grpc/safe-deserialize.js';
import { createLogger, type Logger } from '../obs/logger.js';
import { clientCredentials, serverCredentials } from '../pki/grpc-credentials.js';
import { loadTlsFiles, type TlsFiles } from '../pki/tls-files.js';
import { openStore, type Store } from '../store/store.js';
import { pushRecordsHandler } from '../sync/push-receiver.js';
import { createPushClient, type PushWireClient } from '../sync/push-client.js';
import { PushSender } from '../sync/push-sender.js';
import { pushWireDefinition } from '../sync/push-wire.js';
import { channelOptions, serverOptions } from './grpc-options.js';

export interface Gateway {
  readonly config: NodeConfig;
  readonly store: Store;
  /** The port actually bound (useful with port 0). */
  readonly port: number;
  /** Wakes the senders after local writes to the outbox. */
  notifyOutbox(): void;
  status(): Promise<StatusResponse>;
  /** Stops senders, drains the server, closes the store. */
  stop(): Promise<void>;
}

export interface GatewayOptions {
  readonly log?: Logger;
  readonly clock?: Clock;
}

/** Starts one gateway node: store, mTLS gRPC server, and a sender per push partner. */
export async function startGateway(config: NodeConfig, opts: GatewayOptions = {}): Promise<Gateway> {
  const log = opts.log ?? createLogger({ level: config.logLevel, node: config.nodeId });
  const clock = opts.clock ?? systemClock;
  const tls = await loadTlsFiles({ caFile: config.tls.ca, certFile: config.tls.cert, keyFile: config.tls.key });
  const store = await openStore({
    databaseUrl: config.store.databaseUrl,
    dataDir: config.store.dataDir,
    log: (msg, fields) => log.info(fields ?? {}, msg),
  });
  const startedAt = clock.now();
  const senders = new Map<string, PushSender>();
  const gate: Gatekeeper = { federation: config.federation, partner: (id) => config.partners.find((p) => p.id === id), log };
  const status = () =>
    nodeStatus(config, store, startedAt, new Map([...senders].map(([id, s]) => [id, s.state])), clock.now());

  const server = new grpc.Server(serverOptions(config));
  server.addService(withSafeDeserializers({ ...FederationService, pushRecords: pushWireDefinition }), { pushRecords: bidi(gate, 'partner', 'PushRecords', pushRecordsHandler(store)) });
  server.addService(withSafeDeserializers(AdminService), { status: unary<StatusRequest, StatusResponse>(gate, 'admin', 'Status', () => status()) });
  let port: number;
  try {
    port = await bind(server, `${formatHost(config.listen.host)}:${config.listen.port}`, serverCredentials(tls));
  } catch (e) {
    await store.close();
    throw e;
  }
  log.info({ listen: `${config.listen.host}:${port}`, backend: store.backend }, 'gateway listening');

  const holderId = `${config.nodeId}/${process.pid}/${randomUUID()}`;
  const runs: Promise<void>[] = [];
  for (const partner of config.partners.filter((p) => p.push)) {
    const client = partnerClient(config, tls, partner.id, partner.endpoint!);
    const sender = new PushSender(store, config, partner, client, holderId, log.child({ partner: partner.id }));
    senders.set(partner.id, sender);
    runs.push(sender.run().finally(() => client.close()));
  }

  let stopping: Promise<void> | undefined;
  return {
    config,
    store,
    port,
    notifyOutbox: () => senders.forEach((s) => s.notify()),
    status,
    stop: () =>
      (stopping ??= (async () => {
        senders.forEach((s) => s.stop());
        await Promise.allSettled(runs);
        await new Promise<void>((resolve) => {
          const force = setTimeout(() => server.forceShutdown(), 3_000);
          server.tryShutdown(() => (clearTimeout(force), resolve()));
        });
        await store.close();
        log.info({}, 'gateway stopped');
      })()),
  };
}

function partnerClient(config: NodeConfig, tls: TlsFiles, partnerId: string, endpoint: string): PushWireClient {
  const creds = clientCredentials(tls, { federation: config.federation, kind: 'partner', id: partnerId });
  return createPushClient(endpoint, creds, channelOptions(config, partnerId));
}

function bind(server: grpc.Server, address: string, creds: grpc.ServerCredentials): Promise<number> {
  return new Promise((resolve, reject) =>
    server.bindAsync(address, creds, (e, port) =>
      e ? reject(new CredfedError('CONFIG_INVALID', `cannot listen on ${address}: ${e.message}`)) : resolve(port),
    ),
  );
}

const formatHost = (host: string): string => (host.includes(':') ? `[${host}]` : host);
