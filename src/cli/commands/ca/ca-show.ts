import { caFacts } from '../../../ca/ca-facts.js';
import { OutputBatch, PUBLIC_FILE_MODE, checkOutputPath } from '../../../ca/output-files.js';
import { CredfedError } from '../../../core/errors.js';
import { getCa } from '../../../store/repos/certificates-repo.js';
import { EXIT, type Command } from '../../command.js';
import { STORE_NOTE, pathFlag, printJson, withCa, type Values } from './ca-cli.js';

export const caShowCommand: Command = {
  name: 'ca show',
  summary: "print this node's CA certificate and the state of its CRL",
  options: {
    config: { type: 'string', short: 'c' },
    'cert-out': { type: 'string' },
    json: { type: 'boolean' },
  },
  help: `Usage: credfed ca show --config FILE [--cert-out FILE] [--json]

Prints the CA certificate (PEM) on stdout, or writes it to --cert-out, and on
stderr its subject, validity, SHA-256 fingerprint and the last CRL's number and
next update. Needs no passphrase. Exit 1 (CA_NOT_FOUND) before credfed ca init.

${STORE_NOTE}

Options:
  -c, --config FILE     the node's configuration file
      --cert-out FILE   write the CA certificate here instead of stdout
      --json            print the facts (and PEM) as JSON

EXAMPLES
  credfed ca show --config city.yaml > city-ca.pem
  credfed ca show -c city.yaml --json | jq .crl.nextUpdate
`,
  async run({ values }, io) {
    const v = values as Values;
    const certOut = pathFlag(v, 'cert-out');
    if (certOut) await checkOutputPath(certOut, {}, 'CA certificate');
    const row = await withCa(v, (ctx) => getCa(ctx.store));
    if (!row) throw new CredfedError('CA_NOT_FOUND', 'initialise one with credfed ca init, or restore a backup with credfed ca restore');
    const facts = caFacts(row);
    io.err(
      `CA of federation ${facts.federation}: ${facts.subject}, serial ${facts.serial}\n` +
        `  valid ${facts.notBefore} – ${facts.notAfter}\n  SHA-256 ${facts.fingerprintSha256}\n` +
        `  CRL: ${facts.crl ? `number ${facts.crl.number}, this update ${facts.crl.thisUpdate}, next update ${facts.crl.nextUpdate}` : 'none published yet (credfed ca crl)'}\n`,
    );
    if (certOut) {
      const files = new OutputBatch();
      await files.stage(certOut, facts.certPem, { mode: PUBLIC_FILE_MODE });
      await files.publish();
    }
    if (v.json) printJson(io, facts);
    else if (!certOut) io.out(facts.certPem);
    return EXIT.OK;
  },
};
