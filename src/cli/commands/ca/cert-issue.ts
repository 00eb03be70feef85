import { readFile } from 'node:fs/promises';
import { DEFAULT_VALID_DAYS, parseProfile, type CertificateProfile } from '../../../ca/certificate-profile.js';
import { issueCertificate, planIssue, type IssueRequest, type IssuedCertificate } from '../../../ca/issue-certificate.js';
import { OutputBatch } from '../../../ca/output-files.js';
import { CredfedError } from '../../../core/errors.js';
import { VERDICT_SIGNING_OID } from '../../../pki/verdict-signing.js';
import { EXIT, UsageError, type Command } from '../../command.js';
import { STORE_NOTE, daysFlag, flag, flags, unlockWithFile, withCa, type Values } from './ca-cli.js';
import { certOutputs, reportIssued, reportPlan, stageCertificate } from './cert-output.js';

export const certIssueCommand: Command = {
  name: 'cert issue',
  summary: 'issue a partner, admin or verdict-signing certificate from a CSR or with a new key',
  options: {
    config: { type: 'string', short: 'c' },
    'passphrase-file': { type: 'string' },
    partner: { type: 'string' },
    admin: { type: 'string' },
    profile: { type: 'string' },
    csr: { type: 'string' },
    'key-out': { type: 'string' },
    'key-passphrase-file': { type: 'string' },
    'cert-out': { type: 'string' },
    days: { type: 'string' },
    dns: { type: 'string', multiple: true },
    ip: { type: 'string', multiple: true },
    'dry-run': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  help: `Usage: credfed cert issue --partner ID (--csr FILE | --key-out FILE) --cert-out FILE
                         --config FILE --passphrase-file FILE [--profile tls|admin|verdict]
                         [--days N] [--dns NAME]... [--ip ADDR]...
                         [--key-passphrase-file FILE] [--dry-run] [--json]
       credfed cert issue --admin NAME (--csr FILE | --key-out FILE) --cert-out FILE ...

Issues a certificate signed by this node's CA. The key comes from a CSR
(PKCS#10 PEM, e.g. openssl req -newkey rsa:3072; RSA of 2048 bits or more)
or is generated here (RSA 3072, written to --key-out with mode 0600, never
over an existing file; encrypted when --key-passphrase-file is given).

The subject and names come from the partner id and the profile, never from
the CSR; a CSR whose spiffe URI or id-like common name names someone else is
refused (CERT_IDENTITY_MISMATCH). Profiles:
  tls      (default) a partner gateway: URI spiffe://<federation>/partner/<ID>,
           DNS <ID> plus --dns/--ip, serverAuth + clientAuth, ${DEFAULT_VALID_DAYS.tls} days
  admin    an admin client (--admin NAME, or --partner NAME --profile admin):
           URI spiffe://<federation>/admin/<NAME>, clientAuth, ${DEFAULT_VALID_DAYS.admin} days
  verdict  a partner's verdict-signing key: URI
           spiffe://<federation>/partner/<ID>/verdict, digitalSignature +
           nonRepudiation, extKeyUsage ${VERDICT_SIGNING_OID}
           (credfed verdict signing; unusable for TLS), ${DEFAULT_VALID_DAYS.verdict} days
The partner must be in the partner registry (PARTNER_NOT_FOUND otherwise),
except this node's own id (its gateway certificate); admins need no entry.

The certificate is signed and recorded in one transaction; the files appear
only once it committed: nothing is half-created on any error.

${STORE_NOTE}

Options:
  -c, --config FILE                the node's configuration file
      --passphrase-file FILE       the CA passphrase
      --partner ID                 the partner (or, with --profile admin, the admin name)
      --admin NAME                 an admin certificate (same as --partner NAME --profile admin)
      --profile P                  tls, admin or verdict (default tls)
      --csr FILE                   the partner's certificate signing request
      --key-out FILE               generate the key here instead
      --key-passphrase-file FILE   encrypt the generated key (gateways need it unencrypted)
      --cert-out FILE              the certificate (PEM; replaced atomically)
      --days N                     validity (capped at the CA's own not-after)
      --dns NAME, --ip ADDR        extra DNS names / IP addresses (tls; repeatable)
      --dry-run                    check everything, show what would be issued, write nothing
      --json                       print the certificate's facts as JSON

EXAMPLES
  openssl req -newkey rsa:3072 -nodes -subj /CN=county-a -keyout county-a.key -out county-a.csr
  credfed cert issue --partner county-a --csr county-a.csr --cert-out county-a.crt \\
      --config city.yaml --passphrase-file ca.pass
  credfed cert issue --partner city --key-out city.key --cert-out city.crt --dns city.example.gov.cn \\
      -c city.yaml --passphrase-file ca.pass
  credfed cert issue --admin ops --key-out admin-ops.key --cert-out admin-ops.crt -c city.yaml --passphrase-file ca.pass
  credfed cert issue --partner county-a --profile verdict --csr verdict.csr --cert-out county-a-verdict.crt \\
      -c city.yaml --passphrase-file ca.pass --dry-run
`,
  async run({ values }, io) {
    const v = values as Values;
    const { profile, id } = subject(v);
    const outputs = await certOutputs(v, { keyRequired: true });
    const validDays = daysFlag(v);
    let csrPem: string | undefined;
    if (outputs.csr) {
      try {
        csrPem = await readFile(outputs.csr, 'utf8');
      } catch (cause) {
        throw new CredfedError('CERT_FILE_MISSING', `${outputs.csr} (CSR): ${(cause as NodeJS.ErrnoException).code ?? 'cannot read'}`);
      }
    }
    const request: IssueRequest = {
      profile,
      id,
      key: csrPem !== undefined ? { kind: 'csr', pem: csrPem } : { kind: 'generate' },
      ...(validDays !== undefined ? { validDays } : {}),
      dnsNames: flags(v, 'dns'),
      ipAddresses: flags(v, 'ip'),
    };
    const files = new OutputBatch();
    let issued: IssuedCertificate;
    try {
      const done = await withCa(v, async (ctx) => {
        const ca = await unlockWithFile(ctx, v);
        if (v['dry-run']) return reportPlan(io, await planIssue(ctx, ca, request), Boolean(v.json));
        return issueCertificate(ctx, ca, request, { onRecorded: stageCertificate(files, outputs) });
      });
      if (!done) return EXIT.OK;
      issued = done;
      await files.publish();
    } catch (e) {
      await files.discard();
      throw e;
    }
    reportIssued(io, 'issued', issued, outputs, Boolean(v.json));
    return EXIT.OK;
  },
};

function subject(v: Values): { profile: CertificateProfile; id: string } {
  const partner = flag(v, 'partner');
  const admin = flag(v, 'admin');
  const profileText = flag(v, 'profile');
  if (partner !== undefined && admin !== undefined) throw new UsageError('give --partner ID or --admin NAME, not both');
  if (admin !== undefined) {
    if (profileText !== undefined && profileText !== 'admin') throw new UsageError('--admin issues an admin certificate; leave out --profile');
    return { profile: 'admin', id: admin };
  }
  if (partner === undefined) throw new UsageError('--partner ID (or --admin NAME) is required');
  const profile = parseProfile(profileText ?? 'tls');
  if (profile.error !== undefined) throw new UsageError(`--profile: ${profile.error}`);
  return { profile: profile.value, id: partner };
}
