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

/** A hidden temporary sibling of `out` (same directory, so same file system as the final rename). */
export function tempSiblingOf(out: string, suffix: string): string {
  return path.join(path.dirname(out), `.${path.basename(out)}.${randomBytes(4).toString('hex')}.${suffix}`);
}

/** Writes all of `bytes` (one writeSync may write fewer bytes than asked). */
function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += fs.writeSync(fd, bytes, done, bytes.length - done);
}

/**
 * Writes header + payload to `out` atomically (temporary file, fsync, the
 * whole file checked as a restore checks it, rename), mode 0600.
 */
export async function writeBackupFile(out: string, manifest: BackupManifest, source: PayloadSource): Promise<void> {
  const tmp = tempSiblingOf(out, 'tmp');
  const untrack = removeOnSignal(tmp);
  try {
    const fd = fs.openSync(tmp, 'wx', 0o600);
    try {
      writeAll(fd, encodeHeader(manifest));
      if ('bytes' in source) writeAll(fd, source.bytes);
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
    await checkBackupFile(tmp);
    fs.renameSync(tmp, out);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw new CredfedError('STORE_UNAVAILABLE', `cannot write the backup ${out}: ${(err as Error).message}`);
  } finally {
    untrack();
  }
}

const tempPaths = new Set<string>();

function removeTempsAndExit(signal: NodeJS.Signals): void {
  for (const p of tempPaths) fs.rmSync(p, { recursive: true, force: true });
  process.exit(signal === 'SIGINT' ? 130 : 143);
}

/**
 * Removes `p` (file or directory) if the process gets SIGINT or SIGTERM
 * before the returned function is called, then exits 130 or 143.
 */
export function removeOnSignal(p: string): () => void {
  if (tempPaths.size === 0) {
    process.on('SIGINT', removeTempsAndExit);
    process.on('SIGTERM', removeTempsAndExit);
  }
  tempPaths.add(p);
  return () => {
    if (!tempPaths.delete(p) || tempPaths.size > 0) return;
    process.off('SIGINT', removeTempsAndExit);
    process.off('SIGTERM', removeTempsAndExit);
  };
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
export function readPayload(backup: CheckedBackup): Buffer<ArrayBuffer> {
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

/**
 * The payload as a stream (pg_restore's input), checked once more on the way:
 * `complete()` tells, once the stream has closed, whether all of it was read
 * and whether it still matches its SHA-256 (undefined when the reader stopped
 * before the end).
 */
export function payloadStream(backup: CheckedBackup): { stream: fs.ReadStream; complete(): Promise<boolean | undefined> } {
  const hash = createHash('sha256');
  let bytes = 0;
  const stream = fs.createReadStream(backup.file, { start: backup.payloadOffset });
  stream.on('data', (chunk) => {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  });
  let ended = false;
  stream.on('end', () => (ended = true));
  const closed = new Promise<void>((resolve) => {
    stream.on('close', resolve);
    stream.on('error', () => resolve());
  });
  return {
    stream,
    async complete() {
      await closed;
      if (!ended) return undefined;
      return bytes === backup.manifest.payload.bytes && hash.digest('hex') === backup.manifest.payload.sha256;
    },
  };
}
