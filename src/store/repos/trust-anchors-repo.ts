/**
 * SQL of the foreign CAs bound to partners (table `trust_anchors`, migration
 * 0005). Functions take a Queryable so callers compose them in one transaction.
 */
import type { Page } from '../../partners/page-token.js';
import { PARTNER_ID } from '../../partners/validate-partner.js';
import { keyOf, pageOf, pageSizeOf } from './keyset-page.js';
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

/**
 * One page of trust anchors in partner id order (byte order). Throws
 * PAGE_TOKEN_INVALID for a token this list did not issue, PARTNER_INVALID for
 * a page size that is not a whole number ≥ 1.
 */
export async function listTrustAnchorPage(db: Queryable, page: { pageSize?: number; pageToken?: string } = {}): Promise<Page<TrustAnchorRow>> {
  const size = pageSizeOf(page.pageSize);
  // An empty token is the first page here (partner lists refuse it).
  const after = page.pageToken ? keyOf(page.pageToken, (k) => PARTNER_ID.test(k)) : null;
  const { rows } = await db.query(
    `SELECT ${COLUMNS} FROM trust_anchors WHERE $1::text IS NULL OR partner_id COLLATE "C" > $1::text
     ORDER BY partner_id COLLATE "C" LIMIT $2`,
    [after, size + 1],
  );
  return pageOf(rows, size, anchorFromRow, (a) => a.partnerId);
}

/** Writes a partner's anchor, replacing the one it had (call inside the transaction that binds the partner). */
export async function putTrustAnchor(db: Queryable, row: TrustAnchorRow): Promise<TrustAnchorRow> {
  const { rows } = await db.query(
    `INSERT INTO trust_anchors (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (partner_id) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, subject = EXCLUDED.subject,
       cert_pem = EXCLUDED.cert_pem, not_after = EXCLUDED.not_after, imported_at = EXCLUDED.imported_at,
       imported_by = EXCLUDED.imported_by, crl_pem = EXCLUDED.crl_pem, crl_number = EXCLUDED.crl_number,
       crl_this_update = EXCLUDED.crl_this_update, crl_next_update = EXCLUDED.crl_next_update,
       crl_imported_at = EXCLUDED.crl_imported_at
     RETURNING ${COLUMNS}`,
    [
      row.partnerId,
      row.fingerprint,
      row.subject,
      row.certPem,
      row.notAfter,
      row.importedAt,
      row.importedBy,
      row.crlPem,
      row.crlNumber === null ? null : row.crlNumber.toString(),
      row.crlThisUpdate,
      row.crlNextUpdate,
      row.crlImportedAt,
    ],
  );
  return anchorFromRow(rows[0]!);
}

/** The CRL of an anchor. */
export interface AnchorCrl {
  readonly crlPem: string;
  readonly crlNumber: bigint | null;
  readonly crlThisUpdate: Date;
  readonly crlNextUpdate: Date;
  readonly crlImportedAt: Date;
}

/** Replaces a partner's anchor CRL; undefined when the partner has no anchor. */
export async function putAnchorCrl(db: Queryable, partnerId: string, crl: AnchorCrl): Promise<TrustAnchorRow | undefined> {
  const { rows } = await db.query(
    `UPDATE trust_anchors SET crl_pem = $2, crl_number = $3, crl_this_update = $4, crl_next_update = $5, crl_imported_at = $6
     WHERE partner_id = $1 RETURNING ${COLUMNS}`,
    [partnerId, crl.crlPem, crl.crlNumber === null ? null : crl.crlNumber.toString(), crl.crlThisUpdate, crl.crlNextUpdate, crl.crlImportedAt],
  );
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
