import type { Command } from '../../command.js';
import { caAnchorsCommand } from './ca-anchors.js';
import { caBackupCommand } from './ca-backup.js';
import { caCrlCommand } from './ca-crl.js';
import { caImportCrlCommand } from './ca-import-crl.js';
import { caImportCommand } from './ca-import.js';
import { caInitCommand } from './ca-init.js';
import { caRestoreCommand } from './ca-restore.js';
import { caShowCommand } from './ca-show.js';
import { certIssueCommand } from './cert-issue.js';
import { certListCommand } from './cert-list.js';
import { certRenewCommand } from './cert-renew.js';
import { certRevokeCommand } from './cert-revoke.js';

/** `credfed ca …` and `credfed cert …` commands. */
export const caCommands: readonly Command[] = [
  caInitCommand,
  caShowCommand,
  caCrlCommand,
  caBackupCommand,
  caRestoreCommand,
  caImportCommand,
  caImportCrlCommand,
  caAnchorsCommand,
  certIssueCommand,
  certListCommand,
  certRenewCommand,
  certRevokeCommand,
];
