/**
 * Does a CSR claim another identity than the one it is issued for? The CA
 * never copies names from a CSR (subject and SANs come from the partner id and
 * the profile), but a request that names someone else is a mistake or an
 * attempt, and is refused: any spiffe:// URI other than the certificate's own,
 * and a common name that reads as a credfed id (or a spiffe URI) other than
 * the subject's. A descriptive common name ("Benxi credit platform") is
 * allowed and ignored.
 */
import { err, ok, type Result } from '../core/result.js';
import { ID_PATTERN, IDENTITY_SCHEME, formatIdentityUri } from '../pki/identity.js';
import { verdictSigningUri } from '../pki/verdict-signing.js';
import { profileCommonName, profileIdentity, type CertificateProfile } from './certificate-profile.js';

/** The names a CSR carries (see pki/csr.ts ParsedCsr). */
export interface CsrNames {
  readonly commonNames: readonly string[];
  readonly uris: readonly string[];
}

/** Who the certificate is for. */
export interface CertificateSubject {
  readonly federation: string;
  readonly profile: CertificateProfile;
  /** Partner id, or admin name for the admin profile. */
  readonly id: string;
}

/** OK, or the message of a CERT_IDENTITY_MISMATCH naming what the CSR claims. */
export function checkCsrIdentity(csr: CsrNames, subject: CertificateSubject): Result<true, string> {
  const identity = profileIdentity(subject.profile, subject.federation, subject.id);
  const own = formatIdentityUri(identity);
  const allowedUris = new Set([own]);
  if (subject.profile === 'verdict') allowedUris.add(verdictSigningUri({ ...identity, kind: 'partner' }));
  for (const uri of csr.uris) {
    if (uri.toLowerCase().startsWith(IDENTITY_SCHEME) && !allowedUris.has(uri)) {
      return err(`the CSR names ${uri}, but the certificate is for ${own}`);
    }
  }
  const allowedNames = new Set([subject.id, profileCommonName(subject.profile, subject.id)]);
  for (const cn of csr.commonNames) {
    const name = cn.trim();
    if (name.toLowerCase().startsWith(IDENTITY_SCHEME)) {
      if (!allowedUris.has(name)) return err(`the CSR's common name ${JSON.stringify(cn)} names another identity than ${own}`);
    } else if (ID_PATTERN.test(name.toLowerCase()) && !allowedNames.has(name.toLowerCase())) {
      return err(`the CSR's common name ${JSON.stringify(cn)} names another ${identity.kind} than ${JSON.stringify(subject.id)}`);
    }
  }
  return ok(true);
}
