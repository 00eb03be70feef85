/** Certificate serial numbers: random, positive, 16 bytes (RFC 5280 §4.1.2.2). */
import { randomBytes } from 'node:crypto';

/** Serial length in bytes; DER-encoded it stays within RFC 5280's 20 octets. */
export const SERIAL_BYTES = 16;

/**
 * A random serial as 32 lower-case hex digits. The first byte is kept in
 * 0x01–0x7f so the DER INTEGER is positive and minimally encoded without a
 * padding byte (127 bits of randomness, well over CA/B Forum's 64).
 */
export function randomSerialHex(): string {
  const bytes = randomBytes(SERIAL_BYTES);
  bytes[0] = 1 + ((bytes[0] as number) % 0x7f);
  return bytes.toString('hex');
}
