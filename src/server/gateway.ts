import { randomUUID } from 'node:crypto';
import dns from 'node:dns/promises';
import net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import type { NodeConfig, PartnerConfig } from '../config/node-config.js';
import { systemClock, type Clock } from '../core/clock.js';
import { CredfedError } from '../core/errors.js';
import { AdminService, type StatusResponse } from '../gen/credfed/v1/admin.js';
import { FederationService } from '../gen/credfed/v1/federation.js';
import { nodeStatus } from '../grpc/admin-service.js';
import { adminService } from '../grpc/admin/admin-handlers.js';
import { bidi, type Gatekeeper } from '../grpc/rpc-wrapper.js';
import { withSafeDeserializers } from '../grpc/safe-deserialize.js';
import { createLogger, type Logger } from '../obs/logger.js';
import { createMetrics, type Metrics } from '../obs/metrics.js';
import { startExpiryWatch, type ExpiryWatch } from '../obs/expiry-watch.js';
import { isGatewayKind, type Partner } from '../partners/partner.js';
import { PartnerConnections } from '../partners/partner-connections.js';
import { PartnerDirectory } from '../partners/partner-directory.js';
import { clientCredentials } from '../pki/grpc-credentials.js';
import { ReloadableServerCredentials } from '../pki/reloadable-credentials.js';
import { loadTlsFiles, type TlsFiles } from '../pki/tls-files.js';
import { listAllPartners, seedFromConfig } from '../store/repos/partners-repo.js';
import { openStore, type Store } from '../store/store.js';
import { pushRecordsHandler } from '../sync/push-receiver.js';
import { checkCallerCertificate, SignatureCache } from '../trust/caller-check.js';
import { TrustDirectory } from '../trust/trust-directory.js';
import type { TrustMaterial } from '../trust/trust-material.js';
import { readTrustSources } from '../trust/trust-sources.js';
import { createPushClient, type PushWireClient } from '../sync/push-client.js';
import { PushSender } from '../sync/push-sender.js';
import { pushWireDefinition } from '../sync/push-wire.js';
import { channelOptions, serverOptions } from './grpc-options.js';

export interface Gateway {
  readonly config: NodeConfig;
  readonly store: Store;
  /** The port actually bound (useful with port 0). */
  readonly port: number;
  /** This gateway's Prometheus registry. */
  readonly metrics: Metrics;
  /** The port `/metrics` is served on (when `metrics.listen` is set; useful with port 0). */
  readonly metricsPort?: number;
  /** Wakes the senders after local writes to the outbox. */
  notifyOutbox(): void;
  status(): Promise<StatusResponse>;
  /** Stops senders, drains the server, closes the store. */
  stop(): Promise<void>;
}

export interface GatewayOptions {
  readonly log?: Logger;
  readonly clock?: Clock;
  /** How often the partner registry is re-read (default 2 s). */
  readonly partnerRefreshMs?: number;
  /** How often the trust material (TLS files, CRLs, revocations, trust anchors) is re-read (default 2 s). */
  readonly trustRefreshMs?: number;
  /** How often certificate and CRL expiry is checked and our CRL re-issued when due (default 60 s). */
  readonly expiryCheckMs?: number;
}

/**
 * After a partner is cut off, its streams end at once; its connections are
 * closed this much later, so the final statuses reach it first.
 */
const CUT_OFF_CLOSE_DELAY_MS = 1_000;

/**
 * Starts one gateway node: store, partner registry (seeded from the file on
 * first start, then re-read every 2 s), mTLS gRPC server, and a sender per
 * push partner.
 */
export async function startGateway(config: NodeConfig, opts: GatewayOptions = {}): Promise<Gateway> {
  const log = opts.log ?? createLogger({ level: config.logLevel, node: config.nodeId });
  const clock = opts.clock ?? systemClock;
  const metrics = createMetrics(config.nodeId);
  // `let`: replaced when the files change on disk (see the trust block); new sender channels use the new files.
  let tls = await loadTlsFiles({ caFile: config.tls.ca, certFile: config.tls.cert, keyFile: config.tls.key });
  const store = await openStore({
    databaseUrl: config.store.databaseUrl,
    dataDir: config.store.dataDir,
    log: (msg, fields) => log.info(fields ?? {}, msg),
  });
  let directory: PartnerDirectory;
  let onPartnerChange: (before: Partner | undefined, after: Partner | undefined) => void = () => undefined;
  try {
    const seeded = await seedFromConfig(store, config);
    if (seeded.length > 0) log.info({ count: seeded.length }, 'partners from the configuration file added to the registry');
    directory = new PartnerDirectory({
      load: () => listAllPartners(store),
      refreshMs: opts.partnerRefreshMs,
      onError: (e) => log.warn({ err: e }, 'reading the partner registry failed; keeping the partners last read'),
      onChange: (before, after) => {
        log.info({ partner: after?.id ?? before?.id, status: after?.status ?? 'removed' }, 'partner changed');
        onPartnerChange(before, after);
      },
    });
    await directory.start();
  } catch (e) {
    await store.close();
    throw e;
  }

  // ── Observability (issue 4): /metrics endpoint, certificate and CRL expiry, our CRL re-issued before its
  // nextUpdate — all in src/obs/expiry-watch.ts. Stopped in stop() before the store closes.
  let expiryWatch: ExpiryWatch;
  try {
    expiryWatch = await startExpiryWatch({ config, store, metrics, clock, log, checkMs: opts.expiryCheckMs });
  } catch (e) {
    await directory.stop();
    await store.close();
    throw e;
  }
  // ── end of the observability block ──

  // ── Trust (issue 4): revocation and foreign trust anchors enforced at the handshake and on every call, TLS
  // files and CRLs reloaded without a restart — src/trust/*, src/pki/reloadable-credentials.ts.
  const trustPaths = { ca: config.tls.ca, cert: config.tls.cert, key: config.tls.key, ...(config.tls.crl ? { crl: config.tls.crl } : {}) };
  const trust = new TrustDirectory({
    read: () => readTrustSources(store, trustPaths),
    paths: trustPaths,
    clock,
    log,
    metrics,
    refreshMs: opts.trustRefreshMs,
  });
  let serverCreds: ReloadableServerCredentials;
  try {
    serverCreds = new ReloadableServerCredentials((await trust.start()).server);
  } catch (e) {
    await trust.stop();
    await expiryWatch.stop();
    await directory.stop();
    await store.close();
    throw e;
  }
  const signatures = new SignatureCache();
  // ── end of the trust block (its wiring: gate.certificate/watch/attach, cut-offs below, the injector, stop) ──

  const startedAt = clock.now();
  const senders = new Map<string, PushSender>();
  const connections = new PartnerConnections();
  const closeTimers = new Set<NodeJS.Timeout>();
  // A partner cut off: the wrapper ends its calls (each call watches), then its connections are closed here.
  directory.onCutOff(({ partnerId, why }) => {
    log.warn({ partner: partnerId, reason: why }, 'partner cut off: ending its calls and closing its connections');
    const timer = setTimeout(() => {
      closeTimers.delete(timer);
      const closed = connections.close(partnerId);
      if (closed > 0) log.info({ partner: partnerId, count: closed }, 'closed the connections of a cut-off partner');
    }, CUT_OFF_CLOSE_DELAY_MS);
    timer.unref();
    closeTimers.add(timer);
  });
  // Trust: a revoked certificate's connections, and those of a partner whose CA stopped being trusted, are
  // closed the same way (the wrapper has ended their calls already).
  const closeLater = (close: () => number, fields: Record<string, unknown>) => {
    const timer = setTimeout(() => {
      closeTimers.delete(timer);
      const closed = close();
      if (closed > 0) log.info({ ...fields, count: closed }, 'closed connections of a cut-off certificate or partner');
    }, CUT_OFF_CLOSE_DELAY_MS);
    timer.unref();
    closeTimers.add(timer);
  };
  trust.onRevoked((certificates) => closeLater(() => connections.closeCertificates(certificates), {}));
  trust.onAnchorUntrusted((partnerId) => closeLater(() => connections.close(partnerId), { partner: partnerId }));
  const gate: Gatekeeper = {
    federation: config.federation,
    // The registry decides who may call; the file adds this node's sync settings (push, relay) for the partner.
    partner: (id) => {
      const entry = directory.get(id);
      if (!entry) return undefined;
      if (entry.status === 'suspended') throw new CredfedError('PEER_NOT_ALLOWED', `partner "${id}" is suspended`);
      if (!isGatewayKind(entry.kind)) throw new CredfedError('PEER_NOT_ALLOWED', `"${id}" is registered as an admin party, not a partner gateway`);
      const file = config.partners.find((p) => p.id === id);
      return { id, kind: entry.kind, endpoint: entry.endpoint, push: file?.push ?? false, relay: file?.relay ?? false };
    },
    // Trust: the leaf must verify against the partner's bound anchor (or our own CA) and not be revoked.
    certificate: (peer, leaf) =>
      checkCallerCertificate(
        trust.current(),
        signatures,
        peer.kind === 'admin' ? { kind: 'admin' } : { kind: 'partner', partnerId: peer.id, trustAnchor: directory.get(peer.id)?.trustAnchor },
        leaf,
      ),
    watch: (partnerId, cutOff, certificate) => {
      const unwatch = [
        directory.onCutOff((c) => {
          if (c.partnerId === partnerId) cutOff(`partner "${partnerId}" was ${c.why === 'suspended' ? 'suspended' : 'removed from the registry'}`);
        }),
        trust.onRevoked((revoked) => {
          if (certificate !== undefined && revoked.has(certificate)) cutOff(`the certificate (serial ${certificate.split('/')[1]}) of partner "${partnerId}" was revoked`);
        }),
        trust.onAnchorUntrusted((p) => {
          if (p === partnerId) cutOff(`the CA bound to partner "${partnerId}" is no longer trusted (its CRL is missing or stale)`);
        }),
      ];
      return () => unwatch.forEach((u) => u());
    },
    attach: (partnerId, peerAddress, certificate) => connections.attach(partnerId, peerAddress, certificate),
    log,
  };
  const status = () =>
    nodeStatus(config, store, startedAt, new Map([...senders].map(([id, s]) => [id, s.state])), clock.now());

  const server = new grpc.Server(serverOptions(config));
  server.addService(withSafeDeserializers({ ...FederationService, pushRecords: pushWireDefinition }), { pushRecords: bidi(gate, 'partner', 'PushRecords', pushRecordsHandler(store)) });
  server.addService(withSafeDeserializers(AdminService), adminService(gate, { config, store, clock, status }));
  // We own the listening socket and hand each connection to grpc-js, so a cut-off partner's connections can be closed.
  const injector = server.createConnectionInjector(serverCreds);
  const accept = (socket: net.Socket) => {
    connections.add(socket);
    injector.injectConnection(socket);
  };
  let listeners: net.Server[];
  try {
    listeners = await listenAll(config.listen.host, config.listen.port, accept);
  } catch (e) {
    await directory.stop();
    await trust.stop();
    injector.destroy();
    await expiryWatch.stop();
    await store.close();
    throw e;
  }
  const port = (listeners[0]!.address() as net.AddressInfo).port;
  for (const l of listeners) l.on('error', (e) => log.error({ err: e }, 'listening socket failed'));
  log.info({ listen: `${config.listen.host}:${port}`, backend: store.backend }, 'gateway listening');

  // A sender per push partner, except while the partner is suspended: nothing is sent to it then
  // (its outbox keeps filling), and its sender starts again once it is resumed.
  const holderId = `${config.nodeId}/${process.pid}/${randomUUID()}`;
  const runs = new Map<string, Promise<void>>();
  let closing = false;
  const stoppedSenders = new WeakSet<PushSender>();
  // Trust: a sender to a partner bound to a foreign CA trusts that CA alone for the partner's server certificate.
  const anchorOf = (m: TrustMaterial, partnerId: string): string | undefined => {
    const anchor = m.anchors.get(partnerId);
    return anchor?.trusted && directory.get(partnerId)?.trustAnchor === anchor.fingerprint ? anchor.certPem : undefined;
  };
  const senderTls = (partnerId: string): TlsFiles => {
    const anchorPem = anchorOf(trust.current(), partnerId);
    return anchorPem === undefined ? tls : { ...tls, ca: Buffer.from(anchorPem) };
  };
  const startSender = (partner: PartnerConfig) => {
    const client = partnerClient(config, senderTls(partner.id), partner.id, partner.endpoint!);
    const sender = new PushSender(store, config, partner, client, holderId, log.child({ partner: partner.id }));
    senders.set(partner.id, sender);
    runs.set(partner.id, sender.run().finally(() => client.close()));
  };
  const pushPartners = config.partners.filter((p) => p.push);
  for (const partner of pushPartners) {
    if (directory.get(partner.id)?.status === 'active') startSender(partner);
    else log.warn({ partner: partner.id }, 'not pushing to this partner: it is suspended or not in the registry');
  }
  onPartnerChange = (before, after) => {
    const partner = pushPartners.find((p) => p.id === (after ?? before)?.id);
    if (!partner || closing) return;
    if (after?.status !== 'active') {
      const sender = senders.get(partner.id);
      if (!sender || stoppedSenders.has(sender)) return;
      stoppedSenders.add(sender);
      sender.stop();
      void runs.get(partner.id)?.then(() => (sender.state.lastError = 'not sending: the partner is suspended or not in the registry'));
    } else if (before?.status !== 'active') {
      // Resumed: start a new sender once the stopped one has released its lease.
      void (runs.get(partner.id) ?? Promise.resolve()).then(() => {
        const current = senders.get(partner.id);
        if (!closing && directory.get(partner.id)?.status === 'active' && (!current || stoppedSenders.has(current))) startSender(partner);
      });
    }
  };

  // Trust: new handshakes use the new material; open connections keep theirs. When our own certificate, key or
  // tls.ca changed, or the foreign CA a push partner is bound to became trusted or not, the sender is restarted
  // on a new channel (it resumes from the receiver's cursor).
  trust.onChange(({ before, after }) => {
    if (after.serverDigest !== before.serverDigest) {
      try {
        serverCreds.update(after.server);
        log.info({}, 'TLS material reloaded: new handshakes use it');
      } catch (e) {
        log.error({ err: e }, 'the new TLS material does not load; new handshakes keep the previous one');
      }
    }
    if (closing) return;
    const ownChanged = after.clientDigest !== before.clientDigest;
    if (ownChanged) tls = after.client;
    for (const partner of pushPartners) {
      const sender = senders.get(partner.id);
      if (!sender || stoppedSenders.has(sender)) continue;
      if (!ownChanged && anchorOf(before, partner.id) === anchorOf(after, partner.id)) continue;
      stoppedSenders.add(sender);
      sender.stop();
      void runs.get(partner.id)?.then(() => {
        if (!closing && senders.get(partner.id) === sender && directory.get(partner.id)?.status === 'active') startSender(partner);
      });
    }
  });

  let stopping: Promise<void> | undefined;
  return {
    config,
    store,
    port,
    metrics,
    metricsPort: expiryWatch.metricsPort,
    notifyOutbox: () => senders.forEach((s) => s.notify()),
    status,
    stop: () =>
      (stopping ??= (async () => {
        closing = true;
        senders.forEach((s) => s.stop());
        await Promise.allSettled(runs.values());
        await directory.stop();
        await trust.stop();
        closeTimers.forEach((t) => clearTimeout(t));
        const listenersClosed = Promise.all(listeners.map((l) => new Promise<void>((resolve) => l.close(() => resolve()))));
        await new Promise<void>((resolve) => {
          const force = setTimeout(() => server.forceShutdown(), 3_000);
          server.tryShutdown(() => (clearTimeout(force), resolve()));
        });
        connections.closeAll();
        await listenersClosed;
        await expiryWatch.stop();
        await store.close();
        log.info({}, 'gateway stopped');
      })()),
  };
}

function partnerClient(config: NodeConfig, tls: TlsFiles, partnerId: string, endpoint: string): PushWireClient {
  const creds = clientCredentials(tls, { federation: config.federation, kind: 'partner', id: partnerId });
  return createPushClient(endpoint, creds, channelOptions(config, partnerId));
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

const formatHost = (host: string): string => (host.includes(':') ? `[${host}]` : host);
