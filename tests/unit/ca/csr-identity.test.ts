import { describe, expect, it } from 'vitest';
import { checkCsrIdentity, type CertificateSubject, type CsrNames } from '../../../src/ca/csr-identity.js';

const tls: CertificateSubject = { federation: 'demo', profile: 'tls', id: 'county-a' };
const admin: CertificateSubject = { federation: 'demo', profile: 'admin', id: 'ops' };
const verdict: CertificateSubject = { federation: 'demo', profile: 'verdict', id: 'county-a' };
const names = (commonNames: string[], uris: string[] = []): CsrNames => ({ commonNames, uris });

describe('checkCsrIdentity', () => {
  it.each<[string, CsrNames, CertificateSubject]>([
    ['no names at all', names([]), tls],
    ['CN = the partner id', names(['county-a']), tls],
    ['CN in another case', names(['County-A']), tls],
    ['a descriptive CN', names(['Benxi credit platform']), tls],
    ['a Chinese CN', names(['本溪市公共信用信息平台']), tls],
    ['a DNS-style CN', names(['county-a.example.gov.cn']), tls],
    ['its own spiffe URI', names(['county-a'], ['spiffe://demo/partner/county-a']), tls],
    ['a non-spiffe URI', names([], ['https://county-a.example']), tls],
    ['an admin CN = name', names(['ops']), admin],
    ['an admin CN admin-<name>', names(['admin-ops']), admin],
    ['an admin URI', names([], ['spiffe://demo/admin/ops']), admin],
    ['a verdict URI', names([], ['spiffe://demo/partner/county-a/verdict']), verdict],
    ['the partner URI on a verdict CSR', names([], ['spiffe://demo/partner/county-a']), verdict],
  ])('accepts %s', (_what, csr, subject) => {
    expect(checkCsrIdentity(csr, subject)).toEqual({ value: true });
  });

  it.each<[string, CsrNames, CertificateSubject]>([
    ['CN = another partner', names(['county-b']), tls],
    ['CN = another partner, upper case', names(['COUNTY-B']), tls],
    ['a second CN naming another partner', names(['county-a', 'city']), tls],
    ["another partner's spiffe URI", names(['county-a'], ['spiffe://demo/partner/county-b']), tls],
    ['its own id in another federation', names([], ['spiffe://other/partner/county-a']), tls],
    ['an admin URI on a partner certificate', names([], ['spiffe://demo/admin/county-a']), tls],
    ['a spiffe URI in upper case', names([], ['SPIFFE://demo/partner/county-b']), tls],
    ['a spiffe URI as CN', names(['spiffe://demo/partner/county-b']), tls],
    ['a partner URI on an admin certificate', names([], ['spiffe://demo/partner/ops']), admin],
    ['another admin as CN', names(['alice']), admin],
    ["another partner's verdict URI", names([], ['spiffe://demo/partner/county-b/verdict']), verdict],
  ])('refuses %s', (_what, csr, subject) => {
    expect(checkCsrIdentity(csr, subject).error).toBeDefined();
  });
});
