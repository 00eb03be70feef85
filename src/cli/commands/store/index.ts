import type { Command } from '../../command.js';
import { storeBackupCommand } from './store-backup.js';
import { storeRestoreCommand } from './store-restore.js';

/** `credfed store …` commands. */
export const storeCommands: readonly Command[] = [storeBackupCommand, storeRestoreCommand];
