/**
 * The encrypted CA backup file format, version 1:
 *
 *     credfed-ca-backup 1
 *     {"kdf":"scrypt","n":32768,"r":8,"p":1,"salt":"<base64>","cipher":"aes-256-gcm","iv":"<base64>"}
 *     <base64 of ciphertext ‖ 16-byte GCM tag, 76 characters a line>
 *
 * The key is scrypt(passphrase, salt) with a fresh random salt and IV per
 * file; the two header lines are the GCM additional data, so changing them
 * fails the tag check like a wrong passphrase does. The plaintext is UTF-8
 * JSON (see ca-backup.ts).
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt, type ScryptOptions } from 'node:crypto';
import { CredfedError } from '../core/errors.js';

export const BACKUP_MAGIC = 'credfed-ca-backup';
export const BACKUP_VERSION = 1;
const CIPHER = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SALT_BYTES = 16;
/** scrypt cost of new files: N = 2^15, r = 8, p = 1 (32 MiB, ~0.1 s). */
const DEFAULT_KDF = { n: 2 ** 15, r: 8, p: 1 } as const;
/** Bounds accepted when reading, so a crafted header cannot ask for gigabytes. */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

interface Header {
  readonly kdf: 'scrypt';
  readonly n: number;
  readonly r: number;
  readonly p: number;
  readonly salt: string;
  readonly cipher: typeof CIPHER;
  readonly iv: string;
}

/** Encrypts `plaintext` under `passphrase` into the text of a backup file. */
export async function sealBackup(plaintext: Buffer, passphrase: string): Promise<string> {
  const header: Header = {
    kdf: 'scrypt',
    ...DEFAULT_KDF,
    salt: randomBytes(SALT_BYTES).toString('base64'),
    cipher: CIPHER,
    iv: randomBytes(IV_BYTES).toString('base64'),
  };
  const head = `${BACKUP_MAGIC} ${BACKUP_VERSION}\n${JSON.stringify(header)}\n`;
  const key = await deriveKey(passphrase, header);
  const cipher = createCipheriv(CIPHER, key, Buffer.from(header.iv, 'base64'));
  cipher.setAAD(Buffer.from(head));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return `${head}${(body.toString('base64').match(/.{1,76}/g) ?? []).join('\n')}\n`;
}

/**
 * Decrypts a backup file. Throws IMPORT_FILE_INVALID when the text is not a
 * credfed CA backup (or of an unknown version), CA_PASSPHRASE_WRONG when the
 * passphrase is wrong or the file was altered (GCM cannot tell them apart).
 */
export async function openBackup(text: string, passphrase: string): Promise<Buffer> {
  const lines = text.split('\n');
  const [magic, headerLine] = lines;
  const [name, version] = (magic ?? '').trim().split(' ');
  if (name !== BACKUP_MAGIC) throw invalid('it does not start with "credfed-ca-backup"');
  if (version !== String(BACKUP_VERSION)) throw invalid(`format version ${JSON.stringify(version)} is not supported (this credfed reads version ${BACKUP_VERSION})`);
  const header = parseHeader(headerLine ?? '');
  const body = Buffer.from(lines.slice(2).join(''), 'base64');
  if (body.length <= TAG_BYTES) throw invalid('it holds no encrypted content');
  const key = await deriveKey(passphrase, header);
  const decipher = createDecipheriv(CIPHER, key, Buffer.from(header.iv, 'base64'));
  decipher.setAAD(Buffer.from(`${magic}\n${headerLine}\n`));
  decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new CredfedError('CA_PASSPHRASE_WRONG', 'the backup passphrase does not open this backup (or the file was altered)');
  }
}

function parseHeader(line: string): Header {
  let h: Record<string, unknown>;
  try {
    h = JSON.parse(line) as Record<string, unknown>;
  } catch {
    throw invalid('its header line is not JSON');
  }
  const { kdf, n, r, p, salt, cipher, iv } = h;
  const int = (v: unknown, max: number) => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max;
  if (kdf !== 'scrypt' || cipher !== CIPHER) throw invalid(`kdf ${JSON.stringify(kdf)} / cipher ${JSON.stringify(cipher)} are not supported`);
  if (!int(n, MAX_N) || ((n as number) & ((n as number) - 1)) !== 0 || (n as number) < 2 ** 10 || !int(r, MAX_R) || !int(p, MAX_P)) {
    throw invalid('its scrypt parameters are out of range');
  }
  if (typeof salt !== 'string' || Buffer.from(salt, 'base64').length < SALT_BYTES) throw invalid('its salt is missing or short');
  if (typeof iv !== 'string' || Buffer.from(iv, 'base64').length !== IV_BYTES) throw invalid('its IV is malformed');
  return { kdf, n: n as number, r: r as number, p: p as number, salt, cipher, iv };
}

function deriveKey(passphrase: string, header: Header): Promise<Buffer> {
  const options: ScryptOptions = { N: header.n, r: header.r, p: header.p, maxmem: 256 * header.n * header.r + 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scrypt(passphrase, Buffer.from(header.salt, 'base64'), KEY_BYTES, options, (e, key) => (e ? reject(e) : resolve(key))),
  );
}

function invalid(why: string): CredfedError {
  return new CredfedError('IMPORT_FILE_INVALID', `not a credfed CA backup: ${why}`);
}
