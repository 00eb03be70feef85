/**
 * Development PKI: a self-signed RSA 3072 CA and the gateway and admin
 * certificates it issues, as PEM text. Keys are generated here and returned
 * as PKCS#8 PEM; writing them to disk is the caller's job (dev-certs.ts).
 */
import type { Clock } from '../core/clock.js';
import { generateRsaKeyPair, privateKeyToPem } from './key-pair.js';
import { prepareCaCertificate, prepareCertificate, type CertificateRequest } from './ca-signer.js';

export type { CaMaterial, CertificateRequest, CertificateUsage, LoadedCa } from './ca-signer.js';

/** Options of {@link createCa}. */
export interface CreateCaOptions {
  readonly commonName: string;
  /** Federation (trust domain) the CA issues for; written as its `spiffe://<federation>` URI SAN. */
  readonly federation: string;
  readonly validDays: number;
  /** Encrypts the CA key (PKCS#8, AES-256-CBC); unencrypted when absent. */
  readonly keyPassphrase?: string;
  /** Source of the issuance time; default the system clock. */
  readonly clock?: Clock;
}

/** A new CA. */
export interface CreatedCa {
  readonly certPem: string;
  /** PKCS#8 PEM (`BEGIN PRIVATE KEY`, or `BEGIN ENCRYPTED PRIVATE KEY` with a passphrase). */
  readonly keyPem: string;
}

/** Options of {@link issueCertificate}: the request plus how to store the new key. */
export interface IssueCertificateOptions extends CertificateRequest {
  /** Encrypts the issued key (PKCS#8, AES-256-CBC); unencrypted when absent (dev node keys). */
  readonly keyPassphrase?: string;
}

/** An issued certificate with its new key. */
export interface IssuedCertificate {
  readonly certPem: string;
  /** PKCS#8 PEM of the new private key. */
  readonly keyPem: string;
  /** Random positive 16-byte serial, lower-case hex. */
  readonly serialHex: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/**
 * Creates a self-signed CA: RSA 3072, basicConstraints CA:true pathlen 0
 * (critical), keyUsage keyCertSign + cRLSign (critical), subject key id.
 * Throws `CredfedError('CERT_INVALID')` on a malformed federation or name.
 */
export async function createCa(options: CreateCaOptions): Promise<CreatedCa> {
  const sign = prepareCaCertificate(options);
  const { privateKey } = await generateRsaKeyPair();
  const { certPem } = sign(privateKey);
  return { certPem, keyPem: privateKeyToPem(privateKey, options.keyPassphrase) };
}

/**
 * Generates an RSA 3072 key and a certificate for `identity` signed by `ca`:
 * URI SAN plus DNS and IP SANs, keyUsage digitalSignature + keyEncipherment,
 * extKeyUsage by `usage`, authority key id, not-before 5 minutes back.
 * Throws `CredfedError('CERT_INVALID')` for an invalid identity or name, a CA
 * of another federation, or an unusable CA.
 */
export async function issueCertificate(options: IssueCertificateOptions): Promise<IssuedCertificate> {
  const sign = prepareCertificate(options); // fails before a key is spent on a bad request
  const { privateKey } = await generateRsaKeyPair();
  const signed = sign(privateKey);
  return { ...signed, keyPem: privateKeyToPem(privateKey, options.keyPassphrase) };
}
