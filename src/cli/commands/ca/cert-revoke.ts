import { OutputBatch, PUBLIC_FILE_MODE, checkOutputPath } from '../../../ca/output-files.js';
import { REVOCATION_REASONS } from '../../../pki/crl.js';
import { findRevocable, parseRevocationReason, revokeCertificate } from '../../../ca/revoke-certificate.js';
import { EXIT, UsageError, type Command } from '../../command.js';
import { STORE_NOTE, durationFlag, flag, pathFlag, printJson, unlockWithFile, withCa, type Values } from './ca-cli.js';

export const certRevokeCommand: Command = {
  name: 'cert revoke',
  summary: 'revoke a certificate with a reason and publish the new CRL',
  options: {
    config: { type: 'string', short: 'c' },
    'passphrase-file': { type: 'string' },
    reason: { type: 'string' },
    'crl-out': { type: 'string' },
    'next-update': { type: 'string' },
    'dry-run': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  allowPositionals: true,
  help: `Usage: credfed cert revoke SERIAL --reason REASON --config FILE --passphrase-file FILE
                          [--crl-out FILE] [--next-update DURATION] [--dry-run] [--json]

Marks the certificate SERIAL revoked (now, with REASON) and, in the same
transaction, signs a new CRL listing it (as credfed ca crl does), written to
--crl-out. Revocation cannot be undone: to let the partner in again, issue a
new certificate. Distribute the CRL to every gateway that trusts this CA.

REASON is an RFC 5280 reason: ${REVOCATION_REASONS.join(', ')}.

${STORE_NOTE}

Options:
  -c, --config FILE              the node's configuration file
      --passphrase-file FILE     the CA passphrase
      --reason REASON            why (see above)
      --crl-out FILE             write the new CRL here (PEM "X509 CRL"; replaced atomically)
      --next-update DURATION     lifetime of the new CRL (default 7d)
      --dry-run                  check the certificate and the passphrase, write nothing
      --json                     print the revocation and CRL facts as JSON

EXAMPLES
  credfed cert revoke 3f0c…a9 --reason keyCompromise --config city.yaml --passphrase-file ca.pass \\
      --crl-out /etc/credfed/city.crl
  credfed cert revoke 3f0c…a9 --reason superseded -c city.yaml --passphrase-file ca.pass --dry-run
  openssl verify -crl_check -CAfile city-ca.pem -CRLfile /etc/credfed/city.crl county-a.crt
`,
  async run({ values, positionals }, io) {
    const v = values as Values;
    if (positionals.length !== 1) throw new UsageError('exactly one SERIAL is required');
    const reason = parseRevocationReason(flag(v, 'reason', true));
    if (reason.error !== undefined) throw new UsageError(`--reason: ${reason.error}`);
    const crlOut = pathFlag(v, 'crl-out');
    const validMs = durationFlag(v, 'next-update');
    if (crlOut) await checkOutputPath(crlOut, {}, 'CRL');
    const files = new OutputBatch();
    try {
      const done = await withCa(v, async (ctx) => {
        const ca = await unlockWithFile(ctx, v);
        if (v['dry-run']) {
          const cert = await findRevocable(ctx, positionals[0]!);
          io.err(`dry run: would revoke ${cert.profile} certificate ${cert.serial} of ${cert.partnerId} (${reason.value}) and publish a new CRL; nothing written\n`);
          if (v.json) printJson(io, { dryRun: true, serial: cert.serial, partnerId: cert.partnerId, profile: cert.profile, reason: reason.value });
          return undefined;
        }
        return revokeCertificate(ctx, ca, positionals[0]!, reason.value, { validMs }, async (r) => {
          if (crlOut) await files.stage(crlOut, r.crl.pem, { mode: PUBLIC_FILE_MODE });
        });
      });
      if (!done) return EXIT.OK;
      await files.publish();
      const c = done.certificate;
      io.err(
        `revoked ${c.profile} certificate ${c.serial} of ${c.partnerId} (${c.revocationReason}); ` +
          `CRL number ${done.crl.number} lists ${done.crl.revoked} certificates, next update ${done.crl.nextUpdate.toISOString()}` +
          `${crlOut ? `, written to ${crlOut}` : ' (credfed ca crl --out FILE writes it)'}\n`,
      );
      if (v.json) {
        printJson(io, {
          serial: c.serial,
          partnerId: c.partnerId,
          profile: c.profile,
          revokedAt: c.revokedAt,
          reason: c.revocationReason,
          crl: { number: done.crl.number, thisUpdate: done.crl.thisUpdate, nextUpdate: done.crl.nextUpdate, out: crlOut ?? null },
        });
      }
      return EXIT.OK;
    } catch (e) {
      await files.discard();
      throw e;
    }
  },
};
