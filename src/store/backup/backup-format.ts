/**
 * The self-describing file of `credfed store backup`: a magic line that
 * carries the SHA-256 of the manifest line, the manifest (JSON, one line),
 * then the payload bytes, whose length and SHA-256 the manifest names. A
 * reader checks all of it before anything is written, so a truncated or
 * altered file is refused whole. Pure: no I/O here.
 */
import { createHash } from 'node:crypto';

/** First bytes of every store backup, followed by a space, the manifest's SHA-256 and a newline. */
export const BACKUP_MAGIC = 'CREDFED-STORE-BACKUP/1';
/** The header (magic line + manifest line) is never longer than this. */
export const MAX_HEADER_BYTES = 64 * 1024;

export type BackupBackend = 'embedded' | 'postgres';

/** How the payload was made, and so how it is restored. */
export type PayloadKind =
  /** PGlite's `dumpDataDir('gzip')`: a gzipped tarball of the data directory. */
  | 'pglite-datadir-tar-gz'
  /** `pg_dump --format=custom` of the database the URL names. */
  | 'pg-dump-custom';

export interface BackupManifest {
  readonly credfedVersion: string;
  readonly backend: BackupBackend;
  /** The newest migration applied in the backed-up store (schema_migrations). */
  readonly schemaVersion: number;
  readonly createdAt: string;
  readonly nodeId: string;
  readonly federation: string;
  /** Rows of the main tables at backup time, checked again after a restore. */
  readonly counts: Readonly<Record<string, number>>;
  /** Server (postgres) or PGlite version, and the pg_dump that wrote the payload. */
  readonly source: Readonly<Record<string, string>>;
  readonly payload: { readonly kind: PayloadKind; readonly bytes: number; readonly sha256: string };
}

/** The header bytes that precede the payload. */
export function encodeHeader(manifest: BackupManifest): Buffer {
  const manifestLine = JSON.stringify(manifest);
  return Buffer.from(`${BACKUP_MAGIC} ${sha256Hex(manifestLine)}\n${manifestLine}\n`, 'utf8');
}

/** A parsed header: the manifest and where the payload starts. */
export interface ParsedHeader {
  readonly manifest: BackupManifest;
  readonly payloadOffset: number;
}

/** Parses the first bytes of a file (at least the whole header, when the file has one). */
export function parseHeader(head: Buffer): { value: ParsedHeader; error?: undefined } | { value?: undefined; error: string } {
  const firstNl = head.indexOf(0x0a);
  const magicLine = head.subarray(0, firstNl < 0 ? Math.min(head.length, 100) : firstNl).toString('utf8');
  const [magic, digest] = magicLine.split(' ');
  if (magic !== BACKUP_MAGIC) {
    return magicLine.startsWith('CREDFED-STORE-BACKUP/')
      ? { error: `written in backup format ${magicLine.split(' ')[0]!.slice('CREDFED-STORE-BACKUP/'.length)}, this credfed reads format 1: restore with a newer credfed` }
      : { error: 'not a credfed store backup (no CREDFED-STORE-BACKUP header)' };
  }
  if (firstNl < 0) return { error: 'the file is truncated inside its header' };
  const secondNl = head.indexOf(0x0a, firstNl + 1);
  if (secondNl < 0) return { error: 'the file is truncated inside its header' };
  const manifestLine = head.subarray(firstNl + 1, secondNl).toString('utf8');
  if (!digest || sha256Hex(manifestLine) !== digest) return { error: 'the manifest does not match its checksum (the file was altered or damaged)' };
  let raw: unknown;
  try {
    raw = JSON.parse(manifestLine);
  } catch {
    return { error: 'the manifest is not JSON' };
  }
  const manifest = checkManifest(raw);
  if (manifest.error !== undefined) return { error: `the manifest is invalid: ${manifest.error}` };
  return { value: { manifest: manifest.value, payloadOffset: secondNl + 1 } };
}

function checkManifest(raw: unknown): { value: BackupManifest; error?: undefined } | { value?: undefined; error: string } {
  if (typeof raw !== 'object' || raw === null) return { error: 'not an object' };
  const m = raw as Record<string, unknown>;
  const p = m.payload as Record<string, unknown> | undefined;
  if (m.backend !== 'embedded' && m.backend !== 'postgres') return { error: `unknown backend ${JSON.stringify(m.backend)}` };
  if (!Number.isSafeInteger(m.schemaVersion) || (m.schemaVersion as number) < 0) return { error: 'schemaVersion' };
  for (const key of ['credfedVersion', 'createdAt', 'nodeId', 'federation'] as const) {
    if (typeof m[key] !== 'string') return { error: key };
  }
  if (typeof p !== 'object' || p === null) return { error: 'payload' };
  if (p.kind !== 'pglite-datadir-tar-gz' && p.kind !== 'pg-dump-custom') return { error: `unknown payload kind ${JSON.stringify(p.kind)}` };
  if (!Number.isSafeInteger(p.bytes) || (p.bytes as number) < 0) return { error: 'payload.bytes' };
  if (typeof p.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(p.sha256)) return { error: 'payload.sha256' };
  return { value: { counts: {}, source: {}, ...(m as object) } as BackupManifest };
}

/** Why a manifest cannot be restored into a store of `backend` that knows migrations up to `knownSchema`; undefined when it can. */
export function incompatibility(manifest: BackupManifest, backend: BackupBackend, knownSchema: number): string | undefined {
  if (manifest.backend !== backend) {
    return `the backup is of an ${manifest.backend === 'embedded' ? 'embedded (PGlite)' : 'PostgreSQL'} store, this node's store is ${backend === 'embedded' ? 'embedded (PGlite)' : 'PostgreSQL'}; restore it into a node of the same backend (then, to move the data, sync it or import it)`;
  }
  if (manifest.schemaVersion > knownSchema) {
    return `the backup's schema is at migration ${manifest.schemaVersion}, this credfed (${knownSchema}) is older: restore it with credfed ${manifest.credfedVersion} or newer`;
  }
  return undefined;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
