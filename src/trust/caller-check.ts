/**
 * The per-call certificate check (DESIGN.md §4: the handshake checks only
 * once per connection, and a CA's subject name can be copied): the caller's
 * leaf must verify against the public key of the anchor bound to it — a
 * partner's imported CA when the registry names one, otherwise one of this
 * node's own CAs (`tls.ca`; admin certificates always) — and its serial must
 * not be revoked by that CA (certificates table or a loaded CRL).
 */
import { X509Certificate } from 'node:crypto';
import { CredfedError } from '../core/errors.js';
import { certificateKey, normaliseSerial } from './serial.js';
import type { CaKey, TrustMaterial } from './trust-material.js';

/** Who the certificate claims to be, as far as the anchor goes. */
export type CallerAnchor =
  | { readonly kind: 'admin' }
  | { readonly kind: 'partner'; readonly partnerId: string; readonly trustAnchor?: string | undefined };

/** The caller's leaf as grpc-js reports it. */
export interface LeafCertificate {
  readonly raw: Buffer;
  readonly serialNumber: string;
  readonly fingerprint256: string;
}

/** Leaf signature checks, remembered per (leaf fingerprint, CA key). */
export class SignatureCache {
  private readonly results = new Map<string, boolean>();
  constructor(private readonly max = 4_096) {}

  verifies(leaf: LeafCertificate, ca: CaKey): boolean {
    const key = `${leaf.fingerprint256}|${ca.fingerprint}`;
    let ok = this.results.get(key);
    if (ok === undefined) {
      try {
        ok = new X509Certificate(leaf.raw).verify(ca.publicKey);
      } catch {
        ok = false;
      }
      if (this.results.size >= this.max) this.results.delete(this.results.keys().next().value as string);
      this.results.set(key, ok);
    }
    return ok;
  }
}

/**
 * Returns the certificate's key (issuer key fingerprint / serial) for
 * cut-off. Throws TRUST_ANCHOR_MISMATCH (leaf not signed by the bound
 * anchor), TRUST_ANCHOR_NOT_TRUSTED (the bound anchor is not imported or has
 * no current CRL) or CERT_REVOKED.
 */
export function checkCallerCertificate(material: TrustMaterial, cache: SignatureCache, who: CallerAnchor, leaf: LeafCertificate): string {
  const issuer = bindingCa(material, who);
  const ca = issuer.find((k) => cache.verifies(leaf, k));
  if (!ca) {
    const bound = who.kind === 'partner' && who.trustAnchor ? `the trust anchor ${who.trustAnchor.slice(0, 16)}… bound to "${who.partnerId}"` : "this node's own CA (tls.ca)";
    throw new CredfedError('TRUST_ANCHOR_MISMATCH', `the certificate was not signed by ${bound}`);
  }
  const serial = normaliseSerial(leaf.serialNumber);
  if (material.revoked.get(ca.fingerprint)?.has(serial)) {
    throw new CredfedError('CERT_REVOKED', `certificate serial ${serial} was revoked`, { serial });
  }
  return certificateKey(ca.fingerprint, serial);
}

function bindingCa(material: TrustMaterial, who: CallerAnchor): readonly CaKey[] {
  if (who.kind === 'admin' || !who.trustAnchor) return material.ownCas;
  const anchor = material.anchors.get(who.partnerId);
  if (!anchor || anchor.fingerprint !== who.trustAnchor || !anchor.key) {
    throw new CredfedError('TRUST_ANCHOR_NOT_TRUSTED', `the trust anchor bound to "${who.partnerId}" is not imported (credfed ca import)`);
  }
  if (!anchor.trusted) throw new CredfedError('TRUST_ANCHOR_NOT_TRUSTED', `the trust anchor bound to "${who.partnerId}" is not trusted now: ${anchor.detail}`);
  return [anchor.key];
}
