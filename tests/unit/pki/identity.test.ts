import type { PeerCertificate } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { CredfedError } from '../../../src/core/errors.js';
import {
  formatIdentityUri,
  identityFromPeerCertificate,
  identityFromSubjectAltName,
  parseIdentityUri,
  sameIdentity,
  type IdentityRule,
  type PeerIdentity,
} from '../../../src/pki/identity.js';

const city: PeerIdentity = { federation: 'demo', kind: 'partner', id: 'city' };

describe('parseIdentityUri', () => {
  const valid: Array<[string, PeerIdentity]> = [
    ['spiffe://demo/partner/city', city],
    ['spiffe://liaoning/partner/county-a', { federation: 'liaoning', kind: 'partner', id: 'county-a' }],
    ['spiffe://demo/admin/alice', { federation: 'demo', kind: 'admin', id: 'alice' }],
    ['spiffe://d/partner/42', { federation: 'd', kind: 'partner', id: '42' }],
    ['spiffe://demo/partner/a-', { federation: 'demo', kind: 'partner', id: 'a-' }],
    [`spiffe://${'f'.repeat(63)}/partner/${'p'.repeat(63)}`, { federation: 'f'.repeat(63), kind: 'partner', id: 'p'.repeat(63) }],
  ];
  it.each(valid)('accepts %s', (uri, expected) => {
    expect(parseIdentityUri(uri)).toEqual({ value: expected });
  });

  const invalid: Array<[string, IdentityRule]> = [
    ['', 'scheme'],
    ['demo/partner/city', 'scheme'],
    ['https://demo/partner/city', 'scheme'],
    ['SPIFFE://demo/partner/city', 'scheme'],
    ['spiffe:/demo/partner/city', 'scheme'],
    [' spiffe://demo/partner/city', 'scheme'],
    ['spiffe://', 'federation'],
    ['spiffe:///partner/city', 'federation'],
    ['spiffe://Demo/partner/city', 'federation'],
    ['spiffe://demo:443/partner/city', 'federation'],
    ['spiffe://user@demo/partner/city', 'federation'],
    ['spiffe://demo.example/partner/city', 'federation'],
    ['spiffe://-demo/partner/city', 'federation'],
    ['spiffe://demo-/partner/city', 'federation'],
    [`spiffe://${'f'.repeat(64)}/partner/city`, 'federation'],
    ['spiffe://demo', 'path'],
    ['spiffe://demo/', 'path'],
    ['spiffe://demo/partner', 'path'],
    ['spiffe://demo/partner/city/', 'path'],
    ['spiffe://demo/partner/city/extra', 'path'],
    ['spiffe://demo//partner/city', 'path'],
    ['spiffe://demo/partner/city?x=1', 'path'],
    ['spiffe://demo/partner/city#frag', 'path'],
    ['spiffe://demo/node/city', 'kind'],
    ['spiffe://demo/Partner/city', 'kind'],
    ['spiffe://demo/partner/', 'id'],
    ['spiffe://demo/partner/c', 'id'],
    ['spiffe://demo/partner/City', 'id'],
    ['spiffe://demo/partner/-city', 'id'],
    ['spiffe://demo/partner/city_a', 'id'],
    ['spiffe://demo/partner/cit%79', 'id'],
    ['spiffe://demo/partner/..', 'id'],
    [`spiffe://demo/partner/${'p'.repeat(64)}`, 'id'],
    ['spiffe://demo/admin/Alice', 'id'],
  ];
  it.each(invalid)('refuses %j (rule %s)', (uri, rule) => {
    const result = parseIdentityUri(uri);
    expect(result.value).toBeUndefined();
    expect(result.error?.rule).toBe(rule);
  });
});

describe('formatIdentityUri', () => {
  it('formats partner and admin identities that parse back', () => {
    const admin: PeerIdentity = { federation: 'demo', kind: 'admin', id: 'alice' };
    expect(formatIdentityUri(city)).toBe('spiffe://demo/partner/city');
    expect(formatIdentityUri(admin)).toBe('spiffe://demo/admin/alice');
    expect(parseIdentityUri(formatIdentityUri(admin)).value).toEqual(admin);
  });

  it.each<[PeerIdentity, IdentityRule]>([
    [{ federation: 'de/mo', kind: 'partner', id: 'city' }, 'federation'],
    [{ federation: 'demo', kind: 'robot' as 'admin', id: 'city' }, 'kind'],
    [{ federation: 'demo', kind: 'partner', id: 'city/../admin/root' }, 'id'],
  ])('throws CERT_INVALID for %j', (identity, rule) => {
    let thrown: unknown;
    try {
      formatIdentityUri(identity);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(CredfedError);
    expect((thrown as CredfedError).code).toBe('CERT_INVALID');
    expect((thrown as CredfedError).details['rule']).toBe(rule);
  });
});

describe('identityFromSubjectAltName', () => {
  const found: Array<[string, PeerIdentity]> = [
    ['URI:spiffe://demo/partner/city', city],
    ['URI:spiffe://demo/partner/city, DNS:localhost, IP Address:127.0.0.1', city],
    ['DNS:localhost, DNS:city, IP Address:0:0:0:0:0:0:0:1, URI:spiffe://demo/partner/city', city],
    ['URI:https://example.org/x, URI:spiffe://demo/partner/city, email:ops@example.org', city],
  ];
  it.each(found)('finds the identity in %j', (text, expected) => {
    expect(identityFromSubjectAltName(text)).toEqual({ value: expected });
  });

  const refused: Array<[string | undefined, IdentityRule]> = [
    [undefined, 'none'],
    ['', 'none'],
    ['DNS:localhost, IP Address:127.0.0.1', 'none'],
    ['URI:https://demo/partner/city', 'none'],
    // the URI hidden in a DNS name is not a URI SAN
    ['DNS:spiffe://demo/partner/city', 'none'],
    ['URI:spiffe://demo/partner/city, URI:spiffe://demo/partner/county-a', 'multiple'],
    ['URI:spiffe://demo/partner/city, URI:spiffe://demo/partner/city', 'multiple'],
    ['URI:spiffe://demo/partner/city, URI:spiffe://demo/admin/root', 'multiple'],
    ['URI:spiffe://demo/partner/city, URI:SPIFFE://demo/admin/root', 'multiple'],
    ['URI:spiffe://demo/partner/city/extra', 'path'],
    ['URI:SPIFFE://demo/partner/city', 'scheme'],
    ['URI:spiffe://demo/workload/city', 'kind'],
    // Node JSON-quotes a value containing ", ": it is ONE malformed URI, not two names
    ['URI:"spiffe://demo/partner/city\\u002c URI:spiffe://demo/admin/root"', 'path'],
    ['DNS:localhost, URI:"spiffe://demo/partner/city\\u002c URI:spiffe://demo/admin/root"', 'path'],
    ['URI:"spiffe://demo/partner/\\"city"', 'id'],
    ['URI:"spiffe://demo/partner/city', 'san-syntax'],
    ['URI:spiffe://demo/partner/city, ', 'san-syntax'],
    [':spiffe://demo/partner/city', 'san-syntax'],
    ['URI:"spiffe://demo/partner/city"x', 'san-syntax'],
  ];
  it.each(refused)('refuses %j (rule %s)', (text, rule) => {
    const result = identityFromSubjectAltName(text);
    expect(result.value).toBeUndefined();
    expect(result.error?.rule).toBe(rule);
  });
});

describe('identityFromPeerCertificate', () => {
  it('reads subjectaltname of a peer certificate', () => {
    const cert = { subjectaltname: 'URI:spiffe://demo/admin/alice, DNS:localhost' } as PeerCertificate;
    expect(identityFromPeerCertificate(cert).value).toEqual({ federation: 'demo', kind: 'admin', id: 'alice' });
  });

  it('refuses an anonymous peer (empty certificate object)', () => {
    expect(identityFromPeerCertificate({} as PeerCertificate).error?.rule).toBe('none');
  });
});

describe('sameIdentity', () => {
  it.each<[PeerIdentity, boolean]>([
    [{ federation: 'demo', kind: 'partner', id: 'city' }, true],
    [{ federation: 'other', kind: 'partner', id: 'city' }, false],
    [{ federation: 'demo', kind: 'admin', id: 'city' }, false],
    [{ federation: 'demo', kind: 'partner', id: 'county-a' }, false],
  ])('%j vs demo/partner/city → %s', (other, same) => {
    expect(sameIdentity(city, other)).toBe(same);
  });
});
