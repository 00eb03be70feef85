/**
 * The gateway's gRPC server on listening sockets it owns: each accepted
 * connection is remembered (PartnerConnections) and handed to grpc-js, so a
 * cut-off partner's connections can be closed. Handshakes use TLS material
 * that is swapped when the trust material changes.
 */
import dns from 'node:dns/promises';
import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import type { NodeConfig } from '../config/node-config.js';
import { formatHost } from '../config/parse-config.js';
import { CredfedError } from '../core/errors.js';
import type { Logger } from '../obs/logger.js';
import type { PartnerConnections } from '../partners/partner-connections.js';
import { ReloadableServerCredentials, type ServerTlsMaterial } from '../pki/reloadable-credentials.js';
import type { TrustChange } from '../trust/trust-directory.js';
import { serverOptions } from './grpc-options.js';

/** How long stop() lets calls finish before cutting them. */
const DRAIN_MS = 3_000;

export class GatewayServer {
  /** Where the services are added (before listen()). */
  readonly grpc: grpc.Server;
  private credentials: ReloadableServerCredentials | undefined;
  private injector: ReturnType<grpc.Server['createConnectionInjector']> | undefined;
  private listeners: net.Server[] | undefined;

  constructor(
    private readonly config: NodeConfig,
    private readonly connections: PartnerConnections,
    private readonly log: Logger,
  ) {
    this.grpc = new grpc.Server(serverOptions(config));
  }

  /** Listens on config.listen with `material` (CONFIG_INVALID when it cannot); returns the port bound. */
  async listen(material: ServerTlsMaterial): Promise<number> {
    this.credentials = new ReloadableServerCredentials(material);
    const injector = this.grpc.createConnectionInjector(this.credentials);
    this.injector = injector;
    const accept = (socket: net.Socket) => {
      this.connections.add(socket);
      injector.injectConnection(socket);
    };
    const listeners = await listenAll(this.config.listen.host, this.config.listen.port, accept);
    this.listeners = listeners;
    for (const l of listeners) l.on('error', (e) => this.log.error({ err: e }, 'listening socket failed'));
    return (listeners[0]!.address() as net.AddressInfo).port;
  }

  /** New handshakes use the new material; open connections keep theirs. */
  useTrust({ before, after }: TrustChange): void {
    if (after.serverDigest === before.serverDigest) return;
    try {
      this.credentials!.update(after.server);
      this.log.info({}, 'TLS material reloaded: new handshakes use it');
    } catch (e) {
      this.log.error({ err: e }, 'the new TLS material does not load; new handshakes keep the previous one');
    }
  }

  /** Stops listening, drains the calls (cut after 3 s), closes every connection. */
  async stop(): Promise<void> {
    const listeners = this.listeners;
    if (!listeners) {
      // listen() failed (or never ran): nothing was accepted.
      this.injector?.destroy();
      return;
    }
    const listenersClosed = Promise.all(listeners.map((l) => new Promise<void>((resolve) => l.close(() => resolve()))));
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        this.log.warn({ timeoutMs: DRAIN_MS }, 'calls still running after the drain were cut (CANCELLED / UNAVAILABLE for their callers)');
        this.grpc.forceShutdown();
      }, DRAIN_MS);
      this.grpc.tryShutdown(() => (clearTimeout(force), resolve()));
    });
    this.connections.closeAll();
    await listenersClosed;
  }
}

/**
 * Listens on host:port — on every address a host name resolves to, as grpc-js
 * does (port 0: the port the first one got).
 */
async function listenAll(host: string, port: number, accept: (socket: net.Socket) => void): Promise<net.Server[]> {
  const fail = (e: Error) => new CredfedError('CONFIG_INVALID', `cannot listen on ${formatHost(host)}:${port}: ${e.message}`);
  let addresses: string[];
  try {
    addresses = net.isIP(host) ? [host] : [...new Set((await dns.lookup(host, { all: true })).map((a) => a.address))];
  } catch (e) {
    throw fail(e as Error);
  }
  const servers: net.Server[] = [];
  try {
    for (const address of addresses) {
      const server = net.createServer(accept);
      const bound = servers.length > 0 ? (servers[0]!.address() as net.AddressInfo).port : port;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen({ host: address, port: bound }, () => (server.off('error', reject), resolve()));
      });
      servers.push(server);
    }
  } catch (e) {
    servers.forEach((s) => s.close());
    throw fail(e as Error);
  }
  return servers;
}
