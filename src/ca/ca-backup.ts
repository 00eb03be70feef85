/**
 * Backup and restore of the CA: the CA row (its key still encrypted under the
 * CA passphrase) and the whole certificates table, as JSON, sealed with the
 * backup passphrase (backup-file.ts). Restoring checks the passphrase and the
 * whole content before it writes anything, and writes in one transaction.
 */
import { X509Certificate } from 'node:crypto';
import { CredfedError } from '../core/errors.js';
import {
  allCertificates,
  deleteCaAndCertificates,
  getCa,
  insertCa,
  insertCertificate,
  missingPartners,
  type CaRow,
  type CertificateRow,
} from '../store/repos/certificates-repo.js';
import type { CaContext } from './ca-context.js';
import { openBackup, sealBackup } from './backup-file.js';
import { MIN_PASSPHRASE_LENGTH, parsePassphrase } from './passphrase-file.js';
import { PROFILES } from './certificate-profile.js';
import { REVOCATION_REASONS } from '../pki/crl.js';

const CONTENT_FORMAT = 'credfed-ca-backup-content';

/** What a backup holds. */
export interface BackupContent {
  readonly createdAt: Date;
  readonly ca: CaRow;
  readonly certificates: readonly CertificateRow[];
}

export interface BackupSummary {
  readonly federation: string;
  readonly createdAt: string;
  readonly certificates: number;
  readonly revoked: number;
}

/** The sealed backup text of the store's CA. Throws CA_NOT_FOUND without a CA, KEY_WEAK for a short passphrase. */
export async function createBackup(ctx: CaContext, passphrase: string): Promise<{ text: string; summary: BackupSummary }> {
  const checked = parsePassphrase(passphrase, MIN_PASSPHRASE_LENGTH);
  if (checked.error !== undefined) throw new CredfedError('KEY_WEAK', `backup passphrase ${checked.error}`);
  // one snapshot: the CA row and the certificates as of one moment
  const content = await ctx.store.transaction(async (tx) => {
    await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    const ca = await getCa(tx);
    if (!ca) throw new CredfedError('CA_NOT_FOUND', 'nothing to back up');
    return { createdAt: ctx.clock.now(), ca, certificates: await allCertificates(tx) };
  });
  const text = await sealBackup(Buffer.from(JSON.stringify(toJson(content))), passphrase);
  return { text, summary: summarize(content) };
}

/** Opens and validates a backup (CA_PASSPHRASE_WRONG, IMPORT_FILE_INVALID); writes nothing. */
export async function readBackup(text: string, passphrase: string): Promise<BackupContent> {
  const plaintext = await openBackup(text, passphrase);
  let doc: unknown;
  try {
    doc = JSON.parse(plaintext.toString('utf8'));
  } catch {
    throw invalid('the content is not JSON');
  }
  return fromJson(doc);
}

export interface RestoreResult extends BackupSummary {
  /** Partner ids of restored certificates that are not in this store's partner registry. */
  readonly partnersNotInRegistry: readonly string[];
}

/**
 * Restores a backup into the store. Refuses (CA_EXISTS) when the store holds a
 * CA or certificates, unless `force`, which replaces them; refuses a backup of
 * another federation (CERT_INVALID). One transaction: all or nothing.
 */
export async function restoreBackup(ctx: CaContext, content: BackupContent, options: { force?: boolean } = {}): Promise<RestoreResult> {
  if (content.ca.federation !== ctx.federation) {
    throw new CredfedError('CERT_INVALID', `the backup holds a CA of federation ${content.ca.federation}, the node is in ${ctx.federation}`);
  }
  const missing = await ctx.store.transaction(async (tx) => {
    const existing = await getCa(tx, { forUpdate: true });
    const { rows } = await tx.query<{ n: string }>('SELECT count(*) AS n FROM certificates');
    const certificates = Number(rows[0]?.n ?? 0);
    if ((existing || certificates > 0) && !options.force) {
      throw new CredfedError(
        'CA_EXISTS',
        `the store holds ${existing ? 'a CA' : 'no CA'} and ${certificates} certificates; --force replaces them with the backup`,
      );
    }
    await deleteCaAndCertificates(tx);
    if (!(await insertCa(tx, content.ca))) throw new CredfedError('CA_EXISTS', 'a CA appeared during the restore');
    // renewals point at certificates that may come later in the file: link them once all exist
    for (const cert of content.certificates) await insertCertificate(tx, { ...cert, renewedFrom: null });
    for (const cert of content.certificates) {
      if (cert.renewedFrom !== null) {
        await tx.query('UPDATE certificates SET renewed_from = $2 WHERE serial = $1', [cert.serial, cert.renewedFrom]);
      }
    }
    const partnerIds = [...new Set(content.certificates.filter((c) => c.profile !== 'admin' && c.partnerId !== ctx.nodeId).map((c) => c.partnerId))];
    return missingPartners(tx, partnerIds);
  });
  return { ...summarize(content), partnersNotInRegistry: missing };
}

export function summarize(content: BackupContent): BackupSummary {
  return {
    federation: content.ca.federation,
    createdAt: content.createdAt.toISOString(),
    certificates: content.certificates.length,
    revoked: content.certificates.filter((c) => c.status === 'revoked').length,
  };
}

function toJson(content: BackupContent): unknown {
  const date = (d: Date | null) => d?.toISOString() ?? null;
  return {
    format: CONTENT_FORMAT,
    version: 1,
    createdAt: content.createdAt.toISOString(),
    ca: {
      ...content.ca,
      createdAt: date(content.ca.createdAt),
      nextCrlNumber: content.ca.nextCrlNumber.toString(),
      crlThisUpdate: date(content.ca.crlThisUpdate),
      crlNextUpdate: date(content.ca.crlNextUpdate),
    },
    certificates: content.certificates.map((c) => ({
      ...c,
      notBefore: date(c.notBefore),
      notAfter: date(c.notAfter),
      revokedAt: date(c.revokedAt),
      createdAt: date(c.createdAt),
    })),
  };
}

/** Validates every field: a damaged or hand-edited backup is refused whole. */
function fromJson(doc: unknown): BackupContent {
  const o = record(doc, 'content');
  if (o.format !== CONTENT_FORMAT || o.version !== 1) throw invalid('the content is not a version 1 CA backup');
  const ca = record(o.ca, 'ca');
  const caRow: CaRow = {
    federation: str(ca.federation, 'ca.federation'),
    certPem: pem(ca.certPem, 'ca.certPem'),
    keyPem: str(ca.keyPem, 'ca.keyPem'),
    createdAt: date(ca.createdAt, 'ca.createdAt'),
    nextCrlNumber: bigint(ca.nextCrlNumber, 'ca.nextCrlNumber'),
    crlPem: ca.crlPem === null ? null : str(ca.crlPem, 'ca.crlPem'),
    crlThisUpdate: ca.crlThisUpdate === null ? null : date(ca.crlThisUpdate, 'ca.crlThisUpdate'),
    crlNextUpdate: ca.crlNextUpdate === null ? null : date(ca.crlNextUpdate, 'ca.crlNextUpdate'),
  };
  if (!caRow.keyPem.startsWith('-----BEGIN ENCRYPTED PRIVATE KEY-----')) throw invalid('ca.keyPem is not an encrypted PKCS#8 key');
  if (!Array.isArray(o.certificates)) throw invalid('certificates is not a list');
  const certificates = o.certificates.map((value, i): CertificateRow => {
    const c = record(value, `certificates[${i}]`);
    const at = (k: string) => `certificates[${i}].${k}`;
    const profile = str(c.profile, at('profile'));
    const status = str(c.status, at('status'));
    const reason = c.revocationReason === null ? null : str(c.revocationReason, at('revocationReason'));
    if (!(PROFILES as readonly string[]).includes(profile)) throw invalid(`${at('profile')} is unknown`);
    if (status !== 'valid' && status !== 'revoked') throw invalid(`${at('status')} is unknown`);
    if (reason !== null && !(REVOCATION_REASONS as readonly string[]).includes(reason)) throw invalid(`${at('revocationReason')} is unknown`);
    const serial = str(c.serial, at('serial'));
    if (!/^[0-9a-f]+$/.test(serial)) throw invalid(`${at('serial')} is not lower-case hex`);
    return {
      serial,
      partnerId: str(c.partnerId, at('partnerId')),
      profile: profile as CertificateRow['profile'],
      certPem: pem(c.certPem, at('certPem')),
      notBefore: date(c.notBefore, at('notBefore')),
      notAfter: date(c.notAfter, at('notAfter')),
      status,
      revokedAt: c.revokedAt === null ? null : date(c.revokedAt, at('revokedAt')),
      revocationReason: reason,
      renewedFrom: c.renewedFrom === null ? null : str(c.renewedFrom, at('renewedFrom')),
      createdAt: date(c.createdAt, at('createdAt')),
    };
  });
  const serials = new Set<string>();
  for (const c of certificates) {
    if (serials.has(c.serial)) throw invalid(`serial ${c.serial} appears twice`);
    serials.add(c.serial);
  }
  for (const c of certificates) {
    if (c.renewedFrom !== null && !serials.has(c.renewedFrom)) throw invalid(`${c.serial} renews ${c.renewedFrom}, which is not in the backup`);
  }
  return { createdAt: date(o.createdAt, 'createdAt'), ca: caRow, certificates };
}

function record(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalid(`${what} is not an object`);
  return v as Record<string, unknown>;
}
function str(v: unknown, what: string): string {
  if (typeof v !== 'string' || v.length === 0) throw invalid(`${what} is not a string`);
  return v;
}
function date(v: unknown, what: string): Date {
  const d = new Date(str(v, what));
  if (Number.isNaN(d.getTime())) throw invalid(`${what} is not a date`);
  return d;
}
function bigint(v: unknown, what: string): bigint {
  const s = str(v, what);
  if (!/^[1-9][0-9]{0,18}$/.test(s)) throw invalid(`${what} is not a positive integer`);
  return BigInt(s);
}
function pem(v: unknown, what: string): string {
  const s = str(v, what);
  try {
    new X509Certificate(s);
  } catch {
    throw invalid(`${what} is not a certificate`);
  }
  return s;
}
function invalid(why: string): CredfedError {
  return new CredfedError('IMPORT_FILE_INVALID', `the backup content is damaged: ${why}`);
}
