import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import { codeOf } from '../../helpers/error-code.js';
import { loadCa, signCertificate } from '../../../src/pki/ca-signer.js';
import { createCa, issueCertificate, type CreatedCa, type IssuedCertificate } from '../../../src/pki/dev-ca.js';
import { identityFromSubjectAltName } from '../../../src/pki/identity.js';
import { generateRsaKeyPair } from '../../../src/pki/key-pair.js';

const T0 = new Date('2026-03-01T08:00:00.000Z');
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

function extension(pem: string, name: string): Record<string, unknown> {
  const ext = forge.pki.certificateFromPem(pem).getExtension(name);
  if (!ext) throw new Error(`no ${name} extension`);
  return ext as Record<string, unknown>;
}

/** keyIdentifier of an authorityKeyIdentifier extension, as hex (node-forge leaves it unparsed). */
function authorityKeyId(pem: string): string {
  const ext = extension(pem, 'authorityKeyIdentifier') as { value: string };
  const seq = forge.asn1.fromDer(ext.value);
  const keyId = (seq.value as forge.asn1.Asn1[]).find((v) => v.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && v.type === 0);
  return forge.util.bytesToHex(keyId?.value as string);
}

describe('createCa / issueCertificate', () => {
  const clock = fixedClock(T0);
  let ca: CreatedCa;
  let node: IssuedCertificate;
  let client: IssuedCertificate;
  let spareKey: KeyObject; // reused where a test only needs some subject key

  beforeAll(async () => {
    ca = await createCa({ commonName: '辽宁省信用平台 dev CA', federation: 'demo', validDays: 365, clock });
    let pair: { privateKey: KeyObject };
    [node, client, pair] = await Promise.all([
      issueCertificate({
        ca,
        identity: { federation: 'demo', kind: 'partner', id: 'city' },
        commonName: 'city',
        validDays: 30,
        usage: 'node',
        clock,
      }),
      issueCertificate({
        ca,
        identity: { federation: 'demo', kind: 'admin', id: 'alice' },
        commonName: 'admin-alice',
        dnsNames: [],
        ipAddresses: [],
        validDays: 30,
        usage: 'client',
        clock,
      }),
      generateRsaKeyPair(),
    ]);
    spareKey = pair.privateKey;
  });

  it('creates an RSA 3072 CA with CA:true pathlen 0, keyCertSign + cRLSign and a key id', () => {
    const x = new X509Certificate(ca.certPem);
    expect(x.ca).toBe(true);
    expect(x.publicKey.asymmetricKeyDetails?.modulusLength).toBe(3072);
    expect(x.subject).toContain('CN=辽宁省信用平台 dev CA');
    expect(x.checkIssued(x)).toBe(true);
    expect(x.verify(x.publicKey)).toBe(true);
    expect(extension(ca.certPem, 'basicConstraints')).toMatchObject({ critical: true, cA: true, pathLenConstraint: 0 });
    const ku = extension(ca.certPem, 'keyUsage');
    expect(ku).toMatchObject({ critical: true, keyCertSign: true, cRLSign: true, digitalSignature: false });
    expect(extension(ca.certPem, 'subjectKeyIdentifier')['subjectKeyIdentifier']).toMatch(/^[0-9a-f]{40}$/);
    expect(x.subjectAltName).toBe('URI:spiffe://demo');
  });

  it('writes unencrypted PKCS#8 keys', () => {
    for (const pem of [ca.keyPem, node.keyPem, client.keyPem]) {
      expect(pem.startsWith('-----BEGIN PRIVATE KEY-----\n')).toBe(true);
      expect(createPrivateKey(pem).asymmetricKeyDetails?.modulusLength).toBe(3072);
    }
  });

  it('issues a node certificate: identity URI + default DNS/IP SANs, server and client auth, chained by key id', () => {
    const x = new X509Certificate(node.certPem);
    expect(x.subjectAltName).toBe('URI:spiffe://demo/partner/city, DNS:localhost, IP Address:127.0.0.1');
    expect(identityFromSubjectAltName(x.subjectAltName).value).toEqual({ federation: 'demo', kind: 'partner', id: 'city' });
    expect(x.ca).toBe(false);
    expect(x.checkIssued(new X509Certificate(ca.certPem))).toBe(true);
    expect(x.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
    expect(x.checkPrivateKey(createPrivateKey(node.keyPem))).toBe(true);
    expect(extension(node.certPem, 'keyUsage')).toMatchObject({
      critical: true,
      digitalSignature: true,
      keyEncipherment: true,
      keyCertSign: false,
    });
    expect(x.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(authorityKeyId(node.certPem)).toBe(extension(ca.certPem, 'subjectKeyIdentifier')['subjectKeyIdentifier']);
  });

  it('regression: a non-ASCII CA name survives node-forge re-encoding the issuer', () => {
    const leaf = new X509Certificate(node.certPem);
    expect(leaf.issuer).toBe(new X509Certificate(ca.certPem).subject);
    expect(leaf.issuer).toContain('辽宁省信用平台');
  });

  it('issues a client certificate with clientAuth only', () => {
    const x = new X509Certificate(client.certPem);
    expect(x.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(x.subjectAltName).toBe('URI:spiffe://demo/admin/alice');
  });

  it('uses a random positive 16-byte serial', () => {
    for (const cert of [node, client]) {
      expect(cert.serialHex).toMatch(/^[0-7][0-9a-f]{31}$/);
      expect(cert.serialHex).not.toMatch(/^00/);
      expect(new X509Certificate(cert.certPem).serialNumber).toBe(cert.serialHex.toUpperCase());
    }
    expect(node.serialHex).not.toBe(client.serialHex);
  });

  it('backdates not-before by 5 minutes and ends validDays after issuance', () => {
    const x = new X509Certificate(node.certPem);
    expect(new Date(x.validFrom).getTime()).toBe(T0.getTime() - 5 * MINUTE);
    expect(new Date(x.validTo).getTime()).toBe(T0.getTime() + 30 * DAY);
    expect(node.notBefore.getTime()).toBe(T0.getTime() - 5 * MINUTE);
    expect(node.notAfter.getTime()).toBe(T0.getTime() + 30 * DAY);
  });

  it('caps not-after at the CA’s not-after', () => {
    const signed = signCertificate({
      ca,
      publicKey: spareKey,
      identity: { federation: 'demo', kind: 'partner', id: 'county-a' },
      commonName: 'county-a',
      validDays: 10_000,
      usage: 'node',
      clock,
    });
    expect(signed.notAfter.getTime()).toBe(new Date(new X509Certificate(ca.certPem).validTo).getTime());
  });

  it('writes extra DNS names and IPv6 addresses', () => {
    const signed = signCertificate({
      ca,
      publicKey: spareKey,
      identity: { federation: 'demo', kind: 'partner', id: 'county-b' },
      commonName: 'county-b',
      dnsNames: ['localhost', 'county-b.credit.example'],
      ipAddresses: ['127.0.0.1', '::1'],
      validDays: 1,
      usage: 'node',
      clock,
    });
    expect(new X509Certificate(signed.certPem).subjectAltName).toBe(
      'URI:spiffe://demo/partner/county-b, DNS:localhost, DNS:county-b.credit.example, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1',
    );
  });

  describe('refuses', () => {
    const base = () => ({ ca, identity: { federation: 'demo', kind: 'partner' as const, id: 'city' }, commonName: 'city', validDays: 1, usage: 'node' as const, clock });

    it.each<[string, () => Record<string, unknown>]>([
      ['an identity of another federation', () => ({ identity: { federation: 'other', kind: 'partner', id: 'city' } })],
      ['a malformed partner id', () => ({ identity: { federation: 'demo', kind: 'partner', id: 'City' } })],
      ['a malformed IP address', () => ({ ipAddresses: ['localhost'] })],
      ['a malformed DNS name', () => ({ dnsNames: ['bad name'] })],
      ['a non-positive lifetime', () => ({ validDays: 0 })],
      ['an empty common name', () => ({ commonName: '' })],
      ['an expired CA', () => ({ clock: fixedClock(new Date(T0.getTime() + 400 * DAY)) })],
      ['a CA key that does not match the CA certificate', () => ({ ca: { certPem: ca.certPem, keyPem: node.keyPem } })],
      ['a leaf certificate as CA', () => ({ ca: { certPem: node.certPem, keyPem: node.keyPem } })],
      ['a CA that is not PEM', () => ({ ca: { certPem: 'nonsense', keyPem: ca.keyPem } })],
    ])('%s with CERT_INVALID', async (_what, change) => {
      expect(await codeOf(() => issueCertificate({ ...base(), ...change() } as Parameters<typeof issueCertificate>[0]))).toBe('CERT_INVALID');
    });
  });

  it('round-trips an encrypted CA key through its passphrase', async () => {
    const locked = await createCa({ commonName: 'locked', federation: 'demo', validDays: 2, keyPassphrase: 'correct horse', clock });
    expect(locked.keyPem).toContain('BEGIN ENCRYPTED PRIVATE KEY');
    expect(await codeOf(() => loadCa(locked))).toBe('CERT_INVALID');
    expect(await codeOf(() => loadCa({ ...locked, keyPassphrase: 'wrong' }))).toBe('CERT_INVALID');
    const signed = signCertificate({
      ca: { ...locked, keyPassphrase: 'correct horse' },
      publicKey: spareKey,
      identity: { federation: 'demo', kind: 'partner', id: 'city' },
      commonName: 'city',
      validDays: 1,
      usage: 'node',
      clock,
    });
    expect(new X509Certificate(signed.certPem).checkIssued(new X509Certificate(locked.certPem))).toBe(true);
  });
});
