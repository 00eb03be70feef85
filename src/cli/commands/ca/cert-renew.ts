import { readFile } from 'node:fs/promises';
import type { KeySource } from '../../../ca/issue-certificate.js';
import { OutputBatch } from '../../../ca/output-files.js';
import { planRenewal, renewCertificate, type RenewRequest } from '../../../ca/renew-certificate.js';
import { CredfedError } from '../../../core/errors.js';
import { EXIT, UsageError, type Command } from '../../command.js';
import { STORE_NOTE, daysFlag, unlockWithFile, withCa, type Values } from './ca-cli.js';
import { certOutputs, reportIssued, reportPlan, stageCertificate } from './cert-output.js';

export const certRenewCommand: Command = {
  name: 'cert renew',
  summary: 'issue the successor of a certificate; the old one stays valid (overlap)',
  options: {
    config: { type: 'string', short: 'c' },
    'passphrase-file': { type: 'string' },
    csr: { type: 'string' },
    'key-out': { type: 'string' },
    'key-passphrase-file': { type: 'string' },
    'cert-out': { type: 'string' },
    days: { type: 'string' },
    'dry-run': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  allowPositionals: true,
  help: `Usage: credfed cert renew SERIAL --config FILE --passphrase-file FILE --cert-out FILE
                         [--csr FILE | --key-out FILE [--key-passphrase-file FILE]]
                         [--days N] [--dry-run] [--json]

Issues a new certificate for the partner (or admin) and profile of the valid
certificate SERIAL, with its DNS and IP names, marked as renewing it. The key:
the old certificate's (default), a new CSR (--csr), or a new RSA 3072 key
generated here (--key-out, mode 0600). The old certificate is not revoked:
both are valid until the old one expires, so the partner can switch over
without downtime; revoke it (reason superseded) once the new one is in place.
Validity defaults to the old certificate's lifetime. SERIAL as in cert list
(OpenSSL's 0A:1B:… form works too). A revoked certificate is not renewed.

${STORE_NOTE}

Options:
  -c, --config FILE                the node's configuration file
      --passphrase-file FILE       the CA passphrase
      --cert-out FILE              the new certificate (PEM; replaced atomically)
      --csr FILE                   a CSR with the new key
      --key-out FILE               generate a new key here
      --key-passphrase-file FILE   encrypt the generated key
      --days N                     validity of the new certificate
      --dry-run                    check everything, show what would be issued, write nothing
      --json                       print the new certificate's facts as JSON

EXAMPLES
  credfed cert list -c city.yaml --expiring 30d
  credfed cert renew 3f0c…a9 --config city.yaml --passphrase-file ca.pass --cert-out county-a.new.crt
  credfed cert renew 3f0c…a9 -c city.yaml --passphrase-file ca.pass --csr county-a-2027.csr --cert-out county-a.crt
  credfed cert revoke 3f0c…a9 --reason superseded -c city.yaml --passphrase-file ca.pass
`,
  async run({ values, positionals }, io) {
    const v = values as Values;
    if (positionals.length !== 1) throw new UsageError('exactly one SERIAL is required');
    const outputs = await certOutputs(v, { keyRequired: false });
    const validDays = daysFlag(v);
    let key: KeySource | { kind: 'same' } = { kind: 'same' };
    if (outputs.csr) {
      try {
        key = { kind: 'csr', pem: await readFile(outputs.csr, 'utf8') };
      } catch (cause) {
        throw new CredfedError('CERT_FILE_MISSING', `${outputs.csr} (CSR): ${(cause as NodeJS.ErrnoException).code ?? 'cannot read'}`);
      }
    } else if (outputs.keyOut) {
      key = { kind: 'generate' };
    }
    const request: RenewRequest = { serial: positionals[0]!, key, ...(validDays !== undefined ? { validDays } : {}) };
    const files = new OutputBatch();
    try {
      const done = await withCa(v, async (ctx) => {
        const ca = await unlockWithFile(ctx, v);
        if (v['dry-run']) return reportPlan(io, await planRenewal(ctx, ca, request), Boolean(v.json));
        return renewCertificate(ctx, ca, request, { onRecorded: stageCertificate(files, outputs) });
      });
      if (!done) return EXIT.OK;
      await files.publish();
      reportIssued(io, `renewed ${done.renewed.serial} (still valid until ${done.renewed.notAfter.toISOString()}) with`, done, outputs, Boolean(v.json));
      return EXIT.OK;
    } catch (e) {
      await files.discard();
      throw e;
    }
  },
};
