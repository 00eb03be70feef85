/**
 * Passphrases come from files only, never from flags (a flag shows in `ps`
 * and in shell history). The file holds the passphrase on its first line;
 * trailing line breaks are dropped, everything else counts.
 */
import { readFile } from 'node:fs/promises';
import { CredfedError } from '../core/errors.js';
import { err, ok, type Result } from '../core/result.js';

/** Shortest passphrase accepted for a new secret (CA key, backup). */
export const MIN_PASSPHRASE_LENGTH = 12;
/** Longest passphrase file read. */
const MAX_PASSPHRASE_BYTES = 4096;

/**
 * The passphrase in a file's text: trailing CR/LF removed; empty, too short
 * (when `minLength` is given) or multi-line text is an error.
 */
export function parsePassphrase(text: string, minLength = 1): Result<string, string> {
  const passphrase = text.replace(/[\r\n]+$/, '');
  if (passphrase.length === 0) return err('is empty');
  if (/[\r\n]/.test(passphrase)) return err('holds more than one line; put the passphrase alone on the first line');
  const length = [...passphrase].length;
  if (length < minLength) return err(`holds ${length} characters; a passphrase needs at least ${minLength}`);
  return ok(passphrase);
}

/**
 * Reads a passphrase file. Throws CERT_FILE_MISSING when it cannot be read,
 * KEY_WEAK when it is empty or shorter than `minLength` characters.
 */
export async function readPassphraseFile(path: string, what: string, minLength = 1): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'EIO';
    throw new CredfedError('CERT_FILE_MISSING', `${path} (${what}): ${code === 'ENOENT' ? 'no such file' : `cannot read, ${code}`}`, { path });
  }
  if (bytes.length > MAX_PASSPHRASE_BYTES) throw new CredfedError('KEY_WEAK', `${path} (${what}) is larger than ${MAX_PASSPHRASE_BYTES} bytes: not a passphrase file`);
  const parsed = parsePassphrase(bytes.toString('utf8'), minLength);
  if (parsed.error !== undefined) throw new CredfedError('KEY_WEAK', `${path} (${what}) ${parsed.error}`, { path });
  return parsed.value;
}
