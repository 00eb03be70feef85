/**
 * Reading and writing backup files: written to a temporary sibling and
 * renamed into place (never a half-written backup under the final name),
 * mode 0600; read back with every byte checked before the caller restores.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import path from 'node:path';
import { CredfedError } from '../../core/errors.js';
import { MAX_HEADER_BYTES, encodeHeader, parseHeader, type BackupManifest, type ParsedHeader } from './backup-format.js';

/** The payload of a new backup: bytes in memory, or a file (pg_dump's output). */
export type PayloadSource = { readonly bytes: Uint8Array } | { readonly file: string };

/** Length and SHA-256 of a payload. */
export async function digestPayload(source: PayloadSource): Promise<{ bytes: number; sha256: string }> {
  if ('bytes' in source) return { bytes: source.bytes.length, sha256: createHash('sha256').update(source.bytes).digest('hex') };
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of fs.createReadStream(source.file)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { bytes, sha256: hash.digest('hex') };
}

/** Writes header + payload to `out` atomically (temporary file, fsync, rename), mode 0600. */
export async function writeBackupFile(out: string, manifest: BackupManifest, source: PayloadSource): Promise<void> {
  const tmp = path.join(path.dirname(out), `.${path.basename(out)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fd = fs.openSync(tmp, 'wx', 0o600);
    try {
      fs.writeSync(fd, encodeHeader(manifest));
      if ('bytes' in source) fs.writeSync(fd, source.bytes);
    } finally {
      fs.closeSync(fd);
    }
    if ('file' in source) await pipeline(fs.createReadStream(source.file), fs.createWriteStream(tmp, { flags: 'a' }));
    const fd2 = fs.openSync(tmp, 'r+');
    try {
      fs.fsyncSync(fd2);
    } finally {
      fs.closeSync(fd2);
    }
    fs.renameSync(tmp, out);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw new CredfedError('STORE_UNAVAILABLE', `cannot write the backup ${out}: ${(err as Error).message}`);
  }
}

/** A checked backup file: its manifest and where its payload lies. */
export interface CheckedBackup extends ParsedHeader {
  readonly file: string;
}

/**
 * Reads the header and checks the payload's length and SHA-256. Throws
 * BACKUP_INVALID (not a backup, truncated, altered) before anything is written.
 */
export async function checkBackupFile(file: string): Promise<CheckedBackup> {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    throw new CredfedError('BACKUP_INVALID', `${file}: cannot read, ${(err as NodeJS.ErrnoException).code ?? 'EIO'}`);
  }
  let size: number;
  let head: Buffer;
  try {
    size = fs.fstatSync(fd).size;
    head = Buffer.alloc(Math.min(size, MAX_HEADER_BYTES));
    fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  const parsed = parseHeader(head);
  if (parsed.error !== undefined) throw new CredfedError('BACKUP_INVALID', `${file}: ${parsed.error}`);
  const { manifest, payloadOffset } = parsed.value;
  const actual = size - payloadOffset;
  if (actual < manifest.payload.bytes) {
    throw new CredfedError('BACKUP_INVALID', `${file}: truncated, the payload has ${actual} of its ${manifest.payload.bytes} bytes`);
  }
  if (actual > manifest.payload.bytes) {
    throw new CredfedError('BACKUP_INVALID', `${file}: ${actual - manifest.payload.bytes} unexpected bytes after the payload`);
  }
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file, { start: payloadOffset })) hash.update(chunk as Buffer);
  if (hash.digest('hex') !== manifest.payload.sha256) {
    throw new CredfedError('BACKUP_INVALID', `${file}: the payload does not match its SHA-256 (the file was altered or damaged)`);
  }
  return { file, manifest, payloadOffset };
}

/** The payload in memory (the embedded store's tarball). */
export function readPayload(backup: CheckedBackup): Buffer {
  const out = Buffer.alloc(backup.manifest.payload.bytes);
  const fd = fs.openSync(backup.file, 'r');
  try {
    let done = 0;
    while (done < out.length) {
      const n = fs.readSync(fd, out, done, out.length - done, backup.payloadOffset + done);
      if (n === 0) break;
      done += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  if (createHash('sha256').update(out).digest('hex') !== backup.manifest.payload.sha256) {
    throw new CredfedError('BACKUP_INVALID', `${backup.file}: changed while it was read`);
  }
  return out;
}

/** Copies the payload to `dest` (pg_restore's input), checking it once more on the way. */
export async function extractPayload(backup: CheckedBackup, dest: string): Promise<void> {
  const hash = createHash('sha256');
  const input = fs.createReadStream(backup.file, { start: backup.payloadOffset });
  input.on('data', (chunk) => hash.update(chunk as Buffer));
  await pipeline(input, fs.createWriteStream(dest, { mode: 0o600 }));
  if (hash.digest('hex') !== backup.manifest.payload.sha256) {
    throw new CredfedError('BACKUP_INVALID', `${backup.file}: changed while it was read`);
  }
}
