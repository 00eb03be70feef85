/**
 * The three certificate profiles the CA issues, and what each implies:
 *
 * | profile   | names                                   | key usage                          | extended key usage        |
 * |-----------|-----------------------------------------|------------------------------------|---------------------------|
 * | `tls`     | `spiffe://<fed>/partner/<id>`, DNS <id>  | digitalSignature, keyEncipherment  | serverAuth, clientAuth    |
 * | `admin`   | `spiffe://<fed>/admin/<name>`           | digitalSignature, keyEncipherment  | clientAuth                |
 * | `verdict` | `spiffe://<fed>/partner/<id>/verdict`   | digitalSignature, nonRepudiation   | credfed verdict signing   |
 */
import { err, ok, type Result } from '../core/result.js';
import type { CertificateUsage } from '../pki/ca-signer.js';
import type { PeerIdentity } from '../pki/identity.js';
import type { CertificateProfile } from '../store/repos/certificates-repo.js';

export type { CertificateProfile } from '../store/repos/certificates-repo.js';

export const PROFILES: readonly CertificateProfile[] = ['tls', 'admin', 'verdict'];

/** Default lifetime in days when --days is not given. */
export const DEFAULT_VALID_DAYS: Readonly<Record<CertificateProfile, number>> = { tls: 365, admin: 90, verdict: 365 };

/** Default lifetime of a new CA. */
export const DEFAULT_CA_VALID_DAYS = 3650;

export function parseProfile(text: string): Result<CertificateProfile, string> {
  return (PROFILES as readonly string[]).includes(text)
    ? ok(text as CertificateProfile)
    : err(`profile ${JSON.stringify(text)} is not one of ${PROFILES.join(', ')}`);
}

/** The identity a certificate of this profile names: an admin for `admin`, a partner otherwise. */
export function profileIdentity(profile: CertificateProfile, federation: string, id: string): PeerIdentity {
  return { federation, kind: profile === 'admin' ? 'admin' : 'partner', id };
}

/** The signer's usage for a profile. */
export function profileUsage(profile: CertificateProfile): CertificateUsage {
  return profile === 'tls' ? 'node' : profile === 'admin' ? 'client' : 'verdict';
}

/** Subject common name of an issued certificate (the subject O is the federation). */
export function profileCommonName(profile: CertificateProfile, id: string): string {
  return profile === 'admin' && id.length <= 58 ? `admin-${id}` : id;
}
