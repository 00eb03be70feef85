import type { Command } from '../../command.js';

/** `credfed partner …` commands. */
export const partnerCommands: readonly Command[] = [];
