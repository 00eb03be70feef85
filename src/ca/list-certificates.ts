/**
 * `cert list`: certificates in not-after order (soonest first), a page at a
 * time, with the days left computed from the injected clock.
 */
import { CredfedError } from '../core/errors.js';
import type { Clock } from '../core/clock.js';
import { listCertificates, type CertificateProfile, type CertificateRow } from '../store/repos/certificates-repo.js';
import type { Queryable } from '../store/repos/queryable.js';
import { decodePageToken, encodePageToken, type PageFilters } from './page-token.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** One listed certificate. `expired`: valid in the store but past its not-after. */
export interface CertificateView {
  readonly serial: string;
  readonly partnerId: string;
  readonly profile: CertificateProfile;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly status: 'valid' | 'revoked' | 'expired';
  /** Whole days until not-after, rounded up (0 or negative once expired). */
  readonly daysLeft: number;
  readonly revokedAt: string | null;
  readonly revocationReason: string | null;
  readonly renewedFrom: string | null;
}

export interface ListQuery {
  readonly partnerId?: string;
  /** Only valid certificates expiring within this many milliseconds. */
  readonly expiringMs?: number;
  readonly pageSize?: number;
  readonly pageToken?: string;
}

export interface CertificatePage {
  readonly certificates: CertificateView[];
  /** Absent on the last page. */
  readonly nextPageToken?: string;
}

/** One page. Throws PAGE_TOKEN_INVALID for a token that is malformed or from a listing with other filters. */
export async function listCertificatePage(db: Queryable, clock: Clock, query: ListQuery): Promise<CertificatePage> {
  const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new CredfedError('PAGE_TOKEN_INVALID', `page size must be 1–${MAX_PAGE_SIZE}, got ${pageSize}`);
  }
  const filters: PageFilters = { partnerId: query.partnerId, expiringMs: query.expiringMs };
  let after;
  if (query.pageToken !== undefined) {
    const cursor = decodePageToken(query.pageToken, filters);
    if (cursor.error !== undefined) throw new CredfedError('PAGE_TOKEN_INVALID', cursor.error);
    after = cursor.value;
  }
  const now = clock.now();
  const rows = await listCertificates(db, {
    partnerId: query.partnerId,
    expiring: query.expiringMs !== undefined ? { now, by: new Date(now.getTime() + query.expiringMs) } : undefined,
    after,
    limit: pageSize + 1,
  });
  const page = rows.slice(0, pageSize);
  const last = page[page.length - 1];
  return {
    certificates: page.map((row) => certificateView(row, now)),
    ...(rows.length > pageSize && last ? { nextPageToken: encodePageToken({ notAfter: last.notAfter, serial: last.serial }, filters) } : {}),
  };
}

export function certificateView(row: CertificateRow, now: Date): CertificateView {
  const left = row.notAfter.getTime() - now.getTime();
  return {
    serial: row.serial,
    partnerId: row.partnerId,
    profile: row.profile,
    notBefore: row.notBefore.toISOString(),
    notAfter: row.notAfter.toISOString(),
    status: row.status === 'revoked' ? 'revoked' : left <= 0 ? 'expired' : 'valid',
    daysLeft: Math.ceil(left / DAY_MS) + 0,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    revocationReason: row.revocationReason,
    renewedFrom: row.renewedFrom,
  };
}
