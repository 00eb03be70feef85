/**
 * Publishing the CA's CRL: every revoked certificate, signed with the CA key,
 * thisUpdate now and nextUpdate after `validMs` (7 days by default), under
 * the next CRL number. Recorded in the CA row in the caller's transaction, so
 * a revocation and the CRL that lists it commit together.
 */
import { createCrl, type RevocationReason } from '../pki/crl.js';
import { recordCrl, revokedCertificates } from '../store/repos/certificates-repo.js';
import type { Queryable } from '../store/repos/queryable.js';
import type { CaContext } from './ca-context.js';
import { lockCa, type UnlockedCa } from './ca-unlock.js';

/** Default CRL lifetime: nextUpdate = thisUpdate + 7 days. Publish again well before it passes. */
export const DEFAULT_CRL_VALID_MS = 7 * 24 * 60 * 60 * 1000;

export interface PublishedCrl {
  readonly number: bigint;
  readonly pem: string;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
  readonly revoked: number;
}

export interface CrlOptions {
  readonly validMs?: number;
}

/** Publishes a CRL in its own transaction; `onRecorded` runs inside it (output files). */
export async function publishCrl(
  ctx: CaContext,
  unlocked: UnlockedCa,
  options: CrlOptions = {},
  onRecorded?: (crl: PublishedCrl) => Promise<void>,
): Promise<PublishedCrl> {
  return ctx.store.transaction(async (tx) => {
    const crl = await publishCrlIn(tx, ctx, unlocked, options);
    await onRecorded?.(crl);
    return crl;
  });
}

/** Signs and records the next CRL inside `tx` (locks the CA row). */
export async function publishCrlIn(tx: Queryable, ctx: CaContext, unlocked: UnlockedCa, options: CrlOptions = {}): Promise<PublishedCrl> {
  const row = await lockCa(tx, unlocked);
  const revoked = await revokedCertificates(tx);
  // whole seconds, as the CRL stores them
  const thisUpdate = new Date(Math.floor(ctx.clock.now().getTime() / 1000) * 1000);
  const nextUpdate = new Date(thisUpdate.getTime() + (options.validMs ?? DEFAULT_CRL_VALID_MS));
  const pem = await createCrl({
    ca: unlocked.ca,
    crlNumber: row.nextCrlNumber,
    thisUpdate,
    nextUpdate,
    entries: revoked.map((r) => ({ serialHex: r.serial, revokedAt: r.revokedAt, reason: r.reason as RevocationReason })),
  });
  const crl = { number: row.nextCrlNumber, pem, thisUpdate, nextUpdate, revoked: revoked.length };
  await recordCrl(tx, crl);
  return crl;
}
