/**
 * Revocation of a verdict's signer, judged at the verdict's issued_at: a
 * verdict stays evidence when its signer was revoked after issuing it (a
 * rotated key, a partner that left), except when the revocation says the key
 * was compromised — then issued_at itself may be forged, so nothing that key
 * signed is believed.
 *
 * CRLs are parsed with @peculiar/x509 but their signatures are checked here
 * with node:crypto (synchronously; the library only verifies asynchronously)
 * against the issuer's key: a CRL binds to its CA by key, like certificates.
 */
import { verify as cryptoVerify, type KeyObject, type X509Certificate } from 'node:crypto';
import { err, ok, type Result } from '../core/result.js';
import { pemBlocks } from './pem.js';
import { x509 } from './x509-lib.js';

type Crl = InstanceType<typeof x509.X509Crl>;

/** A parsed CRL with the bytes its signature covers. */
export interface ParsedCrl {
  readonly crl: Crl;
  readonly tbs: Buffer;
  readonly signature: Buffer;
}

/** Reasons whose revocation voids every signature of the key, whenever it was made. */
const COMPROMISE = new Set<number>([x509.X509CrlReason.keyCompromise, x509.X509CrlReason.cACompromise, x509.X509CrlReason.aACompromise]);

/** Parses PEM CRLs (`BEGIN X509 CRL` or `BEGIN CRL`, several per text allowed). */
export function parseCrls(pems: readonly string[]): Result<ParsedCrl[], string> {
  const out: ParsedCrl[] = [];
  for (const [i, text] of pems.entries()) {
    const blocks = pemBlocks(text).filter((b) => b.label === 'X509 CRL' || b.label === 'CRL');
    if (blocks.length === 0) return err(`CRL ${i + 1} holds no CRL block`);
    for (const block of blocks) {
      try {
        const parts = derSequenceParts(block.der);
        const crl = new x509.X509Crl(new Uint8Array(block.der));
        out.push({ crl, tbs: parts.tbs, signature: parts.signature });
      } catch {
        return err(`CRL ${i + 1} does not parse`);
      }
    }
  }
  return ok(out);
}

/** A revocation that voids the verdict, or undefined. */
export interface Revocation {
  readonly serial: string;
  readonly revokedAt: Date;
  readonly reason: string;
}

/**
 * Checks each certificate of `path` (leaf first; the last, the anchor, is not
 * checked) against the CRLs signed by the key of its issuer (the next one).
 * Revoked at or before `issuedAt`, or for a compromise at any time: revoked.
 */
export function revocationAt(path: readonly X509Certificate[], crls: readonly ParsedCrl[], issuedAt: Date): Revocation | undefined {
  for (let k = 0; k + 1 < path.length; k++) {
    const cert = path[k] as X509Certificate;
    const issuerKey = (path[k + 1] as X509Certificate).publicKey;
    const serial = normaliseSerial(cert.serialNumber);
    for (const parsed of crls) {
      if (!signedBy(parsed, issuerKey)) continue;
      const entry = parsed.crl.entries.find((e) => normaliseSerial(e.serialNumber) === serial);
      if (!entry) continue;
      const compromise = entry.reason !== undefined && COMPROMISE.has(entry.reason);
      if (compromise || entry.revocationDate.getTime() <= issuedAt.getTime()) {
        const reason = entry.reason === undefined ? 'unspecified' : (x509.X509CrlReason[entry.reason] ?? String(entry.reason));
        return { serial, revokedAt: entry.revocationDate, reason };
      }
    }
  }
  return undefined;
}

const HASHES: Readonly<Record<string, string>> = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };

/** True when the CRL's signature verifies with `key` (RSA PKCS#1 v1.5 or ECDSA). */
function signedBy(parsed: ParsedCrl, key: KeyObject): boolean {
  const alg = parsed.crl.signatureAlgorithm;
  const hash = HASHES[alg.hash?.name ?? ''];
  if (!hash) return false;
  try {
    if (alg.name === 'RSASSA-PKCS1-v1_5' && key.asymmetricKeyType === 'rsa') return cryptoVerify(hash, parsed.tbs, key, parsed.signature);
    if (alg.name === 'ECDSA' && key.asymmetricKeyType === 'ec') return cryptoVerify(hash, parsed.tbs, { key, dsaEncoding: 'der' }, parsed.signature);
  } catch {
    return false;
  }
  return false;
}

function normaliseSerial(hex: string): string {
  return hex.toLowerCase().replace(/^(?:00)+(?=.)/, '');
}

/** CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue BIT STRING }: the TBS bytes and the signature. */
function derSequenceParts(der: Buffer): { tbs: Buffer; signature: Buffer } {
  const outer = readTlv(der, 0);
  if (der[0] !== 0x30 || outer.end !== der.length) throw new Error('not a DER SEQUENCE');
  const tbs = readTlv(der, outer.contentStart);
  const alg = readTlv(der, tbs.end);
  const sig = readTlv(der, alg.end);
  if (der[sig.start] !== 0x03 || sig.end !== outer.end) throw new Error('no signature BIT STRING');
  return { tbs: der.subarray(tbs.start, tbs.end), signature: der.subarray(sig.contentStart + 1, sig.end) };
}

function readTlv(der: Buffer, start: number): { start: number; contentStart: number; end: number } {
  if (start + 2 > der.length) throw new Error('truncated DER');
  let length = der[start + 1] as number;
  let contentStart = start + 2;
  if (length & 0x80) {
    const n = length & 0x7f;
    if (n === 0 || n > 4) throw new Error('unsupported DER length');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + (der[contentStart + i] as number);
    contentStart += n;
  }
  const end = contentStart + length;
  if (end > der.length) throw new Error('truncated DER');
  return { start, contentStart, end };
}
