/**
 * CSR checks with requests made by the real OpenSSL, as partners make them:
 * accepted RSA keys, refused weak and unsupported keys (named in the
 * message), malformed and tampered requests, and the names a CSR claims.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseCsr, type ParsedCsr } from '../../../src/pki/csr.js';
import { pemBlocks } from '../../../src/pki/pem.js';
import { opensslCsr } from './openssl-helpers.js';

const toPem = (label: string, der: Buffer) =>
  `-----BEGIN ${label}-----\n${(der.toString('base64').match(/.{1,64}/g) ?? []).join('\n')}\n-----END ${label}-----\n`;

describe('parseCsr', () => {
  let rsa3072: string;
  let rsa2048: string;
  beforeAll(() => {
    rsa3072 = opensslCsr({ newkey: 'rsa:3072', subject: '/CN=county-a', addext: 'subjectAltName=URI:spiffe://demo/partner/county-a,DNS:county-a.example' }).csr;
    rsa2048 = opensslCsr({ newkey: 'rsa:2048', subject: '/C=CN/O=本溪市信用平台/CN=county-a' }).csr;
  });

  it('accepts an openssl req -newkey rsa:3072 request and reads its key and names', () => {
    const parsed = parseCsr(rsa3072);
    expect(parsed.error).toBeUndefined();
    const csr = parsed.value as ParsedCsr;
    expect(csr.rsaBits).toBe(3072);
    expect(csr.publicKey.asymmetricKeyType).toBe('rsa');
    expect(csr.commonNames).toEqual(['county-a']);
    expect(csr.uris).toEqual(['spiffe://demo/partner/county-a']);
    expect(csr.dnsNames).toEqual(['county-a.example']);
  });

  it('accepts RSA 2048 and a UTF-8 subject', () => {
    const parsed = parseCsr(rsa2048);
    expect(parsed.value?.rsaBits).toBe(2048);
    expect(parsed.value?.commonNames).toEqual(['county-a']);
  });

  it('accepts the legacy NEW CERTIFICATE REQUEST label', () => {
    const der = pemBlocks(rsa2048)[0]!.der;
    expect(parseCsr(toPem('NEW CERTIFICATE REQUEST', der)).error).toBeUndefined();
  });

  it('refuses RSA 1024 as KEY_WEAK naming the bits', () => {
    const r = parseCsr(opensslCsr({ newkey: 'rsa:1024' }).csr);
    expect(r.error?.code).toBe('KEY_WEAK');
    expect(r.error?.message).toContain('1024');
  });

  it.each([
    ['EC P-256', { newkey: 'ec', pkeyopt: 'ec_paramgen_curve:P-256' }, 'EC (P-256)'],
    ['EC P-384', { newkey: 'ec', pkeyopt: 'ec_paramgen_curve:P-384' }, 'EC (P-384)'],
    ['Ed25519', { newkey: 'ed25519' }, 'Ed25519'],
    ['RSA-PSS', { newkey: 'rsa-pss', pkeyopt: 'rsa_keygen_bits:2048' }, 'RSA-PSS'],
  ])('refuses a %s key as KEY_UNSUPPORTED naming the type', (_what, spec, named) => {
    const r = parseCsr(opensslCsr(spec).csr);
    expect(r.error?.code).toBe('KEY_UNSUPPORTED');
    expect(r.error?.message).toContain(named);
  });

  it.each([
    ['empty text', ''],
    ['garbage', 'this is not a CSR at all'],
    ['a PEM block of base64 garbage', toPem('CERTIFICATE REQUEST', Buffer.from('definitely not DER'))],
    ['a truncated request', () => toPem('CERTIFICATE REQUEST', pemBlocks(rsa2048)[0]!.der.subarray(0, 200))],
    ['a private key', () => opensslCsr({ newkey: 'rsa:2048' }).key],
  ])('refuses %s as CSR_INVALID', (_what, input) => {
    const text = typeof input === 'function' ? input() : input;
    expect(parseCsr(text).error?.code).toBe('CSR_INVALID');
  });

  it('refuses two requests in one file', () => {
    expect(parseCsr(rsa2048 + rsa3072).error).toEqual({ code: 'CSR_INVALID', message: expect.stringContaining('2 certificate requests') });
  });

  it('refuses a request whose signature does not verify (one signature byte flipped)', () => {
    const der = Buffer.from(pemBlocks(rsa2048)[0]!.der);
    der[der.length - 5] = (der[der.length - 5] as number) ^ 0x01;
    const r = parseCsr(toPem('CERTIFICATE REQUEST', der));
    expect(r.error?.code).toBe('CSR_INVALID');
    expect(r.error?.message).toMatch(/signature/);
  });

  it('refuses a request whose subject was altered after signing', () => {
    const der = Buffer.from(pemBlocks(rsa2048)[0]!.der);
    const at = der.indexOf(Buffer.from('county-a'));
    der.write('county-b', at);
    expect(parseCsr(toPem('CERTIFICATE REQUEST', der)).error?.code).toBe('CSR_INVALID');
  });
});
