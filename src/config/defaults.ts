import { EMBEDDED_SHARED_BUFFERS_MIB } from '../store/embedded/pglite-settings.js';

/** Every configuration default, in one place (DESIGN.md §6.5). */
export const DEFAULTS = {
  listen: '127.0.0.1:7400',
  federation: 'demo',
  logLevel: 'info',
  store: {
    /** shared_buffers of an embedded store, in MiB (16): why, beside the other embedded settings in src/store/embedded/pglite-settings.ts. */
    sharedBuffersMiB: EMBEDDED_SHARED_BUFFERS_MIB,
  },
  limits: {
    /** Largest gRPC message accepted (a request, a pushed batch) or sent by a client, in bytes (4 MiB). */
    maxMessageBytes: 4 * 1024 * 1024,
    /** Largest answer a gateway sends or its clients accept (64 MiB): a RecognizeBatch of 1,000 signed verdicts is about 7 MB, more when federated. */
    maxAnswerBytes: 64 * 1024 * 1024,
  },
  sync: {
    /** Records per batch at most. */
    batchSize: 500,
    /** Unacknowledged batches in flight at most. */
    window: 4,
    /** How long acknowledged outbox rows are kept for refilling a restored receiver. */
    retentionDays: 7,
    /** Sender lease lifetime; another replica takes over this long after a holder dies. */
    leaseSeconds: 6,
    /** How often an idle sender looks for new outbox rows. */
    pollMs: 250,
    /** Longest pause between reconnection attempts. */
    maxBackoffMs: 5_000,
  },
  persons: {
    /** Clear resident identity numbers are kept sealed (AES-256-GCM) under persons.encryptionKeyFile. */
    residentIdStorage: 'encrypted',
    /** Masked display of a resident identity number: first 6 and last 4 characters kept. */
    mask: { keepFirst: 6, keepLast: 4 },
  },
  recognition: {
    /** An issued verdict may be relied on for 5 minutes (also the most allowed: "valid-until default at most 5 minutes"). */
    validitySeconds: 300,
    maxValiditySeconds: 300,
    /** A federated recognition waits this long for each partner. */
    partnerDeadlineMs: 800,
    /** The level rules: DEFAULT_RULES in src/core/verdicts/recognition-rules.ts (kept there, beside their parser). */
  },
  lifecycle: {
    /** Records past their publicity are marked expired this often (and at start). The periods: DEFAULT_PUBLICITY in src/core/lifecycle/publicity.ts. */
    sweepSeconds: 60,
  },
  feed: {
    /** Feed events (Subscribe) are kept this long; a subscriber further behind pulls in full. */
    retainDays: 30,
    /** How often a caught-up feed stream looks for new events. */
    pollMs: 200,
  },
  server: {
    /** Server reflection off: it is for operators' tools (grpcurl); on, it also costs ~13 MB for the loaded descriptors. */
    reflection: false,
    /** Stopping gets 30 s (Kubernetes' default grace period) before what is left is cut. */
    shutdownTimeoutMs: 30_000,
  },
  grpc: {
    /** Client pings every 30 s so idle streams survive TCP load balancers. */
    keepaliveTimeMs: 30_000,
    keepaliveTimeoutMs: 10_000,
    /** Server closes connections after 30 min (streams resume elsewhere), with a grace period. */
    maxConnectionAgeMs: 30 * 60_000,
    maxConnectionAgeGraceMs: 60_000,
  },
} as const;
