/**
 * Key files of natural-person protection: the federation pseudonym keys
 * (`persons.pseudonymKeys[].file`, the same file at every gateway of the
 * federation) and the node's own encryption key (`persons.encryptionKeyFile`).
 * Each holds at least 32 random bytes, base64 (standard or URL alphabet),
 * on one line; whitespace around it is ignored.
 */

import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { MIN_KEY_BYTES } from '../core/persons/pseudonym.js';
import { err, ok, type Result } from '../core/result.js';

/** Bytes of a freshly generated key. */
export const GENERATED_KEY_BYTES = 32;

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Reads a key file; the error says what is wrong with it (never its content). */
export function readKeyFile(file: string): Result<Buffer, string> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8').trim();
  } catch (e) {
    return err(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (!BASE64.test(text)) return err(`${file}: expected base64 text (at least ${MIN_KEY_BYTES} random bytes)`);
  const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (bytes.length < MIN_KEY_BYTES) return err(`${file}: holds ${bytes.length} bytes, at least ${MIN_KEY_BYTES} random bytes are required`);
  return ok(bytes);
}

/**
 * Writes a new random key (32 bytes, base64 and a newline) readable by the
 * owner only (0600). Refuses to replace an existing file (EEXIST is thrown).
 */
export function writeNewKeyFile(file: string): void {
  const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
  try {
    fs.writeSync(fd, `${randomBytes(GENERATED_KEY_BYTES).toString('base64')}\n`);
    fs.fchmodSync(fd, 0o600);
  } finally {
    fs.closeSync(fd);
  }
}
