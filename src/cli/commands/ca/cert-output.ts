/** Output of `cert issue` and `cert renew`: staging the files, reporting the certificate. */
import type { IssuePlan, IssuedCertificate } from '../../../ca/issue-certificate.js';
import { KEY_FILE_MODE, OutputBatch, PUBLIC_FILE_MODE, checkOutputPath } from '../../../ca/output-files.js';
import { readPassphraseFile, MIN_PASSPHRASE_LENGTH } from '../../../ca/passphrase-file.js';
import { privateKeyToPem } from '../../../pki/key-pair.js';
import { UsageError, type Io } from '../../command.js';
import { distinctPaths, pathFlag, printJson, type Values } from './ca-cli.js';

/** Where the new certificate and (generated) key go. */
export interface CertOutputs {
  readonly certOut: string;
  readonly keyOut?: string;
  readonly keyPassphrase?: string;
  readonly csr?: string;
}

/** Reads and checks --cert-out, --key-out, --key-passphrase-file, --csr before any work. */
export async function certOutputs(values: Values, opts: { keyRequired: boolean }): Promise<CertOutputs> {
  const certOut = pathFlag(values, 'cert-out', true);
  const keyOut = pathFlag(values, 'key-out');
  const csr = pathFlag(values, 'csr');
  const keyPassphraseFile = pathFlag(values, 'key-passphrase-file');
  if (csr && keyOut) throw new UsageError('give either --csr FILE (the partner keeps its key) or --key-out FILE (a key is generated), not both');
  if (opts.keyRequired && !csr && !keyOut) throw new UsageError('--csr FILE or --key-out FILE is required');
  if (keyPassphraseFile && !keyOut) throw new UsageError('--key-passphrase-file applies to a generated key (--key-out)');
  distinctPaths([['cert-out', certOut], ['key-out', keyOut], ['csr', csr], ['key-passphrase-file', keyPassphraseFile]]);
  await checkOutputPath(certOut, {}, 'certificate');
  if (keyOut) await checkOutputPath(keyOut, { exclusive: true }, 'private key');
  const keyPassphrase = keyPassphraseFile ? await readPassphraseFile(keyPassphraseFile, 'key passphrase', MIN_PASSPHRASE_LENGTH) : undefined;
  return { certOut, ...(keyOut ? { keyOut } : {}), ...(keyPassphrase ? { keyPassphrase } : {}), ...(csr ? { csr } : {}) };
}

/** Stages the certificate and the key (0600, never replacing a file) inside the issuing transaction. */
export function stageCertificate(files: OutputBatch, outputs: CertOutputs): (issued: IssuedCertificate) => Promise<void> {
  return async (issued) => {
    if (outputs.keyOut && issued.privateKey) {
      await files.stage(outputs.keyOut, privateKeyToPem(issued.privateKey, outputs.keyPassphrase), { mode: KEY_FILE_MODE, exclusive: true });
    }
    await files.stage(outputs.certOut, issued.row.certPem, { mode: PUBLIC_FILE_MODE });
  };
}

export function reportIssued(io: Io, verb: string, issued: IssuedCertificate, outputs: CertOutputs, json: boolean, extra: Record<string, unknown> = {}): void {
  const r = issued.row;
  io.err(
    `${verb} ${r.profile} certificate ${r.serial} for ${r.partnerId}, valid ${r.notBefore.toISOString()} – ${r.notAfter.toISOString()}\n` +
      `  certificate written to ${outputs.certOut}\n` +
      (outputs.keyOut ? `  private key written to ${outputs.keyOut} (mode 0600${outputs.keyPassphrase ? ', encrypted' : ''})\n` : ''),
  );
  if (json) {
    printJson(io, {
      serial: r.serial,
      partnerId: r.partnerId,
      profile: r.profile,
      notBefore: r.notBefore,
      notAfter: r.notAfter,
      renewedFrom: r.renewedFrom,
      certOut: outputs.certOut,
      keyOut: outputs.keyOut ?? null,
      ...extra,
    });
  }
}

export function reportPlan(io: Io, plan: IssuePlan, json: boolean): void {
  io.err(
    `dry run: would issue a ${plan.profile} certificate for ${plan.uri} (CN ${plan.commonName}), ${plan.validDays} days, ` +
      `${plan.key === 'generated' ? 'a new' : plan.key === 'csr' ? "the CSR's" : 'the same'} RSA ${plan.rsaBits} key` +
      `${plan.dnsNames.length ? `, DNS ${plan.dnsNames.join(' ')}` : ''}${plan.ipAddresses.length ? `, IP ${plan.ipAddresses.join(' ')}` : ''}` +
      `${plan.renewedFrom ? `, renewing ${plan.renewedFrom}` : ''}; nothing written\n`,
  );
  if (json) printJson(io, { dryRun: true, ...plan });
}
