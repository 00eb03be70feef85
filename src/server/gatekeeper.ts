/**
 * The gateway's Gatekeeper (see src/grpc/rpc-wrapper.ts): who may call is
 * decided by the partner registry, whether the caller's certificate is good by
 * the trust material; the configuration file adds this node's sync settings
 * (push, relay) for the partner.
 */
import type { NodeConfig } from '../config/node-config.js';
import { CredfedError } from '../core/errors.js';
import type { Clock } from '../core/clock.js';
import type { AgreementEnforcer } from '../enforcement/agreement-gate.js';
import type { AuditSink, Gatekeeper } from '../grpc/rpc-wrapper.js';
import type { CallObserver } from '../obs/call-metrics.js';
import type { Logger } from '../obs/logger.js';
import { isGatewayKind } from '../partners/partner.js';
import type { PartnerConnections } from '../partners/partner-connections.js';
import type { PartnerDirectory } from '../partners/partner-directory.js';
import { checkCallerCertificate, SignatureCache } from '../trust/caller-check.js';
import type { TrustDirectory } from '../trust/trust-directory.js';

export interface GatekeeperParts {
  readonly config: NodeConfig;
  readonly directory: PartnerDirectory;
  readonly trust: TrustDirectory;
  readonly connections: PartnerConnections;
  readonly log: Logger;
  /** Agreement enforcement and the audit log; absent only when switched off (benchmarks). */
  readonly agreements?: AgreementEnforcer;
  readonly audit?: AuditSink;
  readonly clock: Clock;
  /** Aborted when the gateway starts stopping (streams end with UNAVAILABLE). */
  readonly stopping?: AbortSignal;
  /** Hears every call's end (metrics). */
  readonly calls?: CallObserver;
}

export function createGatekeeper({ config, directory, trust, connections, log, agreements, audit, clock, stopping, calls }: GatekeeperParts): Gatekeeper {
  const signatures = new SignatureCache();
  return {
    federation: config.federation,
    ...(agreements ? { agreements } : {}),
    ...(audit ? { audit } : {}),
    now: () => clock.now(),
    ...(stopping ? { stopping } : {}),
    ...(calls ? { calls } : {}),
    partner: (id) => {
      const entry = directory.get(id);
      if (!entry) return undefined;
      if (entry.status === 'suspended') throw new CredfedError('PEER_NOT_ALLOWED', `partner "${id}" is suspended`);
      if (!isGatewayKind(entry.kind)) throw new CredfedError('PEER_NOT_ALLOWED', `"${id}" is registered as an admin party, not a partner gateway`);
      const file = config.partners.find((p) => p.id === id);
      return { id, kind: entry.kind, endpoint: entry.endpoint, push: file?.push ?? false, relay: file?.relay ?? false };
    },
    // The leaf must verify against the partner's bound anchor (or our own CA) and not be revoked.
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
}
