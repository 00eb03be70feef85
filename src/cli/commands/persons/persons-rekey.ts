import { loadCliConfig } from '../../cli-env.js';
import { pushPartnerIds } from '../../../config/node-config.js';
import { loadPersonsProtection } from '../../../persons/persons-protection.js';
import { rekeyPersons, type RekeySummary } from '../../../persons/rekey.js';
import { openCliStore } from '../../cli-store.js';
import { EXIT, UsageError, type Command } from '../../command.js';

const line = (s: RekeySummary) =>
  `${s.numbers} numbers read, ${s.linked} pseudonyms linked, ${s.resealed} sealed under the current key, ${s.resent} own records queued again, ${s.unreadable} unreadable`;

export const personsRekeyCommand: Command = {
  name: 'persons rekey',
  summary: 'link the pseudonyms of stored identity numbers under every configured federation key',
  options: {
    config: { type: 'string', short: 'c' },
    json: { type: 'boolean' },
  },
  help: `Usage: credfed persons rekey --config FILE [--json]

Step 2 of a federation key rotation (README "Natural persons"). Opens every
identity number this node stores sealed (persons.residentIdStorage:
encrypted), computes its pseudonym under every key of persons.pseudonymKeys,
and links each pseudonym not linked yet to the same subject, so records that
name the person under the new key land on that subject. A number sealed under
an older key is sealed again under the current (first) key's pseudonym. With
more than one key configured, this node's own records about each person that
lack a pseudonym get it and are queued again (their next version) for the
partners they are pushed to, so a receiver that never saw the clear number
(the city) links the new pseudonym to the same person too.
Safe to run again: what is linked stays linked. Progress on stderr.

Runs against the store; with the embedded store, stop the node's gateway first.

Exit code: 0 done, 1 failed (or some rows did not open with this node's
encryption key: they are counted as unreadable), 2 wrong usage.

Options:
  -c, --config FILE   the node's configuration file
      --json          print the summary as JSON on stdout

EXAMPLES
  # persons.pseudonymKeys: [{ id: k2025, file: ... }, { id: k2026, file: ... }]
  credfed persons rekey -c county-a.yaml
  credfed persons rekey -c county-a.yaml --json
`,
  async run({ values }, io) {
    if (typeof values.config !== 'string') throw new UsageError('--config FILE is required');
    const config = loadCliConfig(values.config);
    const protection = loadPersonsProtection(config.persons);
    const store = await openCliStore(config);
    let summary: RekeySummary;
    try {
      summary = await rekeyPersons(store, protection, {
        resend: { originId: config.nodeId, outboxPartners: pushPartnerIds(config) },
        onProgress: (s) => io.err(`rekey: ${line(s)}\n`),
      });
    } finally {
      await store.close();
    }
    io.err(`rekey done: ${line(summary)}\n`);
    if (values.json) io.out(`${JSON.stringify(summary)}\n`);
    return summary.unreadable > 0 ? EXIT.FAILED : EXIT.OK;
  },
};
