/**
 * What makes a certificate a verdict-signing certificate, read the same way
 * by the signer (refusing to load a wrong one) and by the verifier (refusing a
 * verdict signed with one): the credfed verdict-signing extKeyUsage, and
 * exactly one spiffe URI SAN, `spiffe://<federation>/partner/<id>/verdict`.
 * A TLS certificate fails both (serverAuth/clientAuth, a path without /verdict).
 */
import { X509Certificate } from 'node:crypto';
import { err, ok, type Result } from '../core/result.js';
import { FEDERATION_PATTERN, ID_PATTERN, IDENTITY_SCHEME } from './identity.js';
import { pemBlocks } from './pem.js';
import { parseSubjectAltNames } from './subject-alt-names.js';
import { VERDICT_SIGNING_OID, VERDICT_URI_SUFFIX } from './verdict-signing.js';

/** The partner a verdict-signing certificate names. */
export interface VerdictCertIdentity {
  readonly federation: string;
  readonly id: string;
}

/**
 * The partner named by a verdict-signing certificate, or what is missing:
 * the verdict extKeyUsage, or the single verdict URI SAN.
 */
export function verdictIdentityOf(cert: X509Certificate): Result<VerdictCertIdentity, string> {
  // Node's `keyUsage` is the extKeyUsage list (undefined without the extension)
  const purposes = cert.keyUsage ?? [];
  if (!purposes.includes(VERDICT_SIGNING_OID)) {
    return err(`extKeyUsage lacks credfed verdict signing (${VERDICT_SIGNING_OID})${purposes.length ? `: has ${purposes.join(', ')}` : ''}`);
  }
  const names = parseSubjectAltNames(cert.subjectAltName);
  if (names.error !== undefined) return err(`subject alternative names: ${names.error}`);
  const uris = names.value.filter((n) => n.type === 'URI' && n.value.toLowerCase().startsWith(IDENTITY_SCHEME)).map((n) => n.value);
  if (uris.length !== 1) return err(`carries ${uris.length} spiffe:// URIs, a verdict-signing certificate carries one`);
  const uri = uris[0] as string;
  const m = /^spiffe:\/\/([^/]+)\/partner\/([^/]+)(\/[^/]*)$/.exec(uri);
  if (!m || m[3] !== VERDICT_URI_SUFFIX || !FEDERATION_PATTERN.test(m[1] as string) || !ID_PATTERN.test(m[2] as string)) {
    return err(`URI ${uri} is not spiffe://<federation>/partner/<id>${VERDICT_URI_SUFFIX}`);
  }
  return ok({ federation: m[1] as string, id: m[2] as string });
}

/** not-before and not-after of a certificate as dates. */
export function validityOf(cert: X509Certificate): { readonly notBefore: Date; readonly notAfter: Date } {
  return { notBefore: new Date(cert.validFrom), notAfter: new Date(cert.validTo) };
}

/** True when `at` lies within the certificate's validity (both ends inclusive, RFC 5280 §4.1.2.5). */
export function validAt(cert: X509Certificate, at: Date): boolean {
  const { notBefore, notAfter } = validityOf(cert);
  return notBefore.getTime() <= at.getTime() && at.getTime() <= notAfter.getTime();
}

/** The `CERTIFICATE` blocks of PEM text, parsed; a block that does not parse is reported by index. */
export function certificatesFromPem(text: string): Result<X509Certificate[], string> {
  const certs: X509Certificate[] = [];
  for (const [i, block] of pemBlocks(text).filter((b) => b.label === 'CERTIFICATE').entries()) {
    try {
      certs.push(new X509Certificate(block.der));
    } catch {
      return err(`certificate ${i + 1} does not parse`);
    }
  }
  return ok(certs);
}

/** Serial as lower-case hex, as credfed prints serials (Node gives upper case). */
export function serialOf(cert: X509Certificate): string {
  return cert.serialNumber.toLowerCase();
}
