/**
 * Signing X.509 certificates with node-forge: self-signed CA certificates and
 * leaf certificates for credfed identities. Key generation and file handling
 * live elsewhere (key-pair.ts, dev-ca.ts); this module only turns a public
 * key, an identity and a CA into a signed certificate, so the same code can
 * later sign CSRs for the CA admin CLI.
 */
import { X509Certificate, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';
import { systemClock, type Clock } from '../core/clock.js';
import { CredfedError } from '../core/errors.js';
import { FEDERATION_PATTERN, IDENTITY_SCHEME, formatIdentityUri, type PeerIdentity } from './identity.js';
import { readRsaPrivateKey, samePublicKey, toForgePrivateKey, toForgePublicKey } from './key-pair.js';
import { randomSerialHex } from './serial-number.js';
import { parseSubjectAltNames } from './subject-alt-names.js';
import { VERDICT_SIGNING_OID, extKeyUsageDer, verdictSigningUri } from './verdict-signing.js';

/** Backdating of not-before, so peers with a slightly slow clock accept a fresh certificate. */
export const CLOCK_SKEW_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
/** X.520 upper bound of a common name. */
const MAX_COMMON_NAME = 64;
const DNS_NAME = /^(?:\*\.)?[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** A CA as PEM text, the way it is stored. */
export interface CaMaterial {
  readonly certPem: string;
  readonly keyPem: string;
  /** Passphrase of an encrypted PKCS#8 CA key. */
  readonly keyPassphrase?: string;
}

/** A CA ready to sign: parsed once, checked for consistency. */
export interface LoadedCa {
  readonly x509: X509Certificate;
  readonly cert: forge.pki.Certificate;
  readonly key: KeyObject;
  /** Federation named by the CA's `spiffe://<federation>` URI SAN, when it has one. */
  readonly federation: string | undefined;
}

/**
 * What a leaf certificate may be used for: a gateway serves and calls, a
 * client only calls, a verdict-signing certificate only signs verdicts
 * (see verdict-signing.ts; never usable for TLS).
 */
export type CertificateUsage = 'node' | 'client' | 'verdict';

/** A leaf certificate to issue: for whom, by which CA, for how long. */
export interface CertificateRequest {
  readonly ca: CaMaterial | LoadedCa;
  readonly identity: PeerIdentity;
  readonly commonName: string;
  /** DNS SANs; default `['localhost']` (none for `verdict`). */
  readonly dnsNames?: readonly string[];
  /** IP SANs; default `['127.0.0.1']` (none for `verdict`). */
  readonly ipAddresses?: readonly string[];
  readonly validDays: number;
  readonly usage: CertificateUsage;
  /** Source of the issuance time; default the system clock. */
  readonly clock?: Clock;
}

/** Options of {@link signCertificate}. */
export interface SignCertificateOptions extends CertificateRequest {
  /** The subject's public key (Node key object; a private key's public half is used). */
  readonly publicKey: KeyObject;
}

/** A signed certificate and its facts. */
export interface SignedCertificate {
  readonly certPem: string;
  /** Serial as lower-case hex (Node prints it upper-case in `serialNumber`). */
  readonly serialHex: string;
  readonly notBefore: Date;
  /** Capped at the CA's own not-after. */
  readonly notAfter: Date;
}

/**
 * Parses and checks a CA: the certificate must be a CA certificate, the key
 * RSA and matching it. Throws `CredfedError('CERT_INVALID')` otherwise.
 */
export function loadCa(material: CaMaterial): LoadedCa {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(material.certPem);
  } catch {
    throw new CredfedError('CERT_INVALID', 'CA certificate cannot be parsed');
  }
  if (!x509.ca) throw new CredfedError('CERT_INVALID', 'CA certificate is not a CA (basicConstraints CA:false)');
  const key = readRsaPrivateKey(material.keyPem, material.keyPassphrase, 'CA key');
  if (!samePublicKey(key, x509.publicKey)) throw new CredfedError('CERT_INVALID', 'CA key does not match the CA certificate');
  const cert = forge.pki.certificateFromPem(material.certPem);
  return { x509, cert, key, federation: trustDomainOf(x509) };
}

/** Options of {@link prepareCaCertificate}. */
export interface CaCertificateRequest {
  readonly commonName: string;
  readonly federation: string;
  readonly validDays: number;
  readonly clock?: Clock;
}

/** Signs a prepared certificate for a key: the CA's own private key, or the subject's public key. */
export type CertificateSigner = (key: KeyObject) => SignedCertificate;

/** A certificate with a fresh random serial, its key, validity and names set; extensions and signature to come. */
function unsignedCertificate(
  key: Parameters<typeof toForgePublicKey>[0],
  notBefore: Date,
  notAfter: Date,
  subject: forge.pki.CertificateField[],
  issuer: forge.pki.CertificateField[],
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = toForgePublicKey(key);
  cert.serialNumber = randomSerialHex();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject(subject);
  cert.setIssuer(issuer);
  return cert;
}

/**
 * Checks a CA request and returns the signer of its self-signed certificate
 * (CA:true pathlen 0, keyCertSign + cRLSign, key ids, `spiffe://<federation>`
 * URI SAN). Checking first lets callers fail before generating a key.
 */
export function prepareCaCertificate(options: CaCertificateRequest): CertificateSigner {
  if (!FEDERATION_PATTERN.test(options.federation)) {
    throw new CredfedError('CERT_INVALID', `federation ${JSON.stringify(options.federation)} is not a lower-case DNS label`);
  }
  const name = distinguishedName(options.commonName, options.federation);
  const { notBefore, notAfter } = validity(options.clock, options.validDays);
  return (key) => {
    const cert = unsignedCertificate(key, notBefore, notAfter, name, name);
    cert.setExtensions([
      { name: 'basicConstraints', critical: true, cA: true, pathLenConstraint: 0 },
      { name: 'keyUsage', critical: true, keyCertSign: true, cRLSign: true },
      { name: 'subjectKeyIdentifier' },
      { name: 'authorityKeyIdentifier', keyIdentifier: true },
      { name: 'subjectAltName', altNames: [{ type: 6, value: `${IDENTITY_SCHEME}${options.federation}` }] },
    ]);
    cert.sign(toForgePrivateKey(key), forge.md.sha256.create());
    return { certPem: forge.pki.certificateToPem(cert), serialHex: cert.serialNumber, notBefore, notAfter };
  };
}

/**
 * Checks a leaf request — identity valid and inside the CA's federation, CA
 * usable and not expired, names well-formed — and returns the signer for the
 * subject's public key (a private key's public half is used). Each signed
 * certificate gets a fresh serial and is verified against the CA with Node's
 * own X.509 code before it is returned.
 */
export function prepareCertificate(options: CertificateRequest): CertificateSigner {
  const ca = 'x509' in options.ca ? options.ca : loadCa(options.ca);
  const uri = identityUri(options.identity, options.usage);
  if (ca.federation !== undefined && ca.federation !== options.identity.federation) {
    throw new CredfedError('CERT_INVALID', `CA of federation ${ca.federation} cannot issue ${uri}`);
  }
  const requested = validity(options.clock, options.validDays);
  const caNotAfter = new Date(ca.x509.validTo);
  if (caNotAfter.getTime() <= requested.issuedAt.getTime()) {
    throw new CredfedError('CERT_INVALID', `CA certificate expired on ${caNotAfter.toISOString()}`);
  }
  const notBefore = requested.notBefore;
  const notAfter = requested.notAfter < caNotAfter ? requested.notAfter : caNotAfter;
  const subject = distinguishedName(options.commonName, options.identity.federation);
  const issuer = issuerName(ca.cert);
  const verdict = options.usage === 'verdict';
  const sans = altNames(uri, options.dnsNames ?? (verdict ? [] : ['localhost']), options.ipAddresses ?? (verdict ? [] : ['127.0.0.1']));
  const authorityKeyId = subjectKeyIdentifierBytes(ca.cert);

  return (publicKey) => {
    const cert = unsignedCertificate(publicKey, notBefore, notAfter, subject, issuer);
    cert.setExtensions([
      { name: 'basicConstraints', critical: true, cA: false },
      ...usageExtensions(options.usage),
      { name: 'subjectAltName', altNames: sans },
      { name: 'subjectKeyIdentifier' },
      { name: 'authorityKeyIdentifier', keyIdentifier: authorityKeyId },
    ]);
    cert.sign(toForgePrivateKey(ca.key), forge.md.sha256.create());
    const certPem = forge.pki.certificateToPem(cert);
    const leaf = new X509Certificate(certPem);
    if (!leaf.checkIssued(ca.x509) || !leaf.verify(ca.x509.publicKey)) {
      throw new CredfedError('CERT_INVALID', 'issued certificate does not chain to the CA (issuer name could not be reproduced)');
    }
    return { certPem, serialHex: cert.serialNumber, notBefore, notAfter };
  };
}

/** Signs a leaf certificate for `options.publicKey` (see {@link prepareCertificate}). */
export function signCertificate(options: SignCertificateOptions): SignedCertificate {
  return prepareCertificate(options)(options.publicKey);
}

/** keyUsage and extKeyUsage of a leaf by its usage. */
function usageExtensions(usage: CertificateUsage): object[] {
  if (usage === 'verdict') {
    return [
      { name: 'keyUsage', critical: true, digitalSignature: true, nonRepudiation: true },
      // raw DER: node-forge cannot encode the 2.25 UUID arc (see verdict-signing.ts)
      { id: '2.5.29.37', critical: false, value: extKeyUsageDer([VERDICT_SIGNING_OID]).toString('binary') },
    ];
  }
  return [
    { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: usage === 'node', clientAuth: true },
  ];
}

/** The leaf's URI SAN: the identity, or for a verdict-signing certificate the partner's verdict URI. */
function identityUri(identity: PeerIdentity, usage: CertificateUsage): string {
  if (usage !== 'verdict') return formatIdentityUri(identity);
  if (identity.kind !== 'partner') throw new CredfedError('CERT_INVALID', 'a verdict-signing certificate names a partner, not an admin');
  return verdictSigningUri({ ...identity, kind: 'partner' });
}

/** not-before backdated by the clock skew, not-after `validDays` after issuance; whole seconds as X.509 stores them. */
function validity(clock: Clock | undefined, validDays: number): { issuedAt: Date; notBefore: Date; notAfter: Date } {
  if (!Number.isFinite(validDays) || validDays <= 0) {
    throw new CredfedError('CERT_INVALID', `validDays must be a positive number, got ${validDays}`);
  }
  const issuedAt = (clock ?? systemClock).now();
  const seconds = (ms: number) => new Date(Math.floor(ms / 1000) * 1000);
  return {
    issuedAt,
    notBefore: seconds(issuedAt.getTime() - CLOCK_SKEW_MS),
    notAfter: seconds(issuedAt.getTime() + validDays * DAY_MS),
  };
}

/** CN=<commonName>, O=<federation>, both UTF8String so Chinese names survive. */
function distinguishedName(commonName: string, federation: string): forge.pki.CertificateField[] {
  if (commonName.length === 0 || commonName.length > MAX_COMMON_NAME) {
    throw new CredfedError('CERT_INVALID', `common name must be 1–${MAX_COMMON_NAME} characters`);
  }
  const utf8 = forge.asn1.Type.UTF8 as unknown as forge.asn1.Class;
  return [
    { name: 'commonName', value: commonName, valueTagClass: utf8 },
    { name: 'organizationName', value: federation, valueTagClass: utf8 },
  ];
}

/**
 * The CA's subject as issuer attributes. node-forge keeps parsed UTF8String
 * values as raw bytes but UTF-8-encodes them again when writing: decode them
 * first or a non-ASCII CA name would not match.
 */
function issuerName(caCert: forge.pki.Certificate): forge.pki.CertificateField[] {
  const utf8 = forge.asn1.Type.UTF8 as number;
  return caCert.subject.attributes.map((attr) =>
    (attr.valueTagClass as number) === utf8 && typeof attr.value === 'string'
      ? { ...attr, value: forge.util.decodeUtf8(attr.value) }
      : attr,
  );
}

/**
 * Key identifier of the CA for the leaf's authorityKeyIdentifier: the CA's own
 * subjectKeyIdentifier when present. (node-forge's `keyIdentifier: true` would
 * hash the leaf's key instead.)
 */
function subjectKeyIdentifierBytes(caCert: forge.pki.Certificate): string {
  const ext = caCert.getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier?: string } | undefined;
  return ext?.subjectKeyIdentifier !== undefined
    ? forge.util.hexToBytes(ext.subjectKeyIdentifier)
    : caCert.generateSubjectKeyIdentifier().getBytes();
}

function altNames(uri: string, dnsNames: readonly string[], ipAddresses: readonly string[]): object[] {
  for (const dns of dnsNames) {
    if (!DNS_NAME.test(dns)) throw new CredfedError('CERT_INVALID', `DNS name ${JSON.stringify(dns)} is malformed`);
  }
  for (const ip of ipAddresses) {
    if (isIP(ip) === 0) throw new CredfedError('CERT_INVALID', `IP address ${JSON.stringify(ip)} is malformed`);
  }
  return [
    { type: 6, value: uri },
    ...dnsNames.map((value) => ({ type: 2, value })),
    ...ipAddresses.map((ip) => ({ type: 7, ip })),
  ];
}

/** Federation of a CA from its `spiffe://<federation>` URI SAN (no path), if any. */
function trustDomainOf(x509: X509Certificate): string | undefined {
  const names = parseSubjectAltNames(x509.subjectAltName);
  if (names.error !== undefined) return undefined;
  for (const { type, value } of names.value) {
    if (type !== 'URI' || !value.startsWith(IDENTITY_SCHEME)) continue;
    const domain = value.slice(IDENTITY_SCHEME.length);
    if (FEDERATION_PATTERN.test(domain)) return domain;
  }
  return undefined;
}
