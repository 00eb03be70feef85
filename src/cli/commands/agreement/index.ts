import type { Command } from '../../command.js';
import { agreementActivateCommand, agreementPutCommand } from './agreement-put.js';
import { agreementDiffCommand, agreementGetCommand, agreementHistoryCommand } from './agreement-view.js';

/** `credfed agreement …`: data-sharing agreements. */
export const agreementCommands: readonly Command[] = [agreementPutCommand, agreementGetCommand, agreementHistoryCommand, agreementDiffCommand, agreementActivateCommand];
