/** What `ca init` and `ca show` report about a CA, from its certificate and row. */
import { X509Certificate } from 'node:crypto';
import type { CaRow } from '../store/repos/certificates-repo.js';

export interface CaFacts {
  readonly federation: string;
  readonly subject: string;
  /** Serial as lower-case hex. */
  readonly serial: string;
  readonly notBefore: string;
  readonly notAfter: string;
  /** SHA-256 of the certificate (colon-separated hex, as OpenSSL prints it). */
  readonly fingerprintSha256: string;
  readonly createdAt: string;
  readonly crl: { readonly number: string; readonly thisUpdate: string; readonly nextUpdate: string } | null;
  readonly certPem: string;
}

export function caFacts(row: CaRow): CaFacts {
  const cert = new X509Certificate(row.certPem);
  return {
    federation: row.federation,
    subject: cert.subject.replace(/\n/g, ', '),
    serial: cert.serialNumber.toLowerCase(),
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
    fingerprintSha256: cert.fingerprint256,
    createdAt: row.createdAt.toISOString(),
    crl:
      row.crlPem !== null && row.crlThisUpdate !== null && row.crlNextUpdate !== null
        ? { number: (row.nextCrlNumber - 1n).toString(), thisUpdate: row.crlThisUpdate.toISOString(), nextUpdate: row.crlNextUpdate.toISOString() }
        : null,
    certPem: row.certPem,
  };
}
