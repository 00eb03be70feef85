import type { Command } from '../../command.js';
import { partnerAddCommand } from './partner-add.js';
import { partnerListCommand } from './partner-list.js';
import { partnerShowCommand } from './partner-show.js';
import { partnerResumeCommand, partnerSuspendCommand } from './partner-status.js';
import { partnerUpdateCommand } from './partner-update.js';

/** `credfed partner …` commands. */
export const partnerCommands: readonly Command[] = [
  partnerAddCommand,
  partnerListCommand,
  partnerShowCommand,
  partnerUpdateCommand,
  partnerSuspendCommand,
  partnerResumeCommand,
];
