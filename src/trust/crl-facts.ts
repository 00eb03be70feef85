/**
 * What the trust checks need from a CRL: its validity window, the serials it
 * lists, and whether a given CA signed it. Parsed once per distinct PEM.
 */
import { createHash, webcrypto } from 'node:crypto';
import { err, ok, type Result } from '../core/result.js';
import { pemBlocks } from '../pki/pem.js';
import { x509 } from '../pki/x509-lib.js';
import { normaliseSerial } from './serial.js';

export interface CrlFacts {
  /** The CRL as PEM with the `X509 CRL` label (what OpenSSL wants). */
  readonly pem: string;
  readonly thisUpdate: Date;
  /** Undefined when the CRL has none (OpenSSL then treats it as never stale). */
  readonly nextUpdate: Date | undefined;
  /** Revoked serials, normalised (see {@link normaliseSerial}). */
  readonly serials: ReadonlySet<string>;
  /** True when the CA certificate's key signed this CRL. */
  signedBy(caCertPem: string): Promise<boolean>;
}

const parsed = new Map<string, CrlFacts>();
const MAX_CACHED = 64;

/** Parses one PEM CRL (the first CRL block of `pem`). Cached by content. */
export function crlFacts(pem: string): Result<CrlFacts, string> {
  const cached = parsed.get(pem);
  if (cached) return ok(cached);
  const block = pemBlocks(pem).find((b) => b.label === 'X509 CRL' || b.label === 'CRL');
  if (!block) return err('contains no PEM CRL');
  let crl: InstanceType<typeof x509.X509Crl>;
  try {
    crl = new x509.X509Crl(new Uint8Array(block.der));
  } catch (e) {
    return err(`does not parse as a CRL: ${(e as Error).message}`);
  }
  const lines = block.der.toString('base64').match(/.{1,64}/g) ?? [];
  const verified = new Map<string, Promise<boolean>>();
  const facts: CrlFacts = {
    pem: `-----BEGIN X509 CRL-----\n${lines.join('\n')}\n-----END X509 CRL-----\n`,
    thisUpdate: crl.thisUpdate,
    nextUpdate: crl.nextUpdate,
    serials: new Set(crl.entries.map((e) => normaliseSerial(e.serialNumber))),
    signedBy(caCertPem) {
      const key = createHash('sha256').update(caCertPem).digest('hex');
      let result = verified.get(key);
      if (!result) {
        result = crl
          .verify({ publicKey: new x509.X509Certificate(caCertPem) }, webcrypto as unknown as Crypto)
          .catch(() => false);
        verified.set(key, result);
      }
      return result;
    },
  };
  if (parsed.size >= MAX_CACHED) parsed.delete(parsed.keys().next().value as string);
  parsed.set(pem, facts);
  return ok(facts);
}

/** True when `now` lies in [thisUpdate, nextUpdate). */
export function crlCurrent(window: { thisUpdate: Date; nextUpdate?: Date | undefined }, now: Date): boolean {
  return window.thisUpdate.getTime() <= now.getTime() && (window.nextUpdate === undefined || now.getTime() < window.nextUpdate.getTime());
}
