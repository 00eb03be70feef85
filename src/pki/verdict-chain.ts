/**
 * The chain of a verdict's signer, as its x5c lists it, bound to a trust
 * anchor by key: each certificate must be signed by the public key of the
 * next, and the first one signed by a trusted CA's key ends the path. Names
 * are never what binds (an issuer DN can be copied by another CA, DESIGN.md
 * §4). Validity is judged at the verdict's issued_at, by the caller.
 */
import type { X509Certificate } from 'node:crypto';
import { err, ok, type Result } from '../core/result.js';
import { samePublicKey } from './key-pair.js';
import { x509 } from './x509-lib.js';

/** A signer's path to a trust anchor: leaf first, the trusted anchor last. */
export interface TrustedPath {
  readonly certs: readonly X509Certificate[];
  readonly anchor: X509Certificate;
}

/**
 * Walks `chain` (x5c order, leaf first) until a certificate is signed by one
 * of `anchors` (CA certificates). A chain element that is a copy of the anchor
 * is replaced by the trusted copy, so the anchor's own validity is what counts.
 * Refuses a CA leaf, an issuer that is no CA, a broken link, a pathLen or
 * keyUsage that forbids the issuance, and a chain that reaches no anchor.
 */
export function chainToTrust(chain: readonly X509Certificate[], anchors: readonly X509Certificate[]): Result<TrustedPath, string> {
  const leaf = chain[0];
  if (!leaf) return err('x5c is empty');
  if (leaf.ca) return err('the signer certificate is a CA certificate');
  const cas = anchors.filter((a) => a.ca);
  for (let i = 0; i < chain.length; i++) {
    const cert = chain[i] as X509Certificate;
    const anchor = cas.find((a) => cert.verify(a.publicKey));
    if (anchor) {
      const isAnchorCopy = i > 0 && samePublicKey(cert.publicKey, anchor.publicKey);
      const certs = [...chain.slice(0, isAnchorCopy ? i : i + 1), anchor];
      const constraints = checkCaConstraints(certs);
      return constraints.error !== undefined ? constraints : ok({ certs, anchor });
    }
    const next = chain[i + 1];
    if (!next) return err(i === 0 ? 'the signer certificate was not issued by any trusted CA' : `x5c[${i}] was not issued by any trusted CA`);
    if (!next.ca) return err(`x5c[${i + 1}] is not a CA certificate`);
    if (!cert.verify(next.publicKey)) return err(`x5c[${i}] is not signed by the key of x5c[${i + 1}]`);
  }
  return err('the chain reaches no trusted CA');
}

/**
 * Each issuer's keyUsage (when present) must allow keyCertSign, and its
 * pathLenConstraint must allow the CA certificates below it (credfed CAs are
 * pathlen 0: a CA certificate they issued cannot issue signers).
 */
function checkCaConstraints(certs: readonly X509Certificate[]): Result<true, string> {
  for (let k = 1; k < certs.length; k++) {
    const cert = new x509.X509Certificate((certs[k] as X509Certificate).raw);
    const usage = cert.getExtension(x509.KeyUsagesExtension);
    if (usage && (usage.usages & x509.KeyUsageFlags.keyCertSign) === 0) return err(`CA ${cert.subject} may not sign certificates (keyUsage)`);
    const basic = cert.getExtension(x509.BasicConstraintsExtension);
    const below = k - 1; // CA certificates between this issuer and the leaf
    if (basic?.pathLength !== undefined && below > basic.pathLength) {
      return err(`CA ${cert.subject} allows ${basic.pathLength} CA certificate(s) below it, the chain has ${below}`);
    }
  }
  return ok(true);
}
