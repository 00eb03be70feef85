/**
 * The one error catalogue of credfed. Every failure a user can meet has a
 * stable machine-readable code, a default message and the gRPC status it maps
 * to. Tests assert codes, never message text.
 */

/** gRPC status codes used by the catalogue (numeric values of grpc.status). */
export const GrpcCode = {
  INVALID_ARGUMENT: 3,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;
export type GrpcCode = (typeof GrpcCode)[keyof typeof GrpcCode];

interface CatalogueEntry {
  readonly status: GrpcCode;
  readonly message: string;
}

export const ERROR_CATALOGUE = {
  // configuration and start-up
  CONFIG_INVALID: { status: GrpcCode.FAILED_PRECONDITION, message: 'configuration is invalid' },
  CONFIG_NOT_FOUND: { status: GrpcCode.NOT_FOUND, message: 'configuration file not found' },
  CERT_FILE_MISSING: { status: GrpcCode.FAILED_PRECONDITION, message: 'certificate or key file is missing' },
  CERT_INVALID: { status: GrpcCode.FAILED_PRECONDITION, message: 'certificate is invalid' },
  STORE_LOCKED: { status: GrpcCode.FAILED_PRECONDITION, message: 'data directory is in use by another process' },
  STORE_UNAVAILABLE: { status: GrpcCode.UNAVAILABLE, message: 'store is unavailable' },
  MIGRATION_FAILED: { status: GrpcCode.INTERNAL, message: 'database migration failed' },
  // identity and access
  PEER_UNAUTHENTICATED: { status: GrpcCode.UNAUTHENTICATED, message: 'caller presented no verified certificate' },
  PEER_UNKNOWN: { status: GrpcCode.PERMISSION_DENIED, message: 'caller is not a known partner' },
  PEER_NOT_ALLOWED: { status: GrpcCode.PERMISSION_DENIED, message: 'caller may not use this call' },
  PEER_CUT_OFF: { status: GrpcCode.UNAUTHENTICATED, message: 'caller was cut off during the call (suspended or revoked)' },
  // input
  MESSAGE_TOO_LARGE: { status: GrpcCode.RESOURCE_EXHAUSTED, message: 'message exceeds the size limit' },
  PROTOCOL_VIOLATION: { status: GrpcCode.INVALID_ARGUMENT, message: 'message violates the sync protocol' },
  SYNC_CURSOR_MOVED: { status: GrpcCode.ABORTED, message: 'another stream of the sender moved its cursor; resume again' },
  RECORD_FIELD_MISSING: { status: GrpcCode.INVALID_ARGUMENT, message: 'record is missing a required field' },
  RECORD_FIELD_INVALID: { status: GrpcCode.INVALID_ARGUMENT, message: 'record field is invalid' },
  RECORD_CATEGORY_UNKNOWN: { status: GrpcCode.INVALID_ARGUMENT, message: 'record category is unknown' },
  IDENTIFIER_INVALID: { status: GrpcCode.INVALID_ARGUMENT, message: 'identifier is invalid' },
  RECORD_STALE_VERSION: { status: GrpcCode.ALREADY_EXISTS, message: 'a newer or equal version of the record is held' },
  RECORD_ORIGIN_MISMATCH: { status: GrpcCode.PERMISSION_DENIED, message: 'record origin does not match the sender' },
  IMPORT_LINE_INVALID: { status: GrpcCode.INVALID_ARGUMENT, message: 'import line is invalid' },
  IMPORT_FILE_INVALID: { status: GrpcCode.INVALID_ARGUMENT, message: 'import file was refused' },
  PSEUDONYM_KEY_MISSING: { status: GrpcCode.FAILED_PRECONDITION, message: 'a resident identity number arrived but no pseudonym key is configured (persons.pseudonymKeys)' },
  // partners and certificates
  PARTNER_EXISTS: { status: GrpcCode.ALREADY_EXISTS, message: 'a partner with this id exists' },
  PARTNER_NOT_FOUND: { status: GrpcCode.NOT_FOUND, message: 'no such partner' },
  PARTNER_INVALID: { status: GrpcCode.INVALID_ARGUMENT, message: 'partner definition is invalid' },
  CA_EXISTS: { status: GrpcCode.ALREADY_EXISTS, message: 'a CA is already initialised here' },
  CA_NOT_FOUND: { status: GrpcCode.FAILED_PRECONDITION, message: 'no CA is initialised' },
  CA_PASSPHRASE_WRONG: { status: GrpcCode.PERMISSION_DENIED, message: 'the CA passphrase is wrong' },
  CSR_INVALID: { status: GrpcCode.INVALID_ARGUMENT, message: 'certificate signing request is invalid' },
  KEY_WEAK: { status: GrpcCode.INVALID_ARGUMENT, message: 'key is too weak' },
  KEY_UNSUPPORTED: { status: GrpcCode.INVALID_ARGUMENT, message: 'key type is not supported' },
  CERT_NOT_FOUND: { status: GrpcCode.NOT_FOUND, message: 'no such certificate' },
  CERT_IDENTITY_MISMATCH: { status: GrpcCode.PERMISSION_DENIED, message: 'certificate names another identity' },
  PAGE_TOKEN_INVALID: { status: GrpcCode.INVALID_ARGUMENT, message: 'page token is invalid' },
  // foreign CAs (trust anchors) and the admin API
  TRUST_ANCHOR_INVALID: { status: GrpcCode.INVALID_ARGUMENT, message: 'trust anchor certificate is unusable' },
  TRUST_ANCHOR_EXISTS: { status: GrpcCode.ALREADY_EXISTS, message: 'the partner is bound to another CA' },
  TRUST_ANCHOR_NOT_FOUND: { status: GrpcCode.FAILED_PRECONDITION, message: 'no foreign CA is bound to the partner' },
  CRL_INVALID: { status: GrpcCode.INVALID_ARGUMENT, message: 'CRL is invalid' },
  CRL_STALE: { status: GrpcCode.FAILED_PRECONDITION, message: 'CRL is out of date or older than the one held' },
  CA_LOCKED: { status: GrpcCode.FAILED_PRECONDITION, message: 'the gateway cannot unlock its CA' },
  ADMIN_REQUEST_INVALID: { status: GrpcCode.INVALID_ARGUMENT, message: 'admin request is invalid' },
  // per-call certificate checks (revocation, binding to the partner's trust anchor)
  CERT_REVOKED: { status: GrpcCode.UNAUTHENTICATED, message: 'caller certificate is revoked' },
  TRUST_ANCHOR_MISMATCH: { status: GrpcCode.UNAUTHENTICATED, message: 'caller certificate was not issued by the CA bound to its partner' },
  TRUST_ANCHOR_NOT_TRUSTED: { status: GrpcCode.UNAUTHENTICATED, message: 'the CA bound to the caller is not trusted now (missing or stale CRL)' },
  // signed verdicts (mutual recognition)
  VERDICT_SIGNER_MISSING: { status: GrpcCode.FAILED_PRECONDITION, message: 'no verdict-signing certificate and key are available (recognition.signing)' },
  VERDICT_SIGNER_INVALID: { status: GrpcCode.FAILED_PRECONDITION, message: 'the verdict-signing certificate or key is unusable' },
  VERDICT_INVALID: { status: GrpcCode.INVALID_ARGUMENT, message: 'verdict is invalid' },
  // identifier graph
  SUBJECT_NOT_FOUND: { status: GrpcCode.NOT_FOUND, message: 'no subject is linked to this identifier' },
  IDENTIFIER_AMBIGUOUS: { status: GrpcCode.INVALID_ARGUMENT, message: 'identifier is valid under more than one scheme; name the scheme' },
  CONFLICT_NOT_FOUND: { status: GrpcCode.NOT_FOUND, message: 'no such identifier conflict' },
  CONFLICT_DECIDED: { status: GrpcCode.FAILED_PRECONDITION, message: 'identifier conflict is already decided' },
  CONFLICT_STALE: { status: GrpcCode.FAILED_PRECONDITION, message: 'identifier conflict no longer applies to the graph' },
  // data-sharing agreements: documents and administration
  AGREEMENT_INVALID: { status: GrpcCode.INVALID_ARGUMENT, message: 'agreement document is invalid' },
  AGREEMENT_NOT_FOUND: { status: GrpcCode.NOT_FOUND, message: 'no such agreement or version' },
  AGREEMENT_CONFLICT: { status: GrpcCode.FAILED_PRECONDITION, message: 'another active agreement already governs a partner of this one' },
  // data-sharing agreements: enforcement on partner calls (deny by default)
  AGREEMENT_MISSING: { status: GrpcCode.PERMISSION_DENIED, message: 'no data-sharing agreement governs this partner' },
  AGREEMENT_NOT_IN_FORCE: { status: GrpcCode.PERMISSION_DENIED, message: 'the data-sharing agreement is not in force yet' },
  AGREEMENT_EXPIRED: { status: GrpcCode.PERMISSION_DENIED, message: 'the data-sharing agreement has expired' },
  DIRECTION_NOT_ALLOWED: { status: GrpcCode.PERMISSION_DENIED, message: 'the agreement does not allow this direction of exchange' },
  PURPOSE_NOT_ALLOWED: { status: GrpcCode.PERMISSION_DENIED, message: 'the agreement does not allow this purpose' },
  CATEGORY_NOT_ALLOWED: { status: GrpcCode.PERMISSION_DENIED, message: 'the agreement does not cover this record category' },
  DISCLOSURE_NOT_ALLOWED: { status: GrpcCode.PERMISSION_DENIED, message: 'the agreement does not allow this disclosure class' },
  QUOTA_EXCEEDED: { status: GrpcCode.RESOURCE_EXHAUSTED, message: 'the agreement quota is spent' },
  QUERY_INVALID: { status: GrpcCode.INVALID_ARGUMENT, message: 'query request is invalid' },
  BATCH_TOO_LARGE: { status: GrpcCode.INVALID_ARGUMENT, message: 'batch holds too many subjects' },
  // record lifecycle at the origin: repair and revocation
  RECORD_NOT_FOUND: { status: GrpcCode.NOT_FOUND, message: 'no such record' },
  NOT_ORIGIN: { status: GrpcCode.FAILED_PRECONDITION, message: 'only the record\'s origin may change its status' },
  RECORD_STATUS_REFUSED: { status: GrpcCode.FAILED_PRECONDITION, message: 'the record\'s status cannot be changed so' },
  // objections and joint-punishment feedback
  OBJECTION_INVALID: { status: GrpcCode.INVALID_ARGUMENT, message: 'the objection is invalid' },
  OBJECTION_NOT_FOUND: { status: GrpcCode.NOT_FOUND, message: 'no such objection' },
  OBJECTION_CLOSED: { status: GrpcCode.FAILED_PRECONDITION, message: 'the objection is resolved already' },
  FEEDBACK_INVALID: { status: GrpcCode.INVALID_ARGUMENT, message: 'the feedback is invalid' },
  // change feeds (Subscribe)
  CURSOR_INVALID: { status: GrpcCode.INVALID_ARGUMENT, message: 'the feed cursor is malformed' },
  CURSOR_EXPIRED: { status: GrpcCode.FAILED_PRECONDITION, message: 'the feed cursor is older than the retained history: subscribe with an empty cursor for a full pull' },
  FEED_FILTER_INVALID: { status: GrpcCode.INVALID_ARGUMENT, message: 'the feed filter is invalid' },
  // store backup and restore (credfed store backup|restore)
  BACKUP_INVALID: { status: GrpcCode.INVALID_ARGUMENT, message: 'the backup file is not usable (not a backup, truncated or altered)' },
  BACKUP_INCOMPATIBLE: { status: GrpcCode.FAILED_PRECONDITION, message: 'the backup does not fit this node' },
  BACKUP_TOOL_MISSING: { status: GrpcCode.FAILED_PRECONDITION, message: 'a PostgreSQL client program the backup needs is missing' },
  STORE_NOT_EMPTY: { status: GrpcCode.FAILED_PRECONDITION, message: 'the store holds data' },
  // generic
  NOT_FOUND: { status: GrpcCode.NOT_FOUND, message: 'not found' },
  UNAVAILABLE: { status: GrpcCode.UNAVAILABLE, message: 'service unavailable' },
  INTERNAL: { status: GrpcCode.INTERNAL, message: 'internal error' },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** An expected failure: carries a catalogue code and an optional detail for humans. */
export class CredfedError extends Error {
  readonly code: ErrorCode;
  readonly status: GrpcCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, detail?: string, details: Record<string, unknown> = {}) {
    const entry = ERROR_CATALOGUE[code];
    super(detail ? `${entry.message}: ${detail}` : entry.message);
    this.name = 'CredfedError';
    this.code = code;
    this.status = entry.status;
    this.details = details;
  }
}

export function isCredfedError(err: unknown): err is CredfedError {
  return err instanceof CredfedError;
}
