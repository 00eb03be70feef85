import { createBackup } from '../../../ca/ca-backup.js';
import { KEY_FILE_MODE, OutputBatch, checkOutputPath } from '../../../ca/output-files.js';
import { MIN_PASSPHRASE_LENGTH, readPassphraseFile } from '../../../ca/passphrase-file.js';
import { EXIT, type Command } from '../../command.js';
import { STORE_NOTE, pathFlag, printJson, withCa, type Values } from './ca-cli.js';

export const caBackupCommand: Command = {
  name: 'ca backup',
  summary: 'write an encrypted backup of the CA and every certificate it issued',
  options: {
    config: { type: 'string', short: 'c' },
    out: { type: 'string' },
    'backup-passphrase-file': { type: 'string' },
    json: { type: 'boolean' },
  },
  help: `Usage: credfed ca backup --config FILE --out FILE --backup-passphrase-file FILE [--json]

Writes one file holding the CA (certificate, encrypted key, CRL state) and the
whole certificate table, encrypted with AES-256-GCM under a key derived with
scrypt (random salt) from the passphrase in --backup-passphrase-file (at least
${MIN_PASSPHRASE_LENGTH} characters). The CA key inside stays encrypted under the CA passphrase as
well: a restored CA signs with the same CA passphrase as before. The file is
written with mode 0600 and replaces --out atomically. Needs no CA passphrase.

${STORE_NOTE}

Options:
  -c, --config FILE                  the node's configuration file
      --out FILE                     the backup file
      --backup-passphrase-file FILE  passphrase of the backup (not the CA passphrase)
      --json                         print a summary as JSON

EXAMPLES
  credfed ca backup --config city.yaml --out city-ca-$(date +%F).cfbak --backup-passphrase-file backup.pass
  credfed ca restore city-ca-2026-05-01.cfbak --config city.yaml --backup-passphrase-file backup.pass
`,
  async run({ values }, io) {
    const v = values as Values;
    const out = pathFlag(v, 'out', true);
    await checkOutputPath(out, {}, 'backup');
    const passphrase = await readPassphraseFile(pathFlag(v, 'backup-passphrase-file', true), 'backup passphrase', MIN_PASSPHRASE_LENGTH);
    const { text, summary } = await withCa(v, (ctx) => createBackup(ctx, passphrase));
    const files = new OutputBatch();
    try {
      await files.stage(out, text, { mode: KEY_FILE_MODE });
      await files.publish();
    } catch (e) {
      await files.discard();
      throw e;
    }
    io.err(`backup of the CA of federation ${summary.federation} with ${summary.certificates} certificates (${summary.revoked} revoked) written to ${out}\n`);
    if (v.json) printJson(io, { ...summary, out });
    return EXIT.OK;
  },
};
