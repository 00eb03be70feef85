import type { Command } from '../../command.js';
import { idsCheckCommand } from './ids-check.js';
import { idsConflictsCommand } from './ids-conflicts.js';
import { idsImportCommand } from './ids-import.js';
import { idsResolveCommand } from './ids-resolve.js';

/** `credfed ids …`: check, resolve and reconcile identifiers. */
export const idsCommands: readonly Command[] = [idsCheckCommand, idsResolveCommand, idsConflictsCommand, idsImportCommand];
