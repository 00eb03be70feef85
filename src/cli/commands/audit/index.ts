import type { Command } from '../../command.js';
import { auditExportCommand } from './audit-export.js';
import { auditPruneCommand } from './audit-prune.js';
import { auditVerifyCommand } from './audit-verify.js';

/** `credfed audit …`: the hash-chained audit log. */
export const auditCommands: readonly Command[] = [auditVerifyCommand, auditExportCommand, auditPruneCommand];
