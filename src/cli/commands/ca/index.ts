import type { Command } from '../../command.js';

/** `credfed ca …` and `credfed cert …` commands. */
export const caCommands: readonly Command[] = [];
