/**
 * `ca import`: binds a neighbouring region's own CA to one partner, by the
 * CA's public key. The CA and its CRL are checked first (import-checks.ts);
 * then, in one transaction, the trust_anchors row is written and the
 * partner's trust_anchor set through the registry's change path (so the
 * change is recorded with who and when). Any refusal writes nothing.
 */
import { X509Certificate } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import { CredfedError } from '../core/errors.js';
import { isGatewayKind } from '../partners/partner.js';
import { pemBlocks } from '../pki/pem.js';
import { getCa } from '../store/repos/certificates-repo.js';
import { getPartner, updatePartnerIn, type ChangeBy } from '../store/repos/partners-repo.js';
import { getTrustAnchor, putTrustAnchor, type TrustAnchorRow } from '../store/repos/trust-anchors-repo.js';
import type { Store } from '../store/store.js';
import { checkCrl, checkForeignCa, checkNotOlder, spkiFingerprint } from './import-checks.js';

export interface ImportTrustAnchorRequest {
  readonly partnerId: string;
  /** The foreign CA certificate (PEM, exactly one certificate). */
  readonly caPem: string;
  /** Its current CRL (PEM); required. */
  readonly crlPem: string;
  readonly by: ChangeBy;
  readonly clock: Clock;
  /** Allow replacing a different CA the partner is bound to. */
  readonly replace?: boolean;
  /** Other CAs of this node (e.g. the file of config `tls.ca`): importing one of them is refused. The store's CA is always checked. */
  readonly ownCaPems?: readonly string[];
}

/**
 * Imports and binds the CA. Throws PARTNER_NOT_FOUND, PARTNER_INVALID (an
 * admin party, not a gateway), TRUST_ANCHOR_INVALID (not one current CA
 * certificate, or this node's own CA), KEY_WEAK / KEY_UNSUPPORTED,
 * CRL_INVALID (unparsable, another issuer, signature not by this CA's key),
 * CRL_STALE (past nextUpdate, or older than the held CRL of the same CA),
 * TRUST_ANCHOR_EXISTS (bound to another CA without `replace`).
 */
export async function importTrustAnchor(store: Store, req: ImportTrustAnchorRequest): Promise<TrustAnchorRow> {
  const now = req.clock.now();
  const partner = await getPartner(store, req.partnerId);
  if (!partner) throw notFound(req.partnerId);
  if (!isGatewayKind(partner.kind)) throw adminParty(req.partnerId);
  const ca = checkForeignCa(req.caPem, now);
  if (ca.error) throw ca.error;
  await refuseOwnCa(store, ca.value.fingerprint, req.ownCaPems ?? []);
  const crl = await checkCrl(req.crlPem, ca.value, now);
  if (crl.error) throw crl.error;
  const anchor = ca.value;
  return store.transaction(async (tx) => {
    const locked = await getPartner(tx, req.partnerId, { forUpdate: true });
    if (!locked) throw notFound(req.partnerId);
    if (!isGatewayKind(locked.kind)) throw adminParty(req.partnerId);
    const held = await getTrustAnchor(tx, req.partnerId, { forUpdate: true });
    const bound = held?.fingerprint ?? locked.trustAnchor;
    if (bound !== undefined && bound !== anchor.fingerprint && !req.replace) {
      throw new CredfedError(
        'TRUST_ANCHOR_EXISTS',
        `partner "${req.partnerId}" is bound to the CA with key fingerprint ${bound}${held ? ` (${held.subject})` : ''}; import with --replace to bind it to ${anchor.subject} instead`,
        { partnerId: req.partnerId, fingerprint: bound },
      );
    }
    if (held && held.fingerprint === anchor.fingerprint) {
      const older = checkNotOlder(crl.value, held);
      if (older) throw older;
    }
    const row = await putTrustAnchor(tx, {
      partnerId: req.partnerId,
      fingerprint: anchor.fingerprint,
      subject: anchor.subject,
      certPem: anchor.certPem,
      notAfter: anchor.notAfter,
      importedAt: now,
      importedBy: req.by.actor,
      crlPem: crl.value.pem,
      crlNumber: crl.value.number,
      crlThisUpdate: crl.value.thisUpdate,
      crlNextUpdate: crl.value.nextUpdate,
      crlImportedAt: now,
    });
    await updatePartnerIn(tx.query, req.partnerId, { trustAnchor: anchor.fingerprint }, {
      ...req.by,
      reason: req.by.reason ?? `${bound !== undefined && bound !== anchor.fingerprint ? 'replaced' : 'bound'} trust anchor: ${anchor.subject}`,
    });
    return row;
  });
}

async function refuseOwnCa(store: Store, fingerprint: string, ownCaPems: readonly string[]): Promise<void> {
  const own = await getCa(store);
  const blocks = [...(own ? [own.certPem] : []), ...ownCaPems].flatMap((pem) => pemBlocks(pem).filter((b) => b.label === 'CERTIFICATE'));
  const mine = blocks.flatMap((b) => {
    try {
      return [spkiFingerprint(new X509Certificate(b.der).publicKey)];
    } catch {
      return [];
    }
  });
  if (mine.includes(fingerprint)) {
    throw new CredfedError('TRUST_ANCHOR_INVALID', "this is this node's own CA (same key): its partners need no trust anchor");
  }
}

function notFound(partnerId: string): CredfedError {
  return new CredfedError('PARTNER_NOT_FOUND', `no partner "${partnerId}": add it first (credfed partner add ${partnerId} --kind peer_region …)`, { partnerId });
}

function adminParty(partnerId: string): CredfedError {
  return new CredfedError('PARTNER_INVALID', `partner "${partnerId}" is an admin party, not a gateway: it has no CA of its own`, { partnerId });
}
