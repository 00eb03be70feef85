/** Types shared by the backends' backup and restore. */
import type { PayloadSource } from './backup-file.js';

/** Progress messages for humans (the CLI prints them on stderr). */
export type BackupProgress = (message: string) => void;

/** A backend's dump of a store, before it is written with its manifest. */
export interface StoreSnapshot {
  readonly schemaVersion: number;
  readonly counts: Record<string, number>;
  readonly source: Record<string, string>;
  readonly payload: PayloadSource;
}

/** What a restore did. */
export interface RestoreResult {
  /** Row counts of the restored store (equal to the manifest's). */
  readonly counts: Record<string, number>;
  /** The restored store's new change-feed id. */
  readonly feedId?: string;
  /** The store held data that the restore replaced (--force). */
  readonly replacedData: boolean;
}
