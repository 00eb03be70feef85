/**
 * What a foreign CA and its CRL must be before a partner is bound to them.
 * Untrusted PEM in, `{value} | {error}` out (the error a catalogue error).
 * The CRL is verified against the CA's public key, never matched by issuer
 * name alone: a DN can be copied by another CA.
 */
import { createHash, webcrypto, X509Certificate, type KeyObject } from 'node:crypto';
import { CredfedError } from '../core/errors.js';
import { err, ok, type Result } from '../core/result.js';
import { CLOCK_SKEW_MS } from '../pki/ca-signer.js';
import { crlToPem } from '../pki/crl.js';
import { pemBlocks } from '../pki/pem.js';
import { x509 } from '../pki/x509-lib.js';

const OID_CRL_NUMBER = '2.5.29.20';
const OID_DELTA_CRL_INDICATOR = '2.5.29.27';
const MIN_RSA_BITS = 2048;
const EC_CURVES = ['prime256v1', 'secp384r1', 'secp521r1'];

/** A foreign CA certificate that passed every check. */
export interface ForeignCa {
  /** The single certificate block, re-armoured. */
  readonly certPem: string;
  readonly cert: X509Certificate;
  /** SHA-256 hex of the SubjectPublicKeyInfo DER (= partners.trust_anchor). */
  readonly fingerprint: string;
  /** Display form (e.g. `O=Region B, CN=Region B CA`). */
  readonly subject: string;
  readonly notAfter: Date;
}

/** A CRL that verified against its CA's key. */
export interface CheckedCrl {
  /** Re-armoured with the `X509 CRL` label OpenSSL and Node read. */
  readonly pem: string;
  readonly number: bigint | null;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
}

/** SHA-256 hex of a public key's SubjectPublicKeyInfo DER. */
export function spkiFingerprint(key: KeyObject): string {
  return createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest('hex');
}

/**
 * Exactly one CA certificate (basicConstraints CA:true; keyUsage, when
 * present, with keyCertSign and cRLSign), valid at `now` (a notBefore up to
 * the usual five minutes ahead is clock skew, as for a CRL's thisUpdate: a CA
 * made a moment ago on a clock slightly ahead is not refused), with an RSA key of
 * at least 2048 bits, an EC key on P-256/P-384/P-521, or Ed25519.
 */
export function checkForeignCa(pem: string, now: Date): Result<ForeignCa, CredfedError> {
  const blocks = pemBlocks(pem);
  const certs = blocks.filter((b) => b.label === 'CERTIFICATE');
  if (certs.length !== 1 || blocks.length !== 1) {
    const found = blocks.length === 0 ? 'no PEM block' : blocks.map((b) => b.label).join(', ');
    return invalid('TRUST_ANCHOR_INVALID', `expected exactly one CERTIFICATE block, found ${found}`);
  }
  let cert: X509Certificate;
  let peculiar: InstanceType<typeof x509.X509Certificate>;
  try {
    cert = new X509Certificate(certs[0]!.der);
    peculiar = new x509.X509Certificate(new Uint8Array(certs[0]!.der));
  } catch {
    return invalid('TRUST_ANCHOR_INVALID', 'the certificate cannot be parsed');
  }
  if (!cert.ca) return invalid('TRUST_ANCHOR_INVALID', 'not a CA certificate (basicConstraints CA:false or absent)');
  const usage = peculiar.getExtension(x509.KeyUsagesExtension);
  if (usage) {
    const missing = [
      ...(usage.usages & x509.KeyUsageFlags.keyCertSign ? [] : ['keyCertSign']),
      ...(usage.usages & x509.KeyUsageFlags.cRLSign ? [] : ['cRLSign']),
    ];
    if (missing.length > 0) return invalid('TRUST_ANCHOR_INVALID', `keyUsage lacks ${missing.join(' and ')}`);
  }
  const keyProblem = checkKey(cert.publicKey);
  if (keyProblem) return err(keyProblem);
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  if (notBefore.getTime() > now.getTime() + CLOCK_SKEW_MS) return invalid('TRUST_ANCHOR_INVALID', `not valid before ${notBefore.toISOString()}`);
  if (now > notAfter) return invalid('TRUST_ANCHOR_INVALID', `expired at ${notAfter.toISOString()}`);
  return ok({
    certPem: certs[0]!.pem,
    cert,
    fingerprint: spkiFingerprint(cert.publicKey),
    subject: peculiar.subject,
    notAfter,
  });
}

/**
 * Exactly one full CRL, issued by `ca` (issuer = its subject), its signature
 * verified with the CA's public key, current at `now` (thisUpdate ≤ now, with
 * the usual five minutes of clock skew, and now < nextUpdate).
 */
export async function checkCrl(pem: string, ca: { readonly certPem: string; readonly subject: string }, now: Date): Promise<Result<CheckedCrl, CredfedError>> {
  const blocks = pemBlocks(pem);
  if (blocks.length !== 1 || (blocks[0]!.label !== 'X509 CRL' && blocks[0]!.label !== 'CRL')) {
    const found = blocks.length === 0 ? 'no PEM block' : blocks.map((b) => b.label).join(', ');
    return invalid('CRL_INVALID', `expected exactly one X509 CRL block, found ${found}`);
  }
  const der = blocks[0]!.der;
  let crl: InstanceType<typeof x509.X509Crl>;
  let issuer: string;
  try {
    crl = new x509.X509Crl(new Uint8Array(der));
    issuer = crl.issuer;
  } catch {
    return invalid('CRL_INVALID', 'the CRL cannot be parsed');
  }
  if (crl.getExtension(OID_DELTA_CRL_INDICATOR)) return invalid('CRL_INVALID', 'a delta CRL; import the full CRL');
  const caCert = new x509.X509Certificate(ca.certPem);
  if (!sameName(crl.issuerName, caCert.subjectName)) {
    return invalid('CRL_INVALID', `issued by "${issuer}", not by the CA "${ca.subject}"`);
  }
  let verified = false;
  try {
    verified = await crl.verify({ publicKey: caCert }, webcrypto as unknown as Crypto);
  } catch {
    verified = false;
  }
  if (!verified) return invalid('CRL_INVALID', `its signature does not verify with the key of "${ca.subject}"`);
  const nextUpdate = crl.nextUpdate;
  if (!nextUpdate) return invalid('CRL_INVALID', 'it has no nextUpdate');
  const thisUpdate = crl.thisUpdate;
  if (thisUpdate.getTime() > now.getTime() + CLOCK_SKEW_MS) return invalid('CRL_INVALID', `thisUpdate ${thisUpdate.toISOString()} is in the future`);
  if (now >= nextUpdate) return invalid('CRL_STALE', `its nextUpdate ${nextUpdate.toISOString()} has passed; ask the CA for a current CRL`);
  let number: bigint | null;
  try {
    const ext = crl.getExtension(OID_CRL_NUMBER);
    number = ext ? derIntegerValue(Buffer.from(ext.value)) : null;
  } catch {
    return invalid('CRL_INVALID', 'its CRL number cannot be read');
  }
  return ok({ pem: crlToPem(der), number, thisUpdate, nextUpdate });
}

/** Refuses a CRL older than the one held: a lower CRL number or an earlier thisUpdate. */
export function checkNotOlder(next: CheckedCrl, held: { readonly crlNumber: bigint | null; readonly crlThisUpdate: Date }): CredfedError | undefined {
  if (next.number !== null && held.crlNumber !== null && next.number < held.crlNumber) {
    return new CredfedError('CRL_STALE', `CRL number ${next.number} is lower than the held ${held.crlNumber}`);
  }
  if (next.thisUpdate < held.crlThisUpdate) {
    return new CredfedError('CRL_STALE', `thisUpdate ${next.thisUpdate.toISOString()} is earlier than the held ${held.crlThisUpdate.toISOString()}`);
  }
  return undefined;
}

function checkKey(key: KeyObject): CredfedError | undefined {
  const type = key.asymmetricKeyType ?? 'unknown';
  const details = key.asymmetricKeyDetails ?? {};
  if (type === 'rsa' || type === 'rsa-pss') {
    const bits = details.modulusLength ?? 0;
    return bits < MIN_RSA_BITS ? new CredfedError('KEY_WEAK', `the CA key is RSA ${bits} bits; at least ${MIN_RSA_BITS} required`) : undefined;
  }
  if (type === 'ec') {
    const curve = details.namedCurve ?? 'unknown';
    return EC_CURVES.includes(curve) ? undefined : new CredfedError('KEY_UNSUPPORTED', `the CA key is EC on curve ${curve}; supported: P-256, P-384, P-521`);
  }
  if (type === 'ed25519') return undefined;
  return new CredfedError('KEY_UNSUPPORTED', `the CA key type ${type} is not supported (RSA ≥ 2048, EC P-256/P-384/P-521, Ed25519)`);
}

function sameName(a: InstanceType<typeof x509.Name>, b: InstanceType<typeof x509.Name>): boolean {
  return Buffer.from(a.toArrayBuffer()).equals(Buffer.from(b.toArrayBuffer())) || a.toString() === b.toString();
}

/** The value of a DER INTEGER (non-negative, as CRL numbers are). */
function derIntegerValue(der: Buffer): bigint {
  if (der[0] !== 0x02) throw new Error('not an INTEGER');
  let len = der[1]!;
  let offset = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = Number(BigInt(`0x${der.subarray(2, 2 + n).toString('hex')}`));
    offset = 2 + n;
  }
  const body = der.subarray(offset, offset + len);
  if (body.length === 0 || body.length !== len || (body[0]! & 0x80) !== 0) throw new Error('not a non-negative INTEGER');
  return BigInt(`0x${body.toString('hex')}`);
}

function invalid(code: 'TRUST_ANCHOR_INVALID' | 'CRL_INVALID' | 'CRL_STALE', detail: string): { readonly error: CredfedError } {
  return err(new CredfedError(code, detail));
}
