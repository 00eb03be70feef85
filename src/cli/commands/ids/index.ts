import type { Command } from '../../command.js';
import { idsCheckCommand } from './ids-check.js';

/** `credfed ids …`: check, resolve and reconcile identifiers. */
export const idsCommands: readonly Command[] = [idsCheckCommand];
