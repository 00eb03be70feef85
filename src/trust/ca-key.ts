import type { KeyObject, X509Certificate } from 'node:crypto';
import { spkiFingerprint } from './import-checks.js';

/** A CA public key the gateway checks leaves against, named by its SPKI SHA-256 fingerprint. */
export interface CaKey {
  /** SHA-256 hex of the SubjectPublicKeyInfo (= partners.trust_anchor for a foreign CA). */
  readonly fingerprint: string;
  readonly publicKey: KeyObject;
}

export function caKeyOf(cert: X509Certificate): CaKey {
  return { fingerprint: spkiFingerprint(cert.publicKey), publicKey: cert.publicKey };
}
