/**
 * Offline verification of a signed verdict (DESIGN.md §2.4): anyone holding
 * the issuer's CA certificate can check a verdict filed as evidence, years
 * later. So every certificate is judged at the verdict's issued_at, not now —
 * a verdict signed before its signer's certificate was renewed or expired
 * still verifies — and the signed bytes are verified exactly as received,
 * never re-serialised.
 *
 * Order of the checks: envelope and header, the x5c certificates parse, the
 * signature over the received bytes with the leaf's key, the payload decodes
 * as a verdict (its issued_at is needed next), the chain to a trusted CA by
 * key, every certificate valid at issued_at, the leaf is a verdict-signing
 * certificate naming the body's issuer, and revocation before issued_at.
 */
import { constants, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import { err, ok, type Result } from '../core/result.js';
import { PS256_SALT_LENGTH, readVerdictJws, type JwsReason } from '../core/verdicts/jws.js';
import { decodeVerdictPayload } from '../core/verdicts/verdict-body.js';
import type { Verdict } from '../gen/credfed/v1/verdict.js';
import { IDENTITY_SCHEME } from './identity.js';
import { chainToTrust } from './verdict-chain.js';
import { certificatesFromPem, serialOf, validAt, validityOf, verdictIdentityOf } from './verdict-certificate.js';
import { parseCrls, revocationAt } from './verdict-revocation.js';
import { parseSubjectAltNames } from './subject-alt-names.js';

/** Why a verdict did not verify; the check that failed. */
export type VerdictFailureReason =
  | JwsReason
  /** An x5c entry is not a DER certificate. */
  | 'CERT_MALFORMED'
  | 'SIGNATURE_INVALID'
  | 'CHAIN_UNTRUSTED'
  | 'CERT_NOT_VALID_AT_ISSUE'
  | 'NOT_A_VERDICT_CERT'
  /** The certificate names another issuer or federation than the body, or the anchor is another federation's CA. */
  | 'ISSUER_MISMATCH'
  | 'PAYLOAD_INVALID'
  | 'CERT_REVOKED'
  /** A CRL passed in does not parse (a caller error, not the verdict's). */
  | 'CRL_INVALID';

export interface VerdictFailure {
  readonly reason: VerdictFailureReason;
  readonly message: string;
}

/** Who signed a verified verdict. */
export interface VerdictSignerFacts {
  /** The partner (node id) the signing certificate names; equals verdict.issuer. */
  readonly issuer: string;
  readonly federation: string;
  /** Serial of the signing certificate, lower-case hex. */
  readonly serial: string;
  /** SHA-256 fingerprint of the signing certificate (DER), as Node prints it. */
  readonly fingerprint: string;
  /** Not-after of the signing certificate (RFC 3339). */
  readonly notAfter: string;
  /** Subject and SHA-256 fingerprint of the trusted CA the chain ended at. */
  readonly anchorSubject: string;
  readonly anchorFingerprint: string;
}

export interface VerifiedVerdict {
  readonly verdict: Verdict;
  readonly signer: VerdictSignerFacts;
  /** True while `now` ≤ valid_until: the verdict may still be relied on. */
  readonly current: boolean;
}

export interface VerifyVerdictOptions {
  /** PEM CA certificates to trust (each text may hold several). */
  readonly trust: readonly string[];
  /** PEM CRLs of those CAs (optional). */
  readonly crls?: readonly string[];
  /** The time `current` is judged at; default now. Never used for certificate validity. */
  readonly now?: Date;
}

const fail = (reason: VerdictFailureReason, message: string) => err<VerdictFailure>({ reason, message });

/** Verifies a compact verdict JWS; see the module comment for the checks. */
export function verifyVerdict(jws: string, opts: VerifyVerdictOptions): Result<VerifiedVerdict, VerdictFailure> {
  const envelope = readVerdictJws(jws);
  if (envelope.error) return envelope;
  const { signingInput, payload, signature, certificates } = envelope.value;

  const chain: X509Certificate[] = [];
  for (const [i, der] of certificates.entries()) {
    try {
      chain.push(new X509Certificate(der));
    } catch {
      return fail('CERT_MALFORMED', `x5c[${i}] is not a DER certificate`);
    }
  }
  const leaf = chain[0] as X509Certificate;
  const keyType = leaf.publicKey.asymmetricKeyType;
  if (keyType !== 'rsa' && keyType !== 'rsa-pss') return fail('SIGNATURE_INVALID', `the signer's key is ${keyType ?? 'unknown'}, PS256 needs RSA`);
  const signed = cryptoVerify(
    'sha256',
    Buffer.from(signingInput, 'ascii'),
    { key: leaf.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: PS256_SALT_LENGTH },
    signature,
  );
  if (!signed) return fail('SIGNATURE_INVALID', 'the signature does not verify with the key of x5c[0] over the received header and payload');

  const body = decodeVerdictPayload(payload);
  if (body.error !== undefined) return fail('PAYLOAD_INVALID', body.error);
  const { verdict, issuedAt, validUntil } = body.value;

  const anchors = certificatesFromPem(opts.trust.join('\n'));
  if (anchors.error !== undefined) return fail('CHAIN_UNTRUSTED', `trusted CAs: ${anchors.error}`);
  const path = chainToTrust(chain, anchors.value);
  if (path.error !== undefined) return fail('CHAIN_UNTRUSTED', path.error);

  for (const cert of path.value.certs) {
    if (!validAt(cert, issuedAt)) {
      const { notBefore, notAfter } = validityOf(cert);
      const who = cert === leaf ? 'the signer certificate' : `CA ${oneLine(cert.subject)}`;
      return fail('CERT_NOT_VALID_AT_ISSUE', `${who} is valid ${notBefore.toISOString()} – ${notAfter.toISOString()}, the verdict was issued ${issuedAt.toISOString()}`);
    }
  }

  const identity = verdictIdentityOf(leaf);
  if (identity.error !== undefined) return fail('NOT_A_VERDICT_CERT', identity.error);
  if (identity.value.id !== verdict.issuer || identity.value.federation !== verdict.federation) {
    return fail('ISSUER_MISMATCH', `the body says ${verdict.federation}/${verdict.issuer}, the certificate names ${identity.value.federation}/${identity.value.id}`);
  }
  const anchorFederation = caFederation(path.value.anchor);
  if (anchorFederation !== undefined && anchorFederation !== verdict.federation) {
    return fail('ISSUER_MISMATCH', `the trusted CA is federation ${anchorFederation}'s, the verdict claims federation ${verdict.federation}`);
  }

  if (opts.crls && opts.crls.length > 0) {
    const crls = parseCrls(opts.crls);
    if (crls.error !== undefined) return fail('CRL_INVALID', crls.error);
    const revoked = revocationAt(path.value.certs, crls.value, issuedAt);
    if (revoked) {
      return fail('CERT_REVOKED', `certificate ${revoked.serial} was revoked ${revoked.revokedAt.toISOString()} (${revoked.reason}); the verdict was issued ${issuedAt.toISOString()}`);
    }
  }

  const now = opts.now ?? new Date();
  return ok({
    verdict,
    signer: {
      issuer: identity.value.id,
      federation: identity.value.federation,
      serial: serialOf(leaf),
      fingerprint: leaf.fingerprint256,
      notAfter: validityOf(leaf).notAfter.toISOString(),
      anchorSubject: oneLine(path.value.anchor.subject),
      anchorFingerprint: path.value.anchor.fingerprint256,
    },
    current: now.getTime() <= validUntil.getTime(),
  });
}

/** Federation named by a CA's `spiffe://<federation>` URI SAN (no path), if any. */
function caFederation(ca: X509Certificate): string | undefined {
  const names = parseSubjectAltNames(ca.subjectAltName);
  if (names.error !== undefined) return undefined;
  const uri = names.value.find((n) => n.type === 'URI' && n.value.startsWith(IDENTITY_SCHEME) && !n.value.slice(IDENTITY_SCHEME.length).includes('/'));
  return uri?.value.slice(IDENTITY_SCHEME.length);
}

function oneLine(dn: string): string {
  return dn.split('\n').filter(Boolean).join(', ');
}
