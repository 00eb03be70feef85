import { OutputBatch, PUBLIC_FILE_MODE, checkOutputPath } from '../../../ca/output-files.js';
import { DEFAULT_CRL_VALID_MS, publishCrl, type PublishedCrl } from '../../../ca/publish-crl.js';
import { EXIT, type Command } from '../../command.js';
import { STORE_NOTE, durationFlag, pathFlag, printJson, unlockWithFile, withCa, type Values } from './ca-cli.js';

export const caCrlCommand: Command = {
  name: 'ca crl',
  summary: 'sign and publish a new CRL (every revoked certificate)',
  options: {
    config: { type: 'string', short: 'c' },
    'passphrase-file': { type: 'string' },
    out: { type: 'string' },
    'next-update': { type: 'string' },
    json: { type: 'boolean' },
  },
  help: `Usage: credfed ca crl --config FILE --passphrase-file FILE [--out FILE]
                      [--next-update DURATION] [--json]

Signs a new certificate revocation list with the CA key: every revoked
certificate with its revocation time and reason, thisUpdate now, nextUpdate
after DURATION (default ${DEFAULT_CRL_VALID_MS / 86_400_000}d), the next CRL number. It is recorded in the store
and written as PEM ("BEGIN X509 CRL", what OpenSSL and Node read) to --out, or
printed on stdout. A CRL past its nextUpdate makes TLS refuse every client of
this CA: publish again well before (e.g. daily from cron).

${STORE_NOTE}

Options:
  -c, --config FILE              the node's configuration file
      --passphrase-file FILE     the CA passphrase
      --out FILE                 write the CRL here (replaced atomically)
      --next-update DURATION     lifetime, e.g. 7d, 36h (default 7d)
      --json                     print number, this and next update as JSON

EXAMPLES
  credfed ca crl --config city.yaml --passphrase-file ca.pass --out /etc/credfed/city.crl
  credfed ca crl -c city.yaml --passphrase-file ca.pass --next-update 2d | openssl crl -noout -text
`,
  async run({ values }, io) {
    const v = values as Values;
    const out = pathFlag(v, 'out');
    const validMs = durationFlag(v, 'next-update');
    if (out) await checkOutputPath(out, {}, 'CRL');
    const files = new OutputBatch();
    let crl: PublishedCrl;
    try {
      crl = await withCa(v, async (ctx) =>
        publishCrl(ctx, await unlockWithFile(ctx, v), { validMs }, async (c) => {
          if (out) await files.stage(out, c.pem, { mode: PUBLIC_FILE_MODE });
        }),
      );
      await files.publish();
    } catch (e) {
      await files.discard();
      throw e;
    }
    io.err(
      `CRL number ${crl.number} published: ${crl.revoked} revoked certificates, next update ${crl.nextUpdate.toISOString()}` +
        `${out ? `, written to ${out}` : ''}\n`,
    );
    if (v.json) printJson(io, { number: crl.number, thisUpdate: crl.thisUpdate, nextUpdate: crl.nextUpdate, revoked: crl.revoked, out: out ?? null });
    else if (!out) io.out(crl.pem);
    return EXIT.OK;
  },
};
