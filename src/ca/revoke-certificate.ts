/**
 * Revocation: the certificate is marked revoked (time, RFC 5280 reason) and a
 * new CRL listing it is signed and recorded in the same transaction.
 */
import { CredfedError } from '../core/errors.js';
import { REVOCATION_REASONS, type RevocationReason } from '../pki/crl.js';
import { err, ok, type Result } from '../core/result.js';
import { getCertificate, revokeCertificate as markRevoked, type CertificateRow } from '../store/repos/certificates-repo.js';
import type { CaContext } from './ca-context.js';
import { lockCa, type UnlockedCa } from './ca-unlock.js';
import { publishCrlIn, type CrlOptions, type PublishedCrl } from './publish-crl.js';
import { parseSerial } from './serial-text.js';

export function parseRevocationReason(text: string): Result<RevocationReason, string> {
  return (REVOCATION_REASONS as readonly string[]).includes(text)
    ? ok(text as RevocationReason)
    : err(`reason ${JSON.stringify(text)} is not one of ${REVOCATION_REASONS.join(', ')}`);
}

/** The certificate that would be revoked (CERT_NOT_FOUND; CERT_INVALID when revoked already). For --dry-run. */
export async function findRevocable(ctx: CaContext, serialText: string): Promise<CertificateRow> {
  const serial = parseSerial(serialText);
  if (serial.error !== undefined) throw new CredfedError('CERT_NOT_FOUND', serial.error);
  const cert = await getCertificate(ctx.store, serial.value);
  if (!cert) throw new CredfedError('CERT_NOT_FOUND', `no certificate with serial ${serial.value} (credfed cert list)`);
  if (cert.status === 'revoked') throw alreadyRevoked(cert);
  return cert;
}

export interface Revocation {
  readonly certificate: CertificateRow;
  readonly crl: PublishedCrl;
}

/** Revokes and publishes the CRL; `onRecorded` runs in the transaction (output files). */
export async function revokeCertificate(
  ctx: CaContext,
  unlocked: UnlockedCa,
  serialText: string,
  reason: RevocationReason,
  options: CrlOptions = {},
  onRecorded?: (revocation: Revocation) => Promise<void>,
): Promise<Revocation> {
  const found = await findRevocable(ctx, serialText);
  return ctx.store.transaction(async (tx) => {
    await lockCa(tx, unlocked);
    const at = ctx.clock.now();
    const cert = await getCertificate(tx, found.serial, { forUpdate: true });
    if (!cert) throw new CredfedError('CERT_NOT_FOUND', found.serial);
    if (!(await markRevoked(tx, cert.serial, at, reason))) throw alreadyRevoked(cert);
    const crl = await publishCrlIn(tx, ctx, unlocked, options);
    const revocation = { certificate: { ...cert, status: 'revoked' as const, revokedAt: at, revocationReason: reason }, crl };
    await onRecorded?.(revocation);
    return revocation;
  });
}

function alreadyRevoked(cert: CertificateRow): CredfedError {
  return new CredfedError('CERT_INVALID', `certificate ${cert.serial} was already revoked on ${cert.revokedAt?.toISOString()} (${cert.revocationReason})`);
}
