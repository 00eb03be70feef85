/**
 * Certificate revocation lists (RFC 5280 §5), signed by the CA key. node-forge
 * cannot write CRLs: @peculiar/x509 builds and signs them on Node's WebCrypto
 * (RSASSA-PKCS1-v1_5 with SHA-256). Its PEM label is `BEGIN CRL`; OpenSSL and
 * Node read only `BEGIN X509 CRL`, which is what this module writes.
 */
import { webcrypto, type KeyObject } from 'node:crypto';
import type { LoadedCa } from './ca-signer.js';
import { x509 } from './x509-lib.js';

/** PEM label OpenSSL and Node expect for a CRL. */
export const CRL_PEM_LABEL = 'X509 CRL';
const OID_CRL_NUMBER = '2.5.29.20';

/** RFC 5280 CRLReason names credfed records (certificateHold and the rest are not used). */
export const REVOCATION_REASONS = [
  'unspecified',
  'keyCompromise',
  'caCompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

const REASON_CODES: Readonly<Record<RevocationReason, number>> = {
  unspecified: 0,
  keyCompromise: 1,
  caCompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
};

/** One revoked certificate. */
export interface CrlEntry {
  /** Serial as hex. */
  readonly serialHex: string;
  readonly revokedAt: Date;
  readonly reason: RevocationReason;
}

/** What the CRL says. */
export interface CrlRequest {
  readonly ca: LoadedCa;
  readonly entries: readonly CrlEntry[];
  /** CRL number (monotonic). */
  readonly crlNumber: bigint;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
}

/**
 * Builds and signs a v2 CRL: issuer = the CA's subject (bytes copied, so
 * OpenSSL matches it), CRL number and authority key identifier extensions, one
 * entry per revoked certificate with its reason code (left out for
 * `unspecified`, as RFC 5280 §5.3.1 asks). Returns PEM with the `X509 CRL` label.
 */
export async function createCrl(request: CrlRequest): Promise<string> {
  const caCert = new x509.X509Certificate(request.ca.x509.raw);
  const signingKey = await importSigningKey(request.ca.key);
  const extensions: InstanceType<typeof x509.Extension>[] = [new x509.Extension(OID_CRL_NUMBER, false, new Uint8Array(derInteger(request.crlNumber)))];
  const ski = caCert.getExtension(x509.SubjectKeyIdentifierExtension);
  if (ski) extensions.push(new x509.AuthorityKeyIdentifierExtension(ski.keyId, false));
  const crl = await x509.X509CrlGenerator.create(
    {
      issuer: caCert.subjectName,
      thisUpdate: request.thisUpdate,
      nextUpdate: request.nextUpdate,
      signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as Algorithm,
      signingKey,
      extensions,
      entries: request.entries.map((e) => ({
        serialNumber: e.serialHex,
        revocationDate: e.revokedAt,
        ...(e.reason === 'unspecified' ? {} : { reason: REASON_CODES[e.reason] as number }),
      })),
    },
    webcrypto as unknown as Crypto,
  );
  return crlToPem(Buffer.from(crl.rawData));
}

/** DER of a CRL as PEM with the `X509 CRL` label, 64 characters a line. */
export function crlToPem(der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${CRL_PEM_LABEL}-----\n${lines.join('\n')}\n-----END ${CRL_PEM_LABEL}-----\n`;
}

/** The CA's RSA key as a WebCrypto signing key (never extractable). */
async function importSigningKey(key: KeyObject): Promise<CryptoKey> {
  const pkcs8 = key.export({ type: 'pkcs8', format: 'der' });
  return webcrypto.subtle.importKey('pkcs8', pkcs8, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']) as Promise<CryptoKey>;
}

/** DER INTEGER of a non-negative number (minimal, with a leading zero byte when the top bit is set). */
export function derInteger(value: bigint): Buffer {
  if (value < 0n) throw new RangeError('CRL number must not be negative');
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  let body = Buffer.from(hex, 'hex');
  if ((body[0] as number) & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return Buffer.concat([Buffer.from([0x02, body.length]), body]);
}
