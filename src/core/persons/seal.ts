/**
 * Sealing a clear resident identity number for storage (issue 5, point 5;
 * DESIGN.md §2.5): AES-256-GCM under a key derived from the node's local
 * encryption key, a fresh random 96-bit nonce per number, and the current
 * pseudonym as additional authenticated data, so a ciphertext moved to
 * another pseudonym's row fails to open. Pure: node:crypto only.
 */

import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { err, ok, type Result } from '../result.ts';

/** What is stored for one number: the nonce, and the ciphertext with its 16-byte GCM tag appended. */
export interface SealedNumber {
  readonly nonce: Uint8Array;
  readonly ciphertext: Uint8Array;
}

/** The 32-byte AES key of a node, derived from its encryption key file's bytes. */
export interface SealKey {
  readonly aesKey: Uint8Array;
}

const ALGORITHM = 'aes-256-gcm';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const HKDF_INFO = 'credfed-ric-seal-v1';

/**
 * Derives the AES-256 key from the secret of `persons.encryptionKeyFile`
 * (HKDF-SHA256, info "credfed-ric-seal-v1"), so the file may hold any
 * length of at least 32 random bytes and the key is never used for
 * anything else.
 */
export function sealKeyFrom(secret: Uint8Array): SealKey {
  return { aesKey: new Uint8Array(hkdfSync('sha256', secret, new Uint8Array(0), HKDF_INFO, 32)) };
}

/** Encrypts `clear` bound to `aad` (the current pseudonym of the number). */
export function sealNumber(clear: string, aad: string, key: SealKey): SealedNumber {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv(ALGORITHM, key.aesKey, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(clear, 'utf8'), cipher.final()]);
  return { nonce, ciphertext: Buffer.concat([body, cipher.getAuthTag()]) };
}

/**
 * Decrypts a sealed number. The error is 'unauthentic' when the ciphertext,
 * nonce, AAD or key is not the one it was sealed with (tampered, moved to
 * another row, or another node's key): nothing of the plaintext is returned then.
 */
export function openNumber(sealed: SealedNumber, aad: string, key: SealKey): Result<string, 'unauthentic'> {
  if (sealed.nonce.length !== NONCE_BYTES || sealed.ciphertext.length < TAG_BYTES) return err('unauthentic');
  const ct = Buffer.from(sealed.ciphertext);
  try {
    const decipher = createDecipheriv(ALGORITHM, key.aesKey, sealed.nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(ct.subarray(ct.length - TAG_BYTES));
    return ok(Buffer.concat([decipher.update(ct.subarray(0, ct.length - TAG_BYTES)), decipher.final()]).toString('utf8'));
  } catch {
    return err('unauthentic');
  }
}
