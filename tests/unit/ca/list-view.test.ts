import { describe, expect, it } from 'vitest';
import { certificateView } from '../../../src/ca/list-certificates.js';
import type { CertificateRow } from '../../../src/store/repos/certificates-repo.js';

const DAY = 86_400_000;
const now = new Date('2026-03-01T08:00:00Z');
const row = (notAfterMs: number, status: 'valid' | 'revoked' = 'valid'): CertificateRow => ({
  serial: '0a',
  partnerId: 'county-a',
  profile: 'tls',
  certPem: '',
  notBefore: new Date(now.getTime() - DAY),
  notAfter: new Date(now.getTime() + notAfterMs),
  status,
  revokedAt: status === 'revoked' ? now : null,
  revocationReason: status === 'revoked' ? 'keyCompromise' : null,
  renewedFrom: null,
  createdAt: now,
});

describe('certificateView', () => {
  it.each([
    [10 * DAY, 'valid', 10],
    [10 * DAY - 1000, 'valid', 10],
    [90 * DAY, 'valid', 90],
    [1000, 'valid', 1],
    [0, 'expired', 0],
    [-1000, 'expired', 0],
    [-DAY - 1, 'expired', -1],
  ])('not-after in %d ms: %s, %d days left', (ms, status, days) => {
    const view = certificateView(row(ms), now);
    expect(view.status).toBe(status);
    expect(view.daysLeft).toBe(days);
    expect(Object.is(view.daysLeft, -0)).toBe(false);
  });

  it('a revoked certificate is revoked whatever its dates', () => {
    expect(certificateView(row(10 * DAY, 'revoked'), now)).toMatchObject({ status: 'revoked', revocationReason: 'keyCompromise' });
  });
});
