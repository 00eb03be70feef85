import type { PeerCertificate } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { CredfedError } from '../../../src/core/errors.js';
import { expectServerIdentity, peerIdentityFromCall, type AuthContextSource } from '../../../src/pki/grpc-credentials.js';

const leaf = (subjectaltname?: string) => ({ raw: Buffer.from([0x30]), subjectaltname }) as unknown as PeerCertificate;
const callWith = (context: ReturnType<AuthContextSource['getAuthContext']>): AuthContextSource => ({ getAuthContext: () => context });

function thrownBy(work: () => unknown): CredfedError {
  try {
    work();
  } catch (e) {
    if (e instanceof CredfedError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('peerIdentityFromCall', () => {
  it('returns the identity of the verified leaf', () => {
    const call = callWith({ transportSecurityType: 'ssl', sslPeerCertificate: leaf('URI:spiffe://demo/partner/city, DNS:localhost') } as never);
    expect(peerIdentityFromCall(call)).toEqual({ federation: 'demo', kind: 'partner', id: 'city' });
  });

  it.each<[string, ReturnType<AuthContextSource['getAuthContext']>]>([
    ['no auth context', null],
    ['an insecure or unauthorized connection (empty context)', {}],
    ['a certificate object without raw bytes', { sslPeerCertificate: {} as PeerCertificate }],
    ['a certificate without identity', { sslPeerCertificate: leaf('DNS:localhost') }],
    ['a certificate with two identities', { sslPeerCertificate: leaf('URI:spiffe://demo/partner/a1, URI:spiffe://demo/admin/root') }],
    ['a certificate with a malformed identity', { sslPeerCertificate: leaf('URI:spiffe://demo/partner/') }],
  ])('refuses %s with PEER_UNAUTHENTICATED', (_what, context) => {
    expect(thrownBy(() => peerIdentityFromCall(callWith(context))).code).toBe('PEER_UNAUTHENTICATED');
  });
});

describe('expectServerIdentity', () => {
  const check = expectServerIdentity({ federation: 'demo', kind: 'partner', id: 'city' });

  it('accepts the expected partner whatever the host name', () => {
    expect(check('10.1.2.3', leaf('URI:spiffe://demo/partner/city, DNS:gateway.example'))).toBeUndefined();
  });

  it.each([
    ['another partner', 'URI:spiffe://demo/partner/county-a', 'spiffe://demo/partner/county-a'],
    ['the same partner id in another federation', 'URI:spiffe://other/partner/city', 'spiffe://other/partner/city'],
    ['an admin of that name', 'URI:spiffe://demo/admin/city', 'spiffe://demo/admin/city'],
    ['no identity', 'DNS:localhost', 'none'],
    ['two identities', 'URI:spiffe://demo/partner/city, URI:spiffe://demo/partner/county-a', 'none'],
  ])('refuses %s with PEER_UNKNOWN naming expected and found', (_what, san, found) => {
    const error = check('localhost', leaf(san));
    expect(error).toBeInstanceOf(CredfedError);
    expect((error as CredfedError).code).toBe('PEER_UNKNOWN');
    expect(error?.message).toContain('spiffe://demo/partner/city');
    expect(error?.message).toContain(found);
  });

  it('refuses to build a check for a malformed expectation', () => {
    expect(thrownBy(() => expectServerIdentity({ federation: 'demo', kind: 'partner', id: 'C' })).code).toBe('CERT_INVALID');
  });
});
