/**
 * `credfed store backup` and `credfed store restore`: a self-describing file
 * (./backup-format.ts) around the backend's own dump — PGlite's data
 * directory tarball (./embedded-backup.ts) or pg_dump's archive
 * (./postgres-backup.ts). A restore checks the whole file and its fit to this
 * node before it changes anything.
 */
import { CredfedError } from '../../core/errors.js';
import { DEFAULT_MIGRATIONS_DIR } from '../migrate.js';
import { readMigrationFiles } from '../migration-files.js';
import { checkBackupFile, digestPayload, writeBackupFile, type CheckedBackup } from './backup-file.js';
import { incompatibility, type BackupBackend, type BackupManifest } from './backup-format.js';
import type { BackupProgress, RestoreResult } from './backup-types.js';
import { dumpPostgresStore, restorePostgresStore } from './postgres-backup.js';

/** Loaded on use: it brings PGlite, which every other CLI process (serve included) should not carry. */
const embedded = () => import('./embedded-backup.js');

/** The node a backup is taken of or restored into. */
export interface BackupNode {
  readonly nodeId: string;
  readonly federation: string;
  readonly store: { readonly databaseUrl?: string; readonly dataDir?: string };
}

export function backendOf(node: BackupNode): BackupBackend {
  return node.store.databaseUrl ? 'postgres' : 'embedded';
}

/** Writes a backup of the node's store to `out`; returns its manifest. */
export async function backupStore(node: BackupNode, opts: { out: string; credfedVersion: string; now: Date; progress: BackupProgress }): Promise<BackupManifest> {
  const backend = backendOf(node);
  const snapshot =
    backend === 'postgres' ? await dumpPostgresStore(node.store.databaseUrl!, opts.out, opts.progress) : { ...(await (await embedded()).dumpEmbeddedStore(node.store.dataDir!, opts.progress)), cleanup: () => {} };
  try {
    const manifest: BackupManifest = {
      credfedVersion: opts.credfedVersion,
      backend,
      schemaVersion: snapshot.schemaVersion,
      createdAt: opts.now.toISOString(),
      nodeId: node.nodeId,
      federation: node.federation,
      counts: snapshot.counts,
      source: snapshot.source,
      payload: { kind: backend === 'postgres' ? 'pg-dump-custom' : 'pglite-datadir-tar-gz', ...(await digestPayload(snapshot.payload)) },
    };
    await writeBackupFile(opts.out, manifest, snapshot.payload);
    return manifest;
  } finally {
    snapshot.cleanup();
  }
}

/** The newest migration this credfed ships. */
export function knownSchemaVersion(): number {
  return Math.max(0, ...readMigrationFiles(DEFAULT_MIGRATIONS_DIR).map((f) => f.version));
}

/**
 * Checks `file` whole (BACKUP_INVALID) and its fit to this node
 * (BACKUP_INCOMPATIBLE: another backend, node or federation, a newer schema).
 */
export async function checkBackupFor(node: BackupNode, file: string): Promise<CheckedBackup> {
  const backup = await checkBackupFile(file);
  const { manifest } = backup;
  const why = incompatibility(manifest, backendOf(node), knownSchemaVersion());
  if (why) throw new CredfedError('BACKUP_INCOMPATIBLE', `${file}: ${why}`);
  if (manifest.federation !== node.federation || manifest.nodeId !== node.nodeId) {
    throw new CredfedError(
      'BACKUP_INCOMPATIBLE',
      `${file}: the backup is of node ${manifest.nodeId} of federation ${manifest.federation}, this configuration is node ${node.nodeId} of federation ${node.federation}`,
    );
  }
  return backup;
}

/** Replaces the node's store with the checked backup's content. */
export async function restoreStore(node: BackupNode, backup: CheckedBackup, opts: { force: boolean; progress: BackupProgress }): Promise<RestoreResult> {
  return backendOf(node) === 'postgres'
    ? restorePostgresStore(node.store.databaseUrl!, backup, opts)
    : (await embedded()).restoreEmbeddedStore(node.store.dataDir!, backup, opts);
}
