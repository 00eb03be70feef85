/**
 * The trust material of a gateway at one moment: which CAs its server trusts
 * at the handshake, which CRLs it loads, which serials are revoked per CA,
 * and which foreign anchors are trusted now. Built from the TLS files, the
 * store's own CA row, its revoked certificates and the imported trust anchors,
 * evaluated against a clock.
 *
 * Policy (DESIGN.md §4: with any CRL loaded, OpenSSL demands a current CRL for
 * every CA it trusts; a CRL past its nextUpdate refuses every client of its CA):
 * - CRL checking is on when this node has a CRL for its own CA (the store CA's
 *   CRL, when that CA is one of `tls.ca`, or the `tls.crl` file).
 * - A foreign anchor is trusted (put in `ca`, its CRL in `crl`) only while CRL
 *   checking is on and its CRL is current; otherwise only its partners are refused.
 * - Without an own CRL, nothing is loaded and no foreign anchor is trusted.
 */
import { X509Certificate, createHash } from 'node:crypto';
import { CredfedError } from '../core/errors.js';
import { pemBlocks } from '../pki/pem.js';
import type { ServerTlsMaterial } from '../pki/reloadable-credentials.js';
import type { TrustAnchorRow } from '../store/repos/trust-anchors-repo.js';
import { anchorView, type AnchorView } from './anchor-view.js';
import { caKeyOf, type CaKey } from './ca-key.js';
import { crlCurrent, crlFacts, type CrlFacts } from './crl-facts.js';
import { normaliseSerial } from './serial.js';

/** What the material is built from (read from disk and store on every refresh). */
export interface TrustSources {
  /** Contents of `tls.ca`, `tls.cert`, `tls.key` (checked: parse, key matches cert) and `tls.crl`. */
  readonly files: { readonly ca: Buffer; readonly cert: Buffer; readonly key: Buffer; readonly crl?: Buffer };
  /** The store's CA row (`ca init`), if any. */
  readonly storeCa?: { readonly certPem: string; readonly crlPem: string | null };
  /** Serials the store's CA revoked (certificates table). */
  readonly revokedSerials: readonly string[];
  readonly anchors: readonly TrustAnchorRow[];
}

export type { CaKey } from './ca-key.js';
export type { AnchorState, AnchorView } from './anchor-view.js';

export type OwnCrlState = 'none' | 'current' | 'stale';

export interface TrustMaterial {
  /** The CAs of `tls.ca`. */
  readonly ownCas: readonly CaKey[];
  readonly ownCrl: OwnCrlState;
  readonly crlChecking: boolean;
  /** Every imported anchor, by partner id. */
  readonly anchors: ReadonlyMap<string, AnchorView>;
  /** Revoked serials (normalised) by the fingerprint of the CA that issued them. */
  readonly revoked: ReadonlyMap<string, ReadonlySet<string>>;
  /** What the server's handshakes use. */
  readonly server: ServerTlsMaterial;
  /** Changes whenever `server` changes. */
  readonly serverDigest: string;
  /** The TLS files for outgoing channels (own certificate and key, `tls.ca`). */
  readonly client: { readonly ca: Buffer; readonly cert: Buffer; readonly key: Buffer };
  /** Changes whenever `client` changes. */
  readonly clientDigest: string;
  /** Problems worth a warning (e.g. a CA of `tls.ca` without a CRL while CRL checking is on). */
  readonly warnings: readonly string[];
}

/**
 * Builds the material. Throws CERT_INVALID when `tls.ca` or `tls.crl` is
 * unusable (a CRL that does not parse or that no CA of `tls.ca` signed).
 */
export async function buildTrustMaterial(sources: TrustSources, now: Date, paths: { ca: string; crl?: string }): Promise<TrustMaterial> {
  const warnings: string[] = [];
  const ownCerts = pemBlocks(sources.files.ca.toString('latin1'))
    .filter((b) => b.label === 'CERTIFICATE')
    .map((b) => ({ pem: b.pem, key: caKeyOf(new X509Certificate(b.der)) }));
  const ownCas = ownCerts.map((c) => c.key);
  const revoked = new Map<string, Set<string>>();
  const revokedBy = (fp: string) => revoked.get(fp) ?? revoked.set(fp, new Set()).get(fp)!;

  // Own CRLs: the store CA's (when it is one of tls.ca) and the tls.crl file.
  const ownCrls: { facts: CrlFacts; caFingerprint: string }[] = [];
  if (sources.storeCa) {
    const storeKey = caKeyOf(new X509Certificate(sources.storeCa.certPem));
    for (const s of sources.revokedSerials) revokedBy(storeKey.fingerprint).add(normaliseSerial(s));
    if (sources.storeCa.crlPem && ownCas.some((c) => c.fingerprint === storeKey.fingerprint)) {
      const facts = crlFacts(sources.storeCa.crlPem);
      if (facts.error !== undefined) throw new CredfedError('CERT_INVALID', `the store CA's CRL ${facts.error}`);
      ownCrls.push({ facts: facts.value, caFingerprint: storeKey.fingerprint });
    }
  }
  if (sources.files.crl) {
    const where = `${paths.crl} (tls.crl)`;
    const facts = crlFacts(sources.files.crl.toString('latin1'));
    if (facts.error !== undefined) throw new CredfedError('CERT_INVALID', `${where} ${facts.error}`, { path: paths.crl });
    let signer: string | undefined;
    for (const c of ownCerts) if (await facts.value.signedBy(c.pem)) signer = c.key.fingerprint;
    if (signer === undefined) throw new CredfedError('CERT_INVALID', `${where} is not signed by a CA in ${paths.ca} (tls.ca)`, { path: paths.crl });
    ownCrls.push({ facts: facts.value, caFingerprint: signer });
  }
  for (const c of ownCrls) for (const s of c.facts.serials) revokedBy(c.caFingerprint).add(s);
  const crlChecking = ownCrls.length > 0;
  const ownCrl: OwnCrlState = !crlChecking ? 'none' : ownCrls.some((c) => crlCurrent(c.facts, now)) ? 'current' : 'stale';
  if (crlChecking) {
    for (const ca of ownCas) {
      if (!ownCrls.some((c) => c.caFingerprint === ca.fingerprint)) {
        warnings.push(`a CA in ${paths.ca} (tls.ca) has no CRL: its certificates are refused while CRLs are checked`);
      }
    }
  }

  // Foreign anchors.
  const anchors = new Map<string, AnchorView>();
  const trustedCa: string[] = [];
  const trustedCrl: string[] = [];
  const seen = new Set(ownCas.map((c) => c.fingerprint));
  for (const row of sources.anchors) {
    const view = await anchorView(row, crlChecking, now);
    anchors.set(row.partnerId, view);
    if (view.key && view.state !== 'invalid') {
      const facts = crlFacts(row.crlPem);
      if (facts.value) for (const s of facts.value.serials) revokedBy(view.key.fingerprint).add(s);
      if (view.trusted && !seen.has(view.key.fingerprint)) {
        seen.add(view.key.fingerprint);
        trustedCa.push(row.certPem);
        trustedCrl.push(facts.value!.pem);
      }
    }
  }

  const server: ServerTlsMaterial = {
    ca: [sources.files.ca.toString('latin1'), ...trustedCa],
    cert: sources.files.cert,
    key: sources.files.key,
    ...(crlChecking ? { crl: [...ownCrls.map((c) => c.facts.pem), ...trustedCrl] } : {}),
  };
  return {
    ownCas,
    ownCrl,
    crlChecking,
    anchors,
    revoked,
    server,
    serverDigest: digest([...server.ca, server.cert, server.key, '--crl--', ...(server.crl ?? [])]),
    client: { ca: sources.files.ca, cert: sources.files.cert, key: sources.files.key },
    clientDigest: digest([sources.files.ca, sources.files.cert, sources.files.key]),
    warnings,
  };
}

function digest(parts: readonly (string | Buffer)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(typeof p === 'string' ? p : p).update('\0');
  return h.digest('hex');
}
