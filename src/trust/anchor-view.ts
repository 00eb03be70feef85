/**
 * Whether one imported foreign CA (trust anchor) is trusted now: its
 * certificate has the recorded key, its CRL was signed by it, this node
 * checks CRLs at all (it has a CRL of its own CA), and the anchor's CRL is
 * current (thisUpdate <= now < nextUpdate).
 */
import { X509Certificate } from 'node:crypto';
import type { TrustAnchorRow } from '../store/repos/trust-anchors-repo.js';
import { crlCurrent, crlFacts } from './crl-facts.js';
import { caKeyOf, type CaKey } from './ca-key.js';

export type AnchorState = 'current' | 'stale' | 'no-own-crl' | 'invalid';

/** One imported foreign anchor and whether it is trusted now. */
export interface AnchorView {
  readonly partnerId: string;
  readonly fingerprint: string;
  readonly key?: CaKey;
  /** The CA certificate (what a sender to this partner trusts for its server). */
  readonly certPem: string;
  readonly state: AnchorState;
  readonly trusted: boolean;
  readonly detail: string;
}

export async function anchorView(row: TrustAnchorRow, crlChecking: boolean, now: Date): Promise<AnchorView> {
  const base = { partnerId: row.partnerId, fingerprint: row.fingerprint, certPem: row.certPem };
  let key: CaKey;
  try {
    key = caKeyOf(new X509Certificate(row.certPem));
  } catch {
    return { ...base, state: 'invalid', trusted: false, detail: 'its CA certificate does not parse' };
  }
  if (key.fingerprint !== row.fingerprint) {
    return { ...base, key, state: 'invalid', trusted: false, detail: 'its CA certificate does not have the recorded key' };
  }
  const facts = crlFacts(row.crlPem);
  if (facts.error !== undefined || !(await facts.value.signedBy(row.certPem))) {
    return { ...base, key, state: 'invalid', trusted: false, detail: 'its CRL does not parse or was not signed by its CA' };
  }
  if (!crlChecking) {
    return { ...base, key, state: 'no-own-crl', trusted: false, detail: 'this node has no CRL of its own CA: publish our own CRL first (credfed ca crl)' };
  }
  if (!crlCurrent(facts.value, now)) {
    const next = facts.value.nextUpdate?.toISOString();
    const detail = now < facts.value.thisUpdate ? 'its CRL is not yet valid' : `its CRL is stale (nextUpdate ${next}); import a fresh one (credfed ca import-crl)`;
    return { ...base, key, state: 'stale', trusted: false, detail };
  }
  return { ...base, key, state: 'current', trusted: true, detail: `its CRL is current until ${facts.value.nextUpdate?.toISOString() ?? 'forever'}` };
}

