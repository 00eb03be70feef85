/** Admin RPCs of the CA's certificates: list, issue from a CSR, renew, revoke. */
import { parseProfile } from '../../ca/certificate-profile.js';
import { parseDays } from '../../ca/duration.js';
import { issueCertificate } from '../../ca/issue-certificate.js';
import { certificateView, listCertificatePage, type CertificateView } from '../../ca/list-certificates.js';
import { renewCertificate } from '../../ca/renew-certificate.js';
import { parseRevocationReason, revokeCertificate } from '../../ca/revoke-certificate.js';
import { CredfedError } from '../../core/errors.js';
import type * as pb from '../../gen/credfed/v1/admin.js';
import type { CertificateRow } from '../../store/repos/certificates-repo.js';
import { dateToTimestamp } from '../../store/repos/record-rows.js';
import { caContext, given, text, unlockGatewayCa, type AdminDeps } from './admin-deps.js';
import { crlMessage } from './ca-handlers.js';

const MAX_EXPIRING_SECONDS = 36_525 * 86_400;

export function certificateMessage(v: CertificateView, certPem = ''): pb.Certificate {
  return {
    serial: v.serial,
    partnerId: v.partnerId,
    profile: v.profile,
    notBefore: dateToTimestamp(new Date(v.notBefore)),
    notAfter: dateToTimestamp(new Date(v.notAfter)),
    status: v.status,
    daysLeft: v.daysLeft,
    ...(v.revokedAt ? { revokedAt: dateToTimestamp(new Date(v.revokedAt)) } : {}),
    revocationReason: v.revocationReason ?? '',
    renewedFrom: v.renewedFrom ?? '',
    certPem,
  };
}

function invalid(detail: string): CredfedError {
  return new CredfedError('ADMIN_REQUEST_INVALID', detail);
}

function daysOf(days: number): number | undefined {
  if (days === 0) return undefined;
  const parsed = parseDays(String(days));
  if (parsed.error !== undefined) throw invalid(parsed.error);
  return parsed.value;
}

export function certificateHandlers(deps: AdminDeps) {
  const ctx = caContext(deps);
  const withPem = (row: CertificateRow) => certificateMessage(certificateView(row, deps.clock.now()), row.certPem);
  return {
    async listCertificates(req: pb.ListCertificatesRequest): Promise<pb.ListCertificatesResponse> {
      if (req.expiringWithinSeconds < 0 || req.expiringWithinSeconds > MAX_EXPIRING_SECONDS) {
        throw invalid(`expiring_within_seconds must be 0 (no filter) or 1 to ${MAX_EXPIRING_SECONDS}`);
      }
      const page = await listCertificatePage(deps.store, deps.clock, {
        ...(text(req.partnerId) !== undefined ? { partnerId: req.partnerId } : {}),
        ...(req.expiringWithinSeconds > 0 ? { expiringMs: req.expiringWithinSeconds * 1000 } : {}),
        ...(given(req.pageSize) !== undefined ? { pageSize: req.pageSize } : {}),
        ...(text(req.pageToken) !== undefined ? { pageToken: req.pageToken } : {}),
      });
      return { certificates: page.certificates.map((c) => certificateMessage(c)), nextPageToken: page.nextPageToken ?? '' };
    },

    async issueCertificate(req: pb.IssueCertificateRequest): Promise<pb.IssueCertificateResponse> {
      const profile = parseProfile(req.profile || 'tls');
      if (profile.error !== undefined) throw invalid(profile.error);
      const validDays = daysOf(req.days);
      const unlocked = await unlockGatewayCa(deps);
      const issued = await issueCertificate(ctx, unlocked, {
        profile: profile.value,
        id: req.partnerId,
        key: { kind: 'csr', pem: req.csrPem },
        ...(validDays !== undefined ? { validDays } : {}),
        dnsNames: req.dnsNames,
        ipAddresses: req.ipAddresses,
      });
      return { certificate: withPem(issued.row), caPem: unlocked.row.certPem };
    },

    async renewCertificate(req: pb.RenewCertificateRequest): Promise<pb.RenewCertificateResponse> {
      const validDays = daysOf(req.days);
      const unlocked = await unlockGatewayCa(deps);
      const renewed = await renewCertificate(ctx, unlocked, {
        serial: req.serial,
        key: req.csrPem === '' ? { kind: 'same' } : { kind: 'csr', pem: req.csrPem },
        ...(validDays !== undefined ? { validDays } : {}),
      });
      return { certificate: withPem(renewed.row) };
    },

    async revokeCertificate(req: pb.RevokeCertificateRequest): Promise<pb.RevokeCertificateResponse> {
      const reason = parseRevocationReason(req.reason || 'unspecified');
      if (reason.error !== undefined) throw invalid(reason.error);
      const unlocked = await unlockGatewayCa(deps);
      const { certificate, crl } = await revokeCertificate(ctx, unlocked, req.serial, reason.value);
      return { certificate: withPem(certificate), crl: crlMessage(crl) };
    },
  };
}
