/**
 * The verdict-signing profile: its extKeyUsage OID encodes as OpenSSL encodes
 * it, and a verdict certificate names the partner's verdict URI, signs only
 * (digitalSignature + nonRepudiation) and is unusable for TLS.
 */
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CredfedError } from '../../../src/core/errors.js';
import { fixedClock } from '../../../src/core/clock.js';
import { loadCa, signCertificate, type LoadedCa } from '../../../src/pki/ca-signer.js';
import { createCa } from '../../../src/pki/dev-ca.js';
import { identityFromSubjectAltName } from '../../../src/pki/identity.js';
import { generateRsaKeyPair } from '../../../src/pki/key-pair.js';
import { VERDICT_SIGNING_OID, extKeyUsageDer, oidToDer, verdictSigningUri } from '../../../src/pki/verdict-signing.js';
import { openssl, tempDir, writePem } from './openssl-helpers.js';

/** DER of an OID as OpenSSL encodes it. */
function opensslOidDer(oid: string): Buffer {
  const file = path.join(tempDir(), 'oid.der');
  const r = openssl(['asn1parse', '-genstr', `OID:${oid}`, '-noout', '-out', file]);
  expect(r.status).toBe(0);
  return fs.readFileSync(file);
}

describe('oidToDer', () => {
  it.each(['1.2.840.113549.1.1.11', '2.5.29.37', '1.3.6.1.5.5.7.3.2', '2.25.0', VERDICT_SIGNING_OID, '2.999.128'])('encodes %s as OpenSSL does', (oid) => {
    expect(oidToDer(oid).toString('hex')).toBe(opensslOidDer(oid).toString('hex'));
  });

  it('wraps the purposes in a SEQUENCE for extKeyUsage', () => {
    expect(extKeyUsageDer(['2.5.29.37']).toString('hex')).toBe('3005060355' + '1d25');
  });
});

describe('a verdict-signing certificate', () => {
  const clock = fixedClock(new Date('2026-03-01T08:00:00Z'));
  let ca: LoadedCa;
  let cert: X509Certificate;
  let pem: string;
  beforeAll(async () => {
    ca = loadCa(await createCa({ commonName: 'test CA', federation: 'demo', validDays: 3650, clock }));
    const { publicKey } = await generateRsaKeyPair(2048);
    pem = signCertificate({
      ca,
      identity: { federation: 'demo', kind: 'partner', id: 'county-a' },
      commonName: 'county-a',
      validDays: 365,
      usage: 'verdict',
      clock,
      publicKey,
    }).certPem;
    cert = new X509Certificate(pem);
  });

  it('names the verdict URI only, which is no TLS identity', () => {
    expect(cert.subjectAltName).toBe(`URI:${verdictSigningUri({ federation: 'demo', kind: 'partner', id: 'county-a' })}`);
    expect(cert.subjectAltName).toBe('URI:spiffe://demo/partner/county-a/verdict');
    expect(identityFromSubjectAltName(cert.subjectAltName).error?.rule).toBe('path');
  });

  it('has the credfed verdict-signing purpose only', () => {
    expect(cert.keyUsage).toEqual([VERDICT_SIGNING_OID]);
    expect(cert.ca).toBe(false);
    expect(cert.verify(ca.x509.publicKey)).toBe(true);
  });

  it('OpenSSL shows digitalSignature + nonRepudiation and refuses it for TLS client and server', () => {
    const dir = tempDir();
    const file = writePem(dir, 'verdict.pem', pem);
    const text = openssl(['x509', '-in', file, '-noout', '-text']).output;
    expect(text).toMatch(/Key Usage: critical\s+Digital Signature, Non Repudiation/);
    expect(text).toContain(VERDICT_SIGNING_OID);
    const purpose = openssl(['x509', '-in', file, '-noout', '-purpose']).output;
    expect(purpose).toMatch(/SSL client : No/);
    expect(purpose).toMatch(/SSL server : No/);
  });

  it('cannot name an admin', () => {
    expect(() =>
      signCertificate({
        ca,
        identity: { federation: 'demo', kind: 'admin', id: 'ops' },
        commonName: 'ops',
        validDays: 1,
        usage: 'verdict',
        clock,
        publicKey: ca.key,
      }),
    ).toThrow(CredfedError);
  });
});
