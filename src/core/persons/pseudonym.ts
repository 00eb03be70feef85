/**
 * Keyed pseudonyms of resident identity numbers (issue 5, point 5; DESIGN.md
 * §2.5). Gateways of one federation share a secret key out of band; the
 * pseudonym of a number is `<key id>:<base64url(HMAC-SHA256(key,
 * "credfed-ric-v1:" + normalized number))>`, so two gateways holding the
 * same key derive the same pseudonym for the same person and records match
 * without the clear number ever leaving either of them. Pure: node:crypto only.
 *
 * Whoever holds the key can test guesses (identity numbers have little
 * entropy), so the key is a secret to guard like a password.
 */

import { createHmac } from 'node:crypto';
import { lengthError, type IdError } from '../ids/errors.ts';
import { err, ok, type Result } from '../result.ts';

/** Domain separation: a key used for anything else never yields these values. Changing it changes every pseudonym. */
export const PSEUDONYM_CONTEXT = 'credfed-ric-v1:';

/** Key ids: letters, digits, '.', '_' and '-', 1 to 32 characters (no ':' — it separates the id from the digest). */
export const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,32}$/;

/** The shortest key accepted, in bytes (HMAC-SHA256 gains nothing from more than 64). */
export const MIN_KEY_BYTES = 32;

/** A federation pseudonym key: its public id and its secret bytes. */
export interface PseudonymKey {
  readonly id: string;
  readonly secret: Uint8Array;
}

const DIGEST_CHARS = 43; // 32 bytes in base64url without padding
const SHAPE = /^([A-Za-z0-9._-]{1,32}):([A-Za-z0-9_-]{43})$/;
const MAX_LENGTH = 32 + 1 + DIGEST_CHARS;

/** The pseudonym of an already normalized (and validated) resident identity number under one key. */
export function pseudonymise(normalizedRic: string, key: PseudonymKey): string {
  const digest = createHmac('sha256', key.secret).update(PSEUDONYM_CONTEXT + normalizedRic, 'utf8').digest('base64url');
  return `${key.id}:${digest}`;
}

/** The pseudonyms of a number under every key, in the keys' order (the current key first). */
export function pseudonymiseAll(normalizedRic: string, keys: readonly PseudonymKey[]): string[] {
  return keys.map((key) => pseudonymise(normalizedRic, key));
}

/** The key id a pseudonym was made with (the part before ':'), or undefined when it has no such shape. */
export function keyIdOf(pseudonym: string): string | undefined {
  return SHAPE.exec(pseudonym)?.[1];
}

/**
 * Validates the shape of a pseudonym as received (a record's identifier of
 * scheme IDENTIFIER_SCHEME_RESIDENT_ID_PSEUDONYM): a key id, ':' and 43
 * base64url characters. Only surrounding whitespace is trimmed; case is
 * kept (base64url is case-sensitive). Nothing more can be checked without the key.
 */
export function validatePseudonym(raw: string): Result<{ readonly normalized: string }, IdError> {
  const value = raw.trim();
  if (value === '') return err({ rule: 'empty', message: 'empty: no pseudonym was given' });
  if (value.length > MAX_LENGTH) return err(lengthError(`at most ${MAX_LENGTH}`, value.length));
  if (!SHAPE.test(value)) {
    return err({
      rule: 'charset',
      message: `shape: a resident ID pseudonym is a key id (letters, digits, '.', '_', '-'), ':' and ${DIGEST_CHARS} base64url characters`,
    });
  }
  return ok({ normalized: value });
}
