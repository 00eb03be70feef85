import { writeNewKeyFile, GENERATED_KEY_BYTES } from '../../../persons/key-file.js';
import { EXIT, UsageError, type Command } from '../../command.js';

export const personsKeyGenerateCommand: Command = {
  name: 'persons key generate',
  summary: 'write a new random key file (federation pseudonym key or node encryption key)',
  options: {
    out: { type: 'string' },
  },
  help: `Usage: credfed persons key generate --out FILE

Writes ${GENERATED_KEY_BYTES} random bytes, base64, to FILE with mode 0600, for one of:
  - persons.pseudonymKeys[].file: the federation pseudonym key. Generate it
    ONCE for the whole federation and copy the same file, out of band, to
    every gateway (never by e-mail or through the store or the wire).
    Whoever holds it can test guessed identity numbers: guard it like a password.
  - persons.encryptionKeyFile: this node's key sealing the clear numbers it
    stores. One per node; it never leaves the node. Losing it loses the
    stored numbers (the pseudonyms keep working); back it up with the CA backup.
Refuses to overwrite an existing file (exit 1).

Options:
      --out FILE   the key file to create

EXAMPLES
  credfed persons key generate --out /etc/credfed/keys/federation-2026.key
  credfed persons key generate --out /etc/credfed/keys/county-a-encryption.key
`,
  async run({ values }, io) {
    if (typeof values.out !== 'string' || values.out === '') throw new UsageError('--out FILE is required');
    try {
      writeNewKeyFile(values.out);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      io.err(`credfed persons key generate: ${values.out}: ${code === 'EEXIST' ? 'exists; refusing to overwrite a key' : (e as Error).message}\n`);
      return EXIT.FAILED;
    }
    io.err(`new key written to ${values.out} (mode 0600)\n`);
    return EXIT.OK;
  },
};
