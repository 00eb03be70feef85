import type { Command } from '../../command.js';
import { verdictVerifyCommand } from './verdict-verify.js';

/** `credfed verdict …`: signed verdicts of mutual recognition. */
export const verdictCommands: readonly Command[] = [verdictVerifyCommand];
