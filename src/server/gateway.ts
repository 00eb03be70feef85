import type { NodeConfig, PartnerConfig } from '../config/node-config.js';
import { systemClock, type Clock } from '../core/clock.js';
import { PublicitySweeper } from '../lifecycle/publicity-sweeper.js';
import { AdminService, type StatusResponse } from '../gen/credfed/v1/admin.js';
import { FederationService } from '../gen/credfed/v1/federation.js';
import { nodeStatus } from '../grpc/admin-service.js';
import { adminService } from '../grpc/admin/admin-handlers.js';
import { AgreementDirectory } from '../agreements/agreement-directory.js';
import { seedAgreementsFromConfig } from '../agreements/seed-agreements.js';
import { purposeName } from '../core/agreements/evaluate.js';
import { AgreementGate } from '../enforcement/agreement-gate.js';
import { QuotaCounter } from '../enforcement/quota-counter.js';
import type { QueryRecordsRequest, RecognizeBatchRequest, RecognizeRequest } from '../gen/credfed/v1/federation.js';
import { queryRecordsHandler } from '../grpc/federation/query-records.js';
import { AuditLog } from '../audit/audit-log.js';
import { listAuditEntriesHandler } from '../grpc/federation/audit-handlers.js';
import { recognizeHandlers } from '../grpc/federation/recognize-handlers.js';
import { recognizeWireDefinition } from '../grpc/federation/recognize-wire.js';
import { VerdictSigner } from '../pki/verdict-signer.js';
import { verifyVerdict } from '../pki/verdict-verify.js';
import { FanOut } from '../recognition/fan-out.js';
import { LocalVerdicts, type LocalVerdictsDeps } from '../recognition/local-verdicts.js';
import { PartnerClients } from '../recognition/partner-clients.js';
import { Recognizer } from '../recognition/recognizer.js';
import { bidi, serverStream, unary, type AuditSink } from '../grpc/rpc-wrapper.js';
import { withSafeDeserializers } from '../grpc/safe-deserialize.js';
import { createLogger, type Logger } from '../obs/logger.js';
import { createMetrics, type Metrics } from '../obs/metrics.js';
import { startExpiryWatch } from '../obs/expiry-watch.js';
import { PartnerConnections } from '../partners/partner-connections.js';
import { PartnerDirectory } from '../partners/partner-directory.js';
import { loadTlsFiles } from '../pki/tls-files.js';
import { listAllPartners, seedFromConfig } from '../store/repos/partners-repo.js';
import { openStore, type Store } from '../store/store.js';
import { pushRecordsHandler } from '../sync/push-receiver.js';
import { FeedFollower } from '../feed/feed-follower.js';
import { UpstreamSender } from '../lifecycle/upstream-sender.js';
import { partnerObjectionHandlers } from '../grpc/federation/objection-handlers.js';
import { subscribeHandler } from '../grpc/federation/subscribe-handler.js';
import { loadPersonsProtection } from '../persons/persons-protection.js';
import { pushWireDefinition } from '../sync/push-wire.js';
import { TrustDirectory } from '../trust/trust-directory.js';
import { readTrustSources } from '../trust/trust-sources.js';
import { loadCalendar } from '../calendar/load-calendar.js';
import { TimelinessMeter } from '../obs/timeliness-meter.js';
import { registerGatewayMetrics } from '../obs/gateway-metrics.js';
import { CallMetrics } from '../obs/call-metrics.js';
import { Closers } from './closers.js';
import { HealthWatch } from './health-watch.js';
import { addReflection } from './reflection.js';
import { CutOffCloser } from './cut-off-closer.js';
import { createGatekeeper } from './gatekeeper.js';
import { GatewayServer } from './gateway-server.js';
import { SenderPool } from './sender-pool.js';

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
  /** How often the active agreements are re-read (default 2 s). */
  readonly agreementRefreshMs?: number;
  /** Time between health checks (default 5 s). */
  readonly healthCheckMs?: number;
  /**
   * false switches agreement enforcement AND the audit log off: partner calls
   * are then limited by identity only. For benchmarks that measure their cost;
   * not reachable from the configuration or the CLI.
   */
  readonly enforcement?: boolean;
}

/**
 * Starts one gateway node: store, expiry watch, partner registry (seeded from
 * the file on first start, then re-read every 2 s), trust material (re-read
 * every 2 s), mTLS gRPC server, and a sender per push partner. A failed step
 * undoes the steps before it; stop() undoes them all.
 */
export async function startGateway(config: NodeConfig, opts: GatewayOptions = {}): Promise<Gateway> {
  const log = opts.log ?? createLogger({ level: config.logLevel, node: config.nodeId });
  const clock = opts.clock ?? systemClock;
  const metrics = createMetrics(config.nodeId);
  const tls = await loadTlsFiles({ caFile: config.tls.ca, certFile: config.tls.cert, keyFile: config.tls.key });
  // A calendar file that is not good stops the start (CONFIG_INVALID with the line at fault).
  const calendar = loadCalendar(config.calendar.file);
  log.info({ years: calendar.coverage().map((c) => c.year) }, 'working-day calendar loaded');
  const timeliness = new TimelinessMeter(metrics, calendar);
  const closers = new Closers();
  return closers.unwindOnFailure(async () => {
    const store = await openStore({
      databaseUrl: config.store.databaseUrl,
      dataDir: config.store.dataDir,
      sharedBuffersMiB: config.store.sharedBuffersMiB,
      log: (msg, fields) => log.info(fields ?? {}, msg),
    });
    closers.push(() => store.close());
    // /metrics, certificate and CRL expiry, our CRL re-issued before its nextUpdate.
    const expiryWatch = await startExpiryWatch({ config, store, metrics, clock, log, checkMs: opts.expiryCheckMs });
    closers.push(() => expiryWatch.stop());
    // Records received, sync lag, backlogs, the store pool (read when scraped), and timeliness at this platform.
    const meters = registerGatewayMetrics({ config, store, metrics, clock, log, timeliness });

    // The parts, wired but not started yet.
    const trustPaths = { ca: config.tls.ca, cert: config.tls.cert, key: config.tls.key, ...(config.tls.crl ? { crl: config.tls.crl } : {}) };
    const trust = new TrustDirectory({ read: () => readTrustSources(store, trustPaths), paths: trustPaths, clock, log, metrics, refreshMs: opts.trustRefreshMs });
    const directory = new PartnerDirectory({
      load: () => listAllPartners(store),
      refreshMs: opts.partnerRefreshMs,
      onError: (e) => log.warn({ err: e }, 'reading the partner registry failed; keeping the partners last read'),
      onChange: (before, after) => {
        log.info({ partner: after?.id ?? before?.id, status: after?.status ?? 'removed' }, 'partner changed');
        senders.onPartnerChange(before, after);
      },
    });
    // Data-sharing agreements, decided on every partner call (unless switched off for a benchmark).
    const enforce = opts.enforcement !== false;
    const agreements = new AgreementDirectory(store, log, opts.agreementRefreshMs);
    const quotas = new QuotaCounter(store, clock, log);
    const agreementGate = enforce ? new AgreementGate(agreements, quotas, clock) : undefined;
    const mayNotSend = agreementGate ? (p: PartnerConfig) => refusalOf(() => agreementGate.recheck(p, { direction: 'pull' })) : undefined;
    const senders = new SenderPool({ config, store, directory, trust, tls, log, ...(mayNotSend ? { mayNotSend } : {}) });
    const connections = new PartnerConnections();
    const cutOffs = new CutOffCloser(connections, log);
    const server = new GatewayServer(config, connections, log);

    // Stopped in this order, reversed: senders, registry, trust, pending cut-off closings, server (drain,
    // connections, listeners), then the expiry watch and the store. Each stop is safe before its start.
    closers.push(() => server.stop());
    closers.push(() => cutOffs.stop());
    closers.push(() => trust.stop());
    closers.push(() => directory.stop());
    closers.push(() => quotas.stop());
    closers.push(() => agreements.stop());
    closers.push(() => senders.stop());

    const seeded = await seedFromConfig(store, config);
    if (seeded.length > 0) log.info({ count: seeded.length }, 'partners from the configuration file added to the registry');
    const seededAgreements = await seedAgreementsFromConfig(store, config);
    if (seededAgreements.length > 0) log.info({ count: seededAgreements.length }, 'agreements from the configuration file added');
    await directory.start();
    await agreements.start();
    await quotas.start();
    // Every partner call and admin action, hash-chained: one chain per gateway process.
    const auditLog = enforce ? await AuditLog.open(store, { nodeId: config.nodeId }) : undefined;
    if (auditLog) closers.push(() => auditLog.close());
    const audit: AuditSink | undefined = auditLog;
    const material = await trust.start();
    cutOffs.follow(directory, trust);

    const startedAt = clock.now();
    const status = () => nodeStatus(config, store, startedAt, senders.states(), clock.now());
    // Aborted when stopping starts: open streams end at once with UNAVAILABLE (see the last closer below).
    const shutdown = new AbortController();
    const gate = createGatekeeper({ config, directory, trust, connections, log, clock, stopping: shutdown.signal, calls: new CallMetrics(metrics), ...(agreementGate ? { agreements: agreementGate } : {}), ...(enforce && audit ? { audit } : {}) });
    const persons = loadPersonsProtection(config.persons);
    const recognizer = await startRecognition({ config, store, clock, log, directory, agreements, trust, keys: persons.policy.keys, closers });
    const stated = (req: { purpose: number; reference: string }) => ({ purpose: purposeName(req.purpose), reference: req.reference });
    const recognition = recognizeHandlers(recognizer);
    // Objections and feedback passed on towards records' origins (retried until acknowledged).
    const upstreamClients = new PartnerClients(config, trust);
    closers.push(() => upstreamClients.close());
    const upstream = new UpstreamSender({ config, store, directory, clients: upstreamClients, log });
    closers.push(() => upstream.stop());
    const objectionsIn = partnerObjectionHandlers({ config, store, clock, notify: () => upstream.notify(), notifyOutbox: () => senders.notify() });
    server.grpc.addService(withSafeDeserializers({ ...FederationService, pushRecords: pushWireDefinition, recognize: recognizeWireDefinition }), {
      pushRecords: bidi(gate, 'partner', 'PushRecords', pushRecordsHandler(store, persons, meters.pushReceived), {
        direction: 'push',
      }),
      queryRecords: unary(gate, 'partner', 'QueryRecords', queryRecordsHandler({ config, store, persons }), {
        direction: 'query',
        purposeOf: (req: QueryRecordsRequest) => ({ purpose: purposeName(req.purpose), reference: req.reference }),
      }),
      listAuditEntries: unary(gate, 'partner', 'ListAuditEntries', listAuditEntriesHandler(store)),
      recognize: unary(gate, 'partner', 'Recognize', recognition.recognize, { direction: 'query', purposeOf: (req: RecognizeRequest) => stated(req) }),
      recognizeBatch: unary(gate, 'partner', 'RecognizeBatch', recognition.recognizeBatch, { direction: 'query', purposeOf: (req: RecognizeBatchRequest) => stated(req) }),
      // The feed sends records to the partner: it needs an agreement that lets the partner receive (pull).
      subscribe: serverStream(gate, 'partner', 'Subscribe', subscribeHandler({ config, store, persons, clock }), { direction: 'pull' }),
      // Objections and feedback travel back along a record's path: any agreement in force lets a partner pass them on.
      forwardObjection: unary(gate, 'partner', 'ForwardObjection', objectionsIn.forwardObjection),
      reportFeedback: unary(gate, 'partner', 'ReportFeedback', objectionsIn.reportFeedback),
    });
    server.grpc.addService(withSafeDeserializers(AdminService), adminService(gate, { config, store, clock, status, recognizer, persons, notifyOutbox: () => senders.notify(), notifyUpstream: () => upstream.notify() }));
    // grpc.health.v1.Health on the same mTLS port: the store and our certificate, NOT_SERVING once stopping.
    const health = new HealthWatch({ store, certFile: config.tls.cert, clock, log, ...(opts.healthCheckMs ? { intervalMs: opts.healthCheckMs } : {}) });
    health.addTo(server.grpc);
    // Server reflection (grpcurl) when server.reflection is on, behind the same mTLS handshake.
    if (config.server.reflection) await addReflection(server.grpc);
    await health.start();
    closers.push(() => health.draining());
    const port = await server.listen(material.server);
    log.info({ listen: `${config.listen.host}:${port}`, backend: store.backend }, 'gateway listening');

    senders.start();
    upstream.start();
    // Partners' change feeds this node follows (partners[].subscribe), stored as they arrive.
    const feedClients = new PartnerClients(config, trust);
    closers.push(() => feedClients.close());
    const follower = new FeedFollower({
      config,
      store,
      directory,
      clients: feedClients,
      persons,
      log,
      received: meters.feedReceived,
      feedState: meters.feedState,
      ...(agreementGate ? { agreementFor: (p: PartnerConfig) => agreementGate.recheck(p, { direction: 'push' }).agreement } : {}),
    });
    closers.push(() => follower.stop());
    follower.start();
    // Records past their publicity leave verdicts and query results (lifecycle.*).
    const sweeper = new PublicitySweeper({ store, rules: config.lifecycle.publicity, sweepSeconds: config.lifecycle.sweepSeconds, clock, log, feedRetainDays: config.feed.retainDays });
    closers.push(() => sweeper.stop());
    sweeper.start();
    // Stopping starts here (the newest closer runs first): health turns NOT_SERVING and open streams (feeds,
    // pushes) end at once with UNAVAILABLE, so their callers resume elsewhere or once this one is back.
    closers.push(() => {
      health.draining();
      shutdown.abort();
    });
    trust.onChange((change) => {
      server.useTrust(change);
      senders.onTrustChange(change);
    });

    let stopping: Promise<void> | undefined;
    return {
      config,
      store,
      port,
      metrics,
      metricsPort: expiryWatch.metricsPort,
      notifyOutbox: () => senders.notify(),
      status,
      stop: () => (stopping ??= closers.closeAll().then(() => log.info({}, 'gateway stopped'))),
    };
  });
}

/**
 * Recognition: this node's verdict signer (recognition.signing; without it
 * Recognize is refused with VERDICT_SIGNER_MISSING), its verdicts, and the
 * fan-out to partners for its own users' federated questions.
 */
async function startRecognition(parts: {
  config: NodeConfig;
  store: Store;
  clock: Clock;
  log: Logger;
  directory: PartnerDirectory;
  agreements: AgreementDirectory;
  trust: TrustDirectory;
  keys: LocalVerdictsDeps['keys'];
  closers: Closers;
}): Promise<Recognizer> {
  const { config, store, clock, log } = parts;
  const signing = config.recognition.signing;
  const signer = signing ? await VerdictSigner.load({ certFile: signing.cert, keyFile: signing.key, caFile: config.tls.ca, federation: config.federation, nodeId: config.nodeId, clock }) : undefined;
  if (!signer) log.warn({}, 'no verdict-signing certificate (recognition.signing): Recognize is refused');
  const clients = new PartnerClients(config, parts.trust);
  parts.closers.push(() => clients.close());
  const local = new LocalVerdicts({ config, store, signer, keys: parts.keys, clock });
  const fanOut = new FanOut({ config, directory: parts.directory, agreements: parts.agreements, clients, verify: verifyVerdict, clock, log });
  return new Recognizer(local, fanOut, config.recognition.rules);
}

/** The error `fn` throws, or undefined. */
function refusalOf(fn: () => unknown): Error | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return e as Error;
  }
}
