import type { Command } from '../../command.js';

/** `credfed ids …`: check, resolve and reconcile identifiers. */
export const idsCommands: readonly Command[] = [];
