import { readFile } from 'node:fs/promises';
import { readBackup, restoreBackup, summarize } from '../../../ca/ca-backup.js';
import { readPassphraseFile } from '../../../ca/passphrase-file.js';
import { CredfedError } from '../../../core/errors.js';
import { EXIT, UsageError, type Command } from '../../command.js';
import { STORE_NOTE, pathFlag, printJson, withCa, type Values } from './ca-cli.js';

export const caRestoreCommand: Command = {
  name: 'ca restore',
  summary: 'restore the CA and its certificates from an encrypted backup',
  options: {
    config: { type: 'string', short: 'c' },
    'backup-passphrase-file': { type: 'string' },
    force: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  allowPositionals: true,
  help: `Usage: credfed ca restore FILE --config FILE --backup-passphrase-file FILE
                          [--force] [--dry-run] [--json]

Restores the CA and the certificate table from a file of credfed ca backup,
into the store of the node --config names (of the same federation). The
passphrase and the whole content are checked before anything is written
(CA_PASSPHRASE_WRONG: wrong passphrase or altered file); the restore is one
transaction. A store that holds a CA or certificates is refused (CA_EXISTS)
unless --force, which replaces them. Certificates of partners missing from
this store's partner registry are restored and listed as a warning.

${STORE_NOTE}

Options:
  -c, --config FILE                  the node's configuration file
      --backup-passphrase-file FILE  passphrase of the backup
      --force                        replace the CA and certificates in the store
      --dry-run                      check the file and the passphrase, show what it holds, write nothing
      --json                         print a summary as JSON

EXAMPLES
  credfed ca restore city-ca.cfbak --config city.yaml --backup-passphrase-file backup.pass
  credfed ca restore city-ca.cfbak -c city.yaml --backup-passphrase-file backup.pass --dry-run
  credfed ca restore city-ca.cfbak -c city.yaml --backup-passphrase-file backup.pass --force
`,
  async run({ values, positionals }, io) {
    const v = values as Values;
    if (positionals.length !== 1) throw new UsageError('exactly one backup FILE is required');
    const file = positionals[0]!;
    const passphrase = await readPassphraseFile(pathFlag(v, 'backup-passphrase-file', true), 'backup passphrase');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (cause) {
      throw new CredfedError('IMPORT_FILE_INVALID', `${file}: cannot read, ${(cause as NodeJS.ErrnoException).code ?? 'EIO'}`);
    }
    const content = await readBackup(text, passphrase);
    if (v['dry-run']) {
      const summary = summarize(content);
      io.err(`dry run: ${file} holds the CA of federation ${summary.federation} and ${summary.certificates} certificates (${summary.revoked} revoked), backed up ${summary.createdAt}; nothing written\n`);
      if (v.json) printJson(io, { ...summary, dryRun: true });
      return EXIT.OK;
    }
    const result = await withCa(v, (ctx) => restoreBackup(ctx, content, { force: Boolean(v.force) }));
    io.err(`restored the CA of federation ${result.federation} and ${result.certificates} certificates (${result.revoked} revoked) from ${file}\n`);
    if (result.partnersNotInRegistry.length > 0) {
      io.err(`warning: certificates name partners missing from this node's registry: ${result.partnersNotInRegistry.join(', ')}\n`);
    }
    if (v.json) printJson(io, result);
    return EXIT.OK;
  },
};
