/**
 * SQL of the node's CA and of the certificates it issued (tables `ca` and
 * `certificates`, migration 0003), plus the one question the CA asks the
 * partner registry: does this partner exist. Functions take a Queryable so
 * callers compose them in one transaction.
 */
import type { Queryable } from './queryable.js';

export type CertificateProfile = 'tls' | 'admin' | 'verdict';
export type CertificateStatus = 'valid' | 'revoked';

/** The CA row. */
export interface CaRow {
  readonly federation: string;
  readonly certPem: string;
  /** Encrypted PKCS#8 PEM. */
  readonly keyPem: string;
  readonly createdAt: Date;
  readonly nextCrlNumber: bigint;
  readonly crlPem: string | null;
  readonly crlThisUpdate: Date | null;
  readonly crlNextUpdate: Date | null;
}

/** One issued certificate. */
export interface CertificateRow {
  readonly serial: string;
  /** Partner id, or admin name for the admin profile. */
  readonly partnerId: string;
  readonly profile: CertificateProfile;
  readonly certPem: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly status: CertificateStatus;
  readonly revokedAt: Date | null;
  readonly revocationReason: string | null;
  readonly renewedFrom: string | null;
  readonly createdAt: Date;
}

const CA_COLUMNS = `federation, cert_pem, key_pem, created_at, next_crl_number, crl_pem, crl_this_update, crl_next_update`;
const CERT_COLUMNS = `serial, partner_id, profile, cert_pem, not_before, not_after, status, revoked_at, revocation_reason, renewed_from, created_at`;

/** The CA row, or undefined before `ca init`. `forUpdate` locks it until the transaction ends. */
export async function getCa(db: Queryable, opts: { forUpdate?: boolean } = {}): Promise<CaRow | undefined> {
  const { rows } = await db.query(`SELECT ${CA_COLUMNS} FROM ca WHERE ca_id = 1${opts.forUpdate ? ' FOR UPDATE' : ''}`);
  return rows[0] ? caFromRow(rows[0]) : undefined;
}

/** Inserts the CA row; false when one exists (nothing changed). */
export async function insertCa(db: Queryable, ca: CaRow): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO ca (ca_id, ${CA_COLUMNS}) VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (ca_id) DO NOTHING`,
    [ca.federation, ca.certPem, ca.keyPem, ca.createdAt, ca.nextCrlNumber.toString(), ca.crlPem, ca.crlThisUpdate, ca.crlNextUpdate],
  );
  return rowCount === 1;
}

/** Records a published CRL and advances the CRL number past it. */
export async function recordCrl(db: Queryable, crl: { number: bigint; pem: string; thisUpdate: Date; nextUpdate: Date }): Promise<void> {
  await db.query(
    `UPDATE ca SET next_crl_number = $1, crl_pem = $2, crl_this_update = $3, crl_next_update = $4 WHERE ca_id = 1`,
    [(crl.number + 1n).toString(), crl.pem, crl.thisUpdate, crl.nextUpdate],
  );
}

/** True when the partner is in the registry; locks its row (FOR SHARE) until the transaction ends. */
export async function partnerExists(db: Queryable, partnerId: string): Promise<boolean> {
  const { rowCount } = await db.query(`SELECT 1 FROM partners WHERE partner_id = $1 FOR SHARE`, [partnerId]);
  return (rowCount ?? 0) > 0;
}

/** Of the given partner ids, those not in the registry. */
export async function missingPartners(db: Queryable, partnerIds: readonly string[]): Promise<string[]> {
  if (partnerIds.length === 0) return [];
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM unnest($1::text[]) AS ids(id) WHERE NOT EXISTS (SELECT 1 FROM partners p WHERE p.partner_id = ids.id) ORDER BY id`,
    [partnerIds],
  );
  return rows.map((r) => r.id);
}

export async function insertCertificate(db: Queryable, cert: CertificateRow): Promise<void> {
  await db.query(
    `INSERT INTO certificates (${CERT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      cert.serial,
      cert.partnerId,
      cert.profile,
      cert.certPem,
      cert.notBefore,
      cert.notAfter,
      cert.status,
      cert.revokedAt,
      cert.revocationReason,
      cert.renewedFrom,
      cert.createdAt,
    ],
  );
}

/**
 * The certificate with this serial (lower-case hex; leading zeros do not
 * matter, so `openssl x509 -serial` output matches). `forUpdate` locks it.
 */
export async function getCertificate(db: Queryable, serial: string, opts: { forUpdate?: boolean } = {}): Promise<CertificateRow | undefined> {
  const { rows } = await db.query(
    `SELECT ${CERT_COLUMNS} FROM certificates WHERE ltrim(serial, '0') = ltrim($1, '0')${opts.forUpdate ? ' FOR UPDATE' : ''}`,
    [serial],
  );
  return rows[0] ? certFromRow(rows[0]) : undefined;
}

/** Marks a valid certificate revoked; false when it was not valid (nothing changed). */
export async function revokeCertificate(db: Queryable, serial: string, at: Date, reason: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE certificates SET status = 'revoked', revoked_at = $2, revocation_reason = $3 WHERE serial = $1 AND status = 'valid'`,
    [serial, at, reason],
  );
  return rowCount === 1;
}

/** Every revoked certificate, for the CRL. */
export async function revokedCertificates(db: Queryable): Promise<{ serial: string; revokedAt: Date; reason: string }[]> {
  const { rows } = await db.query(
    `SELECT serial, revoked_at, revocation_reason FROM certificates WHERE status = 'revoked' ORDER BY revoked_at, serial`,
  );
  return rows.map((r) => ({ serial: r.serial as string, revokedAt: r.revoked_at as Date, reason: r.revocation_reason as string }));
}

/** Filters and keyset position of one page of {@link listCertificates}. */
export interface CertificateQuery {
  readonly partnerId?: string;
  /** Only valid certificates with now < not_after <= expiringBy. */
  readonly expiring?: { readonly now: Date; readonly by: Date };
  /** Continue after this (not_after, serial). */
  readonly after?: { readonly notAfter: Date; readonly serial: string };
  readonly limit: number;
}

/** Certificates in (not_after, serial) order. */
export async function listCertificates(db: Queryable, q: CertificateQuery): Promise<CertificateRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (v: unknown) => `$${params.push(v)}`;
  if (q.partnerId !== undefined) where.push(`partner_id = ${param(q.partnerId)}`);
  if (q.expiring) {
    where.push(`status = 'valid'`, `not_after > ${param(q.expiring.now)}`, `not_after <= ${param(q.expiring.by)}`);
  }
  if (q.after) where.push(`(not_after, serial) > (${param(q.after.notAfter)}, ${param(q.after.serial)})`);
  const { rows } = await db.query(
    `SELECT ${CERT_COLUMNS} FROM certificates ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY not_after, serial LIMIT ${param(q.limit)}`,
    params,
  );
  return rows.map(certFromRow);
}

/** Every certificate, renewals after the certificates they renewed (for backups). */
export async function allCertificates(db: Queryable): Promise<CertificateRow[]> {
  const { rows } = await db.query(`SELECT ${CERT_COLUMNS} FROM certificates ORDER BY created_at, serial`);
  return rows.map(certFromRow);
}

/** Removes the CA and every certificate (restore --force, inside its transaction). */
export async function deleteCaAndCertificates(db: Queryable): Promise<void> {
  await db.query(`DELETE FROM certificates`);
  await db.query(`DELETE FROM ca`);
}

function caFromRow(r: Record<string, unknown>): CaRow {
  return {
    federation: r.federation as string,
    certPem: r.cert_pem as string,
    keyPem: r.key_pem as string,
    createdAt: r.created_at as Date,
    nextCrlNumber: BigInt(r.next_crl_number as string),
    crlPem: (r.crl_pem as string | null) ?? null,
    crlThisUpdate: (r.crl_this_update as Date | null) ?? null,
    crlNextUpdate: (r.crl_next_update as Date | null) ?? null,
  };
}

function certFromRow(r: Record<string, unknown>): CertificateRow {
  return {
    serial: r.serial as string,
    partnerId: r.partner_id as string,
    profile: r.profile as CertificateProfile,
    certPem: r.cert_pem as string,
    notBefore: r.not_before as Date,
    notAfter: r.not_after as Date,
    status: r.status as CertificateStatus,
    revokedAt: (r.revoked_at as Date | null) ?? null,
    revocationReason: (r.revocation_reason as string | null) ?? null,
    renewedFrom: (r.renewed_from as string | null) ?? null,
    createdAt: r.created_at as Date,
  };
}
