/**
 * Renewal: a new certificate for the same partner (or admin) and profile,
 * with the old one's DNS and IP names, for the same key, a new CSR or a new
 * generated key. The new row names the old serial in `renewed_from`; the old
 * certificate stays valid (overlap) until it expires or is revoked.
 */
import { X509Certificate } from 'node:crypto';
import { CredfedError } from '../core/errors.js';
import { CLOCK_SKEW_MS } from '../pki/ca-signer.js';
import { parseSubjectAltNames } from '../pki/subject-alt-names.js';
import { getCertificate, type CertificateRow } from '../store/repos/certificates-repo.js';
import type { CaContext } from './ca-context.js';
import type { UnlockedCa } from './ca-unlock.js';
import { issueCertificate, planIssue, type IssueHooks, type IssuePlan, type IssueRequest, type IssuedCertificate, type KeySource } from './issue-certificate.js';
import { parseSerial } from './serial-text.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface RenewRequest {
  readonly serial: string;
  /** `same`: the old certificate's public key. */
  readonly key: KeySource | { readonly kind: 'same' };
  /** Default: the old certificate's lifetime. */
  readonly validDays?: number;
}

/** Checks a renewal without writing anything (CERT_NOT_FOUND, CERT_INVALID when revoked, and what issuing throws). */
export async function planRenewal(ctx: CaContext, unlocked: UnlockedCa, request: RenewRequest): Promise<IssuePlan> {
  return planIssue(ctx, unlocked, await renewalRequest(ctx, request));
}

export async function renewCertificate(
  ctx: CaContext,
  unlocked: UnlockedCa,
  request: RenewRequest,
  hooks: IssueHooks = {},
): Promise<IssuedCertificate & { readonly renewed: CertificateRow }> {
  const issueRequest = await renewalRequest(ctx, request);
  const old = (await getCertificate(ctx.store, issueRequest.renewedFrom!))!;
  return { ...(await issueCertificate(ctx, unlocked, issueRequest, hooks)), renewed: old };
}

async function renewalRequest(ctx: CaContext, request: RenewRequest): Promise<IssueRequest> {
  const serial = parseSerial(request.serial);
  if (serial.error !== undefined) throw new CredfedError('CERT_NOT_FOUND', serial.error);
  const old = await getCertificate(ctx.store, serial.value);
  if (!old) throw new CredfedError('CERT_NOT_FOUND', `no certificate with serial ${serial.value} (credfed cert list)`);
  if (old.status !== 'valid') throw new CredfedError('CERT_INVALID', `certificate ${old.serial} was revoked; issue a new one instead of renewing it`);
  const x509 = new X509Certificate(old.certPem);
  const names = parseSubjectAltNames(x509.subjectAltName);
  const sans = names.error !== undefined ? [] : names.value;
  const lifetime = old.notAfter.getTime() - old.notBefore.getTime() - CLOCK_SKEW_MS;
  return {
    profile: old.profile,
    id: old.partnerId,
    key: request.key.kind === 'same' ? { kind: 'existing', publicKey: x509.publicKey } : request.key,
    validDays: request.validDays ?? Math.max(1, Math.round(lifetime / DAY_MS)),
    dnsNames: old.profile === 'tls' ? sans.filter((n) => n.type === 'DNS').map((n) => n.value) : [],
    ipAddresses: old.profile === 'tls' ? sans.filter((n) => n.type === 'IP Address').map((n) => n.value) : [],
    renewedFrom: old.serial,
  };
}
