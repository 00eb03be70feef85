import { initCa } from '../../../ca/ca-init.js';
import type { CaFacts } from '../../../ca/ca-facts.js';
import { DEFAULT_CA_VALID_DAYS } from '../../../ca/certificate-profile.js';
import { OutputBatch, PUBLIC_FILE_MODE, checkOutputPath } from '../../../ca/output-files.js';
import { MIN_PASSPHRASE_LENGTH, readPassphraseFile } from '../../../ca/passphrase-file.js';
import { EXIT, type Command, type Io } from '../../command.js';
import { STORE_NOTE, daysFlag, flag, pathFlag, printJson, withCa, type Values } from './ca-cli.js';

export const caInitCommand: Command = {
  name: 'ca init',
  summary: "create this node's certificate authority (RSA 3072, key encrypted at rest)",
  options: {
    config: { type: 'string', short: 'c' },
    'passphrase-file': { type: 'string' },
    'common-name': { type: 'string' },
    days: { type: 'string' },
    'cert-out': { type: 'string' },
    json: { type: 'boolean' },
  },
  help: `Usage: credfed ca init --config FILE --passphrase-file FILE
                       [--common-name CN] [--days N] [--cert-out FILE] [--json]

Creates the node's CA in its store: an RSA 3072 key and a self-signed
certificate (CA:true, pathlen 0, keyCertSign + cRLSign, URI SAN
spiffe://<node.federation>). The key is stored only as PKCS#8 encrypted with
AES-256-CBC under the passphrase in --passphrase-file (at least ${MIN_PASSPHRASE_LENGTH} characters,
first line of the file). Keep that file and a backup (credfed ca backup) safe:
without the passphrase the CA cannot sign again.

Prints the CA certificate (PEM) on stdout, or writes it to --cert-out: that is
what partners put in their tls.ca. Refuses (CA_EXISTS) when the store holds a
CA already.

${STORE_NOTE}

Options:
  -c, --config FILE            the node's configuration file (node.federation, store)
      --passphrase-file FILE   the CA passphrase
      --common-name CN         subject CN (default "credfed <federation> CA")
      --days N                 validity in days (default ${DEFAULT_CA_VALID_DAYS})
      --cert-out FILE          write the CA certificate here instead of stdout
      --json                   print the CA's facts (and PEM) as JSON

EXAMPLES
  umask 077; openssl rand -base64 24 > ca.pass
  credfed ca init --config city.yaml --passphrase-file ca.pass --cert-out city-ca.pem
  credfed ca init -c city.yaml --passphrase-file ca.pass --common-name "沈阳市信用平台 CA" --days 3650
`,
  async run({ values }, io) {
    const v = values as Values;
    const passphraseFile = pathFlag(v, 'passphrase-file', true);
    const certOut = pathFlag(v, 'cert-out');
    const validDays = daysFlag(v);
    const commonName = flag(v, 'common-name');
    if (certOut) await checkOutputPath(certOut, {}, 'CA certificate');
    const passphrase = await readPassphraseFile(passphraseFile, 'CA passphrase', MIN_PASSPHRASE_LENGTH);
    const files = new OutputBatch();
    let facts: CaFacts;
    try {
      facts = await withCa(v, (ctx) => initCa(ctx, { passphrase, commonName, validDays }));
      if (certOut) await files.stage(certOut, facts.certPem, { mode: PUBLIC_FILE_MODE });
      await files.publish();
    } catch (e) {
      await files.discard();
      throw e;
    }
    report(io, facts, certOut, Boolean(v.json));
    return EXIT.OK;
  },
};

function report(io: Io, facts: CaFacts, certOut: string | undefined, json: boolean): void {
  io.err(
    `CA initialised for federation ${facts.federation}: ${facts.subject}, serial ${facts.serial}\n` +
      `  valid ${facts.notBefore} – ${facts.notAfter}\n  SHA-256 ${facts.fingerprintSha256}\n` +
      (certOut ? `  certificate written to ${certOut}\n` : ''),
  );
  if (json) printJson(io, facts);
  else if (!certOut) io.out(facts.certPem);
}
