/** The validated, frozen configuration of one gateway node. */

import type { Agreement } from '../core/agreements/agreement.js';
import type { PersonsConfig } from './persons-config.js';
import type { LifecycleConfig } from './lifecycle-config.js';
import type { RecognitionConfig } from './recognition-config.js';

export const PARTNER_KINDS = ['child_county', 'parent_city', 'peer_region', 'service_agency'] as const;
export type PartnerKind = (typeof PARTNER_KINDS)[number];

export interface PartnerConfig {
  /** The partner's node id, as named in its certificate. */
  readonly id: string;
  readonly kind: PartnerKind;
  /** host:port of the partner's gateway; required when we push to it. */
  readonly endpoint?: string;
  /** Whether our records are pushed to this partner (default: true for a parent_city). */
  readonly push: boolean;
  /** Whether this partner may deliver records that originated at another platform. */
  readonly relay: boolean;
  /**
   * Whether this node follows the partner's change feed (Subscribe): stores
   * the records it delivers and keeps its cursor. parseConfig always sets it;
   * optional for a PartnerConfig built from the registry (read it as `subscribe ?? false`).
   */
  readonly subscribe?: boolean;
  /**
   * Administrative division code prefixes (2, 4 or 6 digits) the partner's
   * platform covers: a federated recognition asks the partners covering a
   * USCC's division code first (never excludes the others). parseConfig
   * always sets it (default []); optional so that a PartnerConfig built from
   * the registry (which does not hold it) still type-checks: read it as
   * `divisions ?? []`.
   */
  readonly divisions?: readonly string[];
}

export interface NodeConfig {
  readonly nodeId: string;
  readonly federation: string;
  readonly listen: { readonly host: string; readonly port: number };
  /** sharedBuffersMiB: shared_buffers of the embedded store (unused with databaseUrl: the server's own setting applies). */
  readonly store: { readonly databaseUrl?: string; readonly dataDir?: string; readonly sharedBuffersMiB: number };
  readonly tls: {
    readonly ca: string;
    readonly cert: string;
    readonly key: string;
    /** CRL of the CA in `ca` when this node does not run that CA (e.g. a county trusting its city's CA). */
    readonly crl?: string;
  };
  /**
   * This node's own CA (kept in its store, `credfed ca init`): the file holding
   * its passphrase lets the gateway sign on the Admin service and re-issue the
   * CRL before its nextUpdate. Unset: the gateway never unlocks the CA key.
   */
  readonly ca: { readonly passphraseFile?: string };
  /** Prometheus metrics over HTTP (`/metrics`); unset: not served. */
  readonly metrics: { readonly listen?: { readonly host: string; readonly port: number } };
  readonly partners: readonly PartnerConfig[];
  readonly limits: {
    /** Largest message received by the server (requests, pushed batches) and sent by its clients. */
    readonly maxMessageBytes: number;
    /** Largest answer the server sends and its clients receive. */
    readonly maxAnswerBytes: number;
  };
  readonly sync: {
    readonly batchSize: number;
    readonly window: number;
    readonly retentionDays: number;
    readonly leaseSeconds: number;
    readonly pollMs: number;
    readonly maxBackoffMs: number;
  };
  /** The gRPC server itself (README "Health", "Stopping"). */
  readonly server: {
    /** grpc.reflection.v1(alpha).ServerReflection on the mTLS port: any caller with a certificate this node trusts can list the services. */
    readonly reflection: boolean;
    /** How long stopping may take (streams ended, calls drained, parts closed) before what is left is cut and the process exits. */
    readonly shutdownTimeoutMs: number;
  };
  readonly grpc: {
    readonly keepaliveTimeMs: number;
    readonly keepaliveTimeoutMs: number;
    readonly maxConnectionAgeMs: number;
    readonly maxConnectionAgeGraceMs: number;
  };
  /** Natural persons' identity numbers: pseudonym keys, storage of the clear number, masking (persons-config.ts). */
  readonly persons: PersonsConfig;
  /** Data-sharing agreements inlined in the file: seeded into the store on first start (an id already stored is left alone). */
  readonly agreements: readonly ConfigAgreement[];
  /** Mutual recognition: verdict signing, validity, partner deadline, level rules (recognition-config.ts). */
  readonly recognition: RecognitionConfig;
  /** Publicity periods and how often they are applied (lifecycle-config.ts). */
  readonly lifecycle: LifecycleConfig;
  /** Working days: a file adding or replacing years of the shipped calendar (src/core/calendar/calendar-file.ts). */
  readonly calendar: { readonly file?: string };
  /** Change feeds (Subscribe): how long events are kept and how often caught-up streams look for new ones. */
  readonly feed: { readonly retainDays: number; readonly pollMs: number };
  readonly logLevel: string;
  /** The file the configuration was read from (for messages). */
  readonly source: string;
}

/** An agreement document of the configuration file, checked. */
export interface ConfigAgreement {
  readonly agreement: Agreement;
  /** The document as YAML text (stored as submitted). */
  readonly document: string;
}

/** Ids of the partners this node pushes its records to (whose outboxes receive them). */
export function pushPartnerIds(config: Pick<NodeConfig, 'partners'>): string[] {
  return config.partners.filter((p) => p.push).map((p) => p.id);
}
