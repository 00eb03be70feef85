/** CRLs from @peculiar/x509, judged by OpenSSL: label, signature, number, entries and reasons. */
import { beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import { loadCa, type LoadedCa } from '../../../src/pki/ca-signer.js';
import { createCrl, derInteger } from '../../../src/pki/crl.js';
import { createCa } from '../../../src/pki/dev-ca.js';
import { openssl, tempDir, writePem } from './openssl-helpers.js';

describe('derInteger', () => {
  it.each([
    [0n, '020100'],
    [1n, '020101'],
    [127n, '02017f'],
    [128n, '02020080'],
    [256n, '02020100'],
    [2n ** 63n, '0209008000000000000000'],
  ])('%s', (n, hex) => expect(derInteger(n).toString('hex')).toBe(hex));
});

describe('createCrl', () => {
  const thisUpdate = new Date('2026-03-01T08:00:00Z');
  let ca: LoadedCa;
  let caFile: string;
  const dir = tempDir();
  beforeAll(async () => {
    const created = await createCa({ commonName: '沈阳市信用平台 CA', federation: 'demo', validDays: 3650, clock: fixedClock(new Date('2026-01-01T00:00:00Z')) });
    ca = loadCa(created);
    caFile = writePem(dir, 'ca.pem', created.certPem);
  });

  it('writes a v2 CRL as "X509 CRL" PEM that OpenSSL verifies against the CA', async () => {
    const pem = await createCrl({
      ca,
      crlNumber: 7n,
      thisUpdate,
      nextUpdate: new Date(thisUpdate.getTime() + 7 * 86_400_000),
      entries: [
        { serialHex: '0a1b2c3d', revokedAt: new Date('2026-02-01T00:00:00Z'), reason: 'keyCompromise' },
        { serialHex: '7f00ff', revokedAt: new Date('2026-02-02T00:00:00Z'), reason: 'superseded' },
        { serialHex: '01', revokedAt: new Date('2026-02-03T00:00:00Z'), reason: 'unspecified' },
      ],
    });
    expect(pem.startsWith('-----BEGIN X509 CRL-----\n')).toBe(true);
    expect(pem.trimEnd().endsWith('-----END X509 CRL-----')).toBe(true);
    const file = writePem(dir, 'crl.pem', pem);
    const verify = openssl(['crl', '-in', file, '-noout', '-CAfile', caFile]);
    expect(verify.output).toMatch(/verify OK/);
    const text = openssl(['crl', '-in', file, '-noout', '-text', '-nameopt', 'utf8']).output;
    expect(text).toMatch(/Version 2/);
    expect(text).toMatch(/sha256WithRSAEncryption/);
    expect(text).toContain('沈阳市信用平台 CA');
    expect(text).toMatch(/CRL Number:\s+7/);
    expect(text).toMatch(/Authority Key Identifier/);
    expect(text).toMatch(/Last Update: Mar {2}1 08:00:00 2026 GMT/);
    expect(text).toMatch(/Next Update: Mar {2}8 08:00:00 2026 GMT/);
    expect(text).toMatch(/Serial Number: 0A1B2C3D\s+Revocation Date: Feb {2}1 00:00:00 2026 GMT\s+CRL entry extensions:\s+X509v3 CRL Reason Code:\s+Key Compromise/);
    expect(text).toMatch(/Serial Number: 7F00FF[\s\S]*?Superseded/);
    // unspecified: no reason code extension (RFC 5280 §5.3.1)
    expect(text).toMatch(/Serial Number: 01\s+Revocation Date: Feb {2}3 00:00:00 2026 GMT\s+(Signature Algorithm|Serial Number)/);
  });

  it('an empty CRL is valid too', async () => {
    const file = writePem(dir, 'empty.pem', await createCrl({ ca, crlNumber: 1n, thisUpdate, nextUpdate: new Date(thisUpdate.getTime() + 1000), entries: [] }));
    const text = openssl(['crl', '-in', file, '-noout', '-text', '-CAfile', caFile]).output;
    expect(text).toMatch(/verify OK/);
    expect(text).toMatch(/No Revoked Certificates/);
  });
});
