/**
 * The foreign CA a partner's certificates chain to, when it is bound to one
 * (its registry entry names the anchor's key) and that anchor is trusted now
 * (current CRL). Our channels to such a partner trust that CA alone; its
 * signed verdicts are checked against it.
 */
import type { Partner } from '../partners/partner.js';
import type { TrustMaterial } from './trust-material.js';

export function boundAnchorPem(material: TrustMaterial, partner: Partner | undefined): string | undefined {
  if (!partner) return undefined;
  const anchor = material.anchors.get(partner.id);
  return anchor?.trusted && partner.trustAnchor === anchor.fingerprint ? anchor.certPem : undefined;
}
