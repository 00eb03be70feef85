/** One entry of the audit log: who did what, when, why, under which agreement, with what outcome. */

export interface AuditEvent {
  readonly at: Date;
  /** "partner/<id>", "admin/<name>" or "cli:<user>". */
  readonly actor: string;
  readonly partner?: string;
  /** SHA-256 (hex) of the caller's certificate (DER). */
  readonly certificateFingerprint?: string;
  /** "Federation/QueryRecords", "Admin/PutAgreement", "cli/agreement put" … */
  readonly method: string;
  readonly purpose?: string;
  readonly subject?: string;
  readonly reference?: string;
  readonly decision: 'allow' | 'deny';
  readonly reason?: string;
  readonly agreementId?: string;
  readonly agreementVersion?: number;
  readonly recordsReturned?: number;
  readonly recordsAccepted?: number;
  readonly recordsRejected?: number;
}

/** An event as stored: its place in its chain and the hashes that link it. */
export interface AuditEntry extends AuditEvent {
  readonly chain: string;
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
}

/** The event's fields in the fixed order the hash covers them. */
export const EVENT_FIELDS = [
  'actor',
  'partner',
  'certificateFingerprint',
  'method',
  'purpose',
  'subject',
  'reference',
  'decision',
  'reason',
  'agreementId',
  'agreementVersion',
  'recordsReturned',
  'recordsAccepted',
  'recordsRejected',
] as const;
