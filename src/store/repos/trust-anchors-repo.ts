/**
 * SQL of the foreign CAs bound to partners (table `trust_anchors`, migration
 * 0005). Functions take a Queryable so callers compose them in one transaction.
 */
import type { Queryable } from './queryable.js';

/** One foreign CA, bound to one partner, with its last imported CRL. */
export interface TrustAnchorRow {
  readonly partnerId: string;
  /** SHA-256 hex of the CA's SubjectPublicKeyInfo DER (= partners.trust_anchor). */
  readonly fingerprint: string;
  readonly subject: string;
  readonly certPem: string;
  readonly notAfter: Date;
  readonly importedAt: Date;
  readonly importedBy: string;
  readonly crlPem: string;
  readonly crlNumber: bigint | null;
  readonly crlThisUpdate: Date;
  readonly crlNextUpdate: Date;
  readonly crlImportedAt: Date;
}

const COLUMNS = `partner_id, fingerprint, subject, cert_pem, not_after, imported_at, imported_by,
  crl_pem, crl_number, crl_this_update, crl_next_update, crl_imported_at`;

/** Every trust anchor, by partner id. */
export async function listTrustAnchors(db: Queryable): Promise<TrustAnchorRow[]> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM trust_anchors ORDER BY partner_id`);
  return rows.map(anchorFromRow);
}

/** The anchor bound to a partner; `forUpdate` locks it until the transaction ends. */
export async function getTrustAnchor(db: Queryable, partnerId: string, opts: { forUpdate?: boolean } = {}): Promise<TrustAnchorRow | undefined> {
  const { rows } = await db.query(`SELECT ${COLUMNS} FROM trust_anchors WHERE partner_id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`, [partnerId]);
  return rows[0] ? anchorFromRow(rows[0]) : undefined;
}

function anchorFromRow(r: Record<string, unknown>): TrustAnchorRow {
  return {
    partnerId: r.partner_id as string,
    fingerprint: r.fingerprint as string,
    subject: r.subject as string,
    certPem: r.cert_pem as string,
    notAfter: r.not_after as Date,
    importedAt: r.imported_at as Date,
    importedBy: r.imported_by as string,
    crlPem: r.crl_pem as string,
    crlNumber: r.crl_number === null ? null : BigInt(r.crl_number as string),
    crlThisUpdate: r.crl_this_update as Date,
    crlNextUpdate: r.crl_next_update as Date,
    crlImportedAt: r.crl_imported_at as Date,
  };
}
