import { createHash, type KeyObject } from 'node:crypto';

/** SHA-256 (lower-case hex) of a public key's SubjectPublicKeyInfo DER (= partners.trust_anchor). */
export function spkiFingerprint(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}
