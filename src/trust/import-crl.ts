/**
 * `ca import-crl`: refreshes the CRL of a partner's foreign CA. The CRL must
 * verify against the bound anchor's public key, be current, and be no older
 * than the one held (CRL number and thisUpdate). Written in one statement
 * under the anchor's row lock; a refusal writes nothing.
 */
import type { Clock } from '../core/clock.js';
import { CredfedError } from '../core/errors.js';
import { getPartner, type ChangeBy } from '../store/repos/partners-repo.js';
import { getTrustAnchor, putAnchorCrl, type TrustAnchorRow } from '../store/repos/trust-anchors-repo.js';
import type { Store } from '../store/store.js';
import { checkCrl, checkNotOlder } from './import-checks.js';

export interface ImportAnchorCrlRequest {
  readonly partnerId: string;
  readonly crlPem: string;
  /** Who refreshes it (kept for the audit log; the anchor row records the time). */
  readonly by: ChangeBy;
  readonly clock: Clock;
}

/**
 * Replaces the anchor's CRL. Throws PARTNER_NOT_FOUND, TRUST_ANCHOR_NOT_FOUND
 * (no foreign CA bound: credfed ca import first), CRL_INVALID (unparsable,
 * another issuer, signature not by the anchor's key), CRL_STALE (past
 * nextUpdate, lower CRL number or earlier thisUpdate than the held one).
 */
export async function importAnchorCrl(store: Store, req: ImportAnchorCrlRequest): Promise<TrustAnchorRow> {
  const now = req.clock.now();
  const anchor = await boundAnchor(store, req.partnerId);
  const crl = await checkCrl(req.crlPem, anchor, now);
  if (crl.error) throw crl.error;
  return store.transaction(async (tx) => {
    const held = await getTrustAnchor(tx, req.partnerId, { forUpdate: true });
    if (!held || held.fingerprint !== anchor.fingerprint) {
      throw new CredfedError('TRUST_ANCHOR_NOT_FOUND', `the CA of partner "${req.partnerId}" changed while the CRL was checked; run the command again`, {
        partnerId: req.partnerId,
      });
    }
    const older = checkNotOlder(crl.value, held);
    if (older) throw older;
    const row = await putAnchorCrl(tx, req.partnerId, {
      crlPem: crl.value.pem,
      crlNumber: crl.value.number,
      crlThisUpdate: crl.value.thisUpdate,
      crlNextUpdate: crl.value.nextUpdate,
      crlImportedAt: now,
    });
    return row!;
  });
}

async function boundAnchor(store: Store, partnerId: string): Promise<TrustAnchorRow> {
  const anchor = await getTrustAnchor(store, partnerId);
  if (anchor) return anchor;
  if (!(await getPartner(store, partnerId))) {
    throw new CredfedError('PARTNER_NOT_FOUND', `no partner "${partnerId}"`, { partnerId });
  }
  throw new CredfedError('TRUST_ANCHOR_NOT_FOUND', `partner "${partnerId}" has no foreign CA: bind one with credfed ca import first`, { partnerId });
}
