import { loadCliConfig } from '../../cli-env.js';
import type { CheckedBackup } from '../../../store/backup/backup-file.js';
import { checkBackupFor, restoreStore } from '../../../store/backup/store-backup.js';
import { EXIT, type Command } from '../../command.js';
import { flag, pathFlag, printJson, type Values } from '../ca/ca-cli.js';
import { AUDIT_NOTE, auditedStoreCommand } from './store-audit.js';

export const storeRestoreCommand: Command = {
  name: 'store restore',
  summary: "replace the node's store with a backup of credfed store backup",
  options: {
    config: { type: 'string', short: 'c' },
    from: { type: 'string' },
    force: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  help: `Usage: credfed store restore --config FILE --from FILE [--force] [--dry-run] [--json]

Restores the store of the node --config names from a file of credfed store
backup. The whole file is checked first, before anything is written:
BACKUP_INVALID when it is not a backup, truncated or altered (SHA-256);
BACKUP_INCOMPATIBLE when it is of the other backend, of another node or
federation, or of a newer schema than this credfed knows. A store that holds
data is refused (STORE_NOT_EMPTY) unless --force, which replaces it. Stop the
node's gateway (every replica) first.

Never half-restored:
  embedded store   loaded into a new directory beside the data directory,
                   checked, then swapped in; the old one is removed only then.
  PostgreSQL       one transaction (pg_restore's SQL run by psql, both of
                   PostgreSQL 15+ client programs, on PATH or in
                   /usr/lib/postgresql/<major>/bin): any error rolls it back.

After a restore the change feed has a new id: subscribers' cursors from before
are refused (CURSOR_EXPIRED) and they pull in full. The node's inbound cursors
are those of the backup: on resume each sender is told them and sends again
everything after (see "Backing up and restoring a node" in the README).

${AUDIT_NOTE} A dry run is not entered.

Options:
  -c, --config FILE  the node's configuration file
      --from FILE    the backup file
      --force        replace a store that holds data
      --dry-run      check the file and show what it holds; write nothing
      --json         print the manifest and the result as JSON on stdout

EXAMPLES
  credfed store restore --config city.yaml --from /backup/city-2026-12-01.cfstore
  credfed store restore -c city.yaml --from city.cfstore --dry-run
  credfed store restore -c city.yaml --from city.cfstore --force
`,
  async run({ values }, io) {
    const v = values as Values;
    const from = pathFlag(v, 'from', true);
    const config = loadCliConfig(flag(v, 'config', true));
    const describe = (m: CheckedBackup['manifest']) =>
      `node ${m.nodeId}, ${m.backend} store at schema ${m.schemaVersion}, ${m.counts.records ?? 0} records, backed up ${m.createdAt} by credfed ${m.credfedVersion}`;
    if (v['dry-run']) {
      const m = (await checkBackupFor(config, from)).manifest;
      io.err(`dry run: ${from} is a complete backup (${describe(m)}); nothing written\n`);
      if (v.json) printJson(io, { manifest: m, dryRun: true });
      return EXIT.OK;
    }
    const { m, result } = await auditedStoreCommand(config, v, from, 'restore', async () => {
      const backup = await checkBackupFor(config, from);
      return { m: backup.manifest, result: await restoreStore(config, backup, { force: Boolean(v.force), progress: (text) => io.err(`${text}\n`) }) };
    });
    io.err(`restored ${from} (${describe(m)})${result.replacedData ? ', replacing the data the store held' : ''}; the change feed has a new id, subscribers pull in full\n`);
    if (v.json) printJson(io, { manifest: m, ...result });
    return EXIT.OK;
  },
};
