// Signing and verifying verdicts with real certificates from the dev CA code:
// a verdict signed by VerdictSigner verifies; every kind of tampering fails
// with its reason; validity is judged at issued_at, so verdicts survive the
// rotation and expiry of their signer; revocation counts only before
// issued_at (except for a key compromise); the signer refuses to load a
// certificate or key that would make unverifiable verdicts.
import { X509Certificate as X509 } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import { CredfedError } from '../../../src/core/errors.js';
import { base64urlEncode } from '../../../src/core/verdicts/jws.js';
import { Verdict } from '../../../src/gen/credfed/v1/verdict.js';
import { createCrl, type RevocationReason } from '../../../src/pki/crl.js';
import { VerdictSigner } from '../../../src/pki/verdict-signer.js';
import { verifyVerdict } from '../../../src/pki/verdict-verify.js';
import { at, craftJws, FEDERATION, makeCa, makeLeaf, NODE, sampleVerdict, tempDir, type Ca, type Leaf } from './verdict-pki.js';

const dir = tempDir();
let ca: Ca; // the federation CA
let otherCa: Ca; // another region's CA
let copyCa: Ca; // a CA with the same subject name as `ca`, other key
let signerCert: Leaf; // county-a's verdict certificate, issued T0, 30 days
let renewedCert: Leaf; // its renewal, issued T0 + 25 days
let otherLeaf: Leaf; // county-a verdict certificate from otherCa
let copyLeaf: Leaf; // county-a verdict certificate from copyCa
let tlsLeaf: Leaf; // county-a's TLS certificate from ca
let signer: VerdictSigner;

const clockAt = (days: number) => fixedClock(at(days));
const load = (leaf: Leaf, over: Partial<Parameters<typeof VerdictSigner.load>[0]> = {}) =>
  VerdictSigner.load({ certFile: leaf.certFile, keyFile: leaf.keyFile, caFile: ca.file, federation: FEDERATION, nodeId: NODE, clock: clockAt(1), ...over });
const verify = (jws: string, opts: { trust?: string[]; crls?: string[]; now?: Date } = {}) =>
  verifyVerdict(jws, { trust: opts.trust ?? [ca.certPem], ...(opts.crls ? { crls: opts.crls } : {}), now: opts.now ?? at(1) });
const reason = (r: ReturnType<typeof verifyVerdict>) => r.error?.reason ?? 'OK';

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (e) {
    if (e instanceof CredfedError) return e.code;
    throw e;
  }
}

beforeAll(async () => {
  [ca, otherCa, copyCa] = await Promise.all([makeCa(dir, 'ca'), makeCa(dir, 'other-ca'), makeCa(dir, 'copy-ca', 'credfed demo ca CA')]);
  [signerCert, renewedCert, otherLeaf, copyLeaf, tlsLeaf] = await Promise.all([
    makeLeaf(dir, 'county-a-verdict', ca),
    makeLeaf(dir, 'county-a-verdict-renewed', ca, { issuedAt: at(25) }),
    makeLeaf(dir, 'other-verdict', otherCa),
    makeLeaf(dir, 'copy-verdict', copyCa),
    makeLeaf(dir, 'county-a-tls', ca, { usage: 'node' }),
  ]);
  signer = await load(signerCert);
});

describe('sign → verify', () => {
  it('verifies a signed verdict, reporting the signer and that it is current', () => {
    const signed = signer.sign(sampleVerdict());
    const r = verify(signed.jws);
    expect(reason(r)).toBe('OK');
    expect(r.value!.verdict).toEqual(signed.verdict);
    expect(r.value!.verdict.subjectName).toBe('沈阳某某建设有限公司');
    expect(r.value!.signer).toMatchObject({ issuer: NODE, federation: FEDERATION, serial: signerCert.serialHex, notAfter: signerCert.notAfter.toISOString() });
    expect(r.value!.signer.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(r.value!.current).toBe(true);
  });

  it('the payload is the JSON of Verdict.toJSON and the header lists the leaf then its CA', () => {
    const v = sampleVerdict();
    const [h, p] = signer.sign(v).jws.split('.') as [string, string];
    expect(Buffer.from(p, 'base64url').toString('utf8')).toBe(JSON.stringify(Verdict.toJSON(v)));
    const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg: string; typ: string; x5c: string[] };
    expect(Object.keys(header)).toEqual(['alg', 'typ', 'x5c']);
    expect(header.alg).toBe('PS256');
    expect(header.typ).toBe('credfed-verdict+json');
    expect(header.x5c).toHaveLength(2);
    expect(Buffer.from(header.x5c[0]!, 'base64').equals(Buffer.from(signerCert.certPem.replace(/-----[^-]+-----|\s/g, ''), 'base64'))).toBe(true);
  });

  it('reports a verdict past valid_until as not current, still verified', () => {
    const r = verify(signer.sign(sampleVerdict()).jws, { now: at(2) });
    expect(reason(r)).toBe('OK');
    expect(r.value!.current).toBe(false);
  });

  it('verifies with the CA in a bundle of several, and with the CA also in x5c', () => {
    expect(reason(verify(signer.sign(sampleVerdict()).jws, { trust: [`${otherCa.certPem}${ca.certPem}`] }))).toBe('OK');
  });

  it('two signatures of one verdict differ (PSS salt) and both verify', () => {
    const a = signer.sign(sampleVerdict()).jws;
    const b = signer.sign(sampleVerdict()).jws;
    expect(a).not.toBe(b);
    expect(reason(verify(a))).toBe('OK');
    expect(reason(verify(b))).toBe('OK');
  });
});

describe('tampering fails', () => {
  let jws: string;
  let parts: [string, string, string];
  beforeAll(() => {
    jws = signer.sign(sampleVerdict()).jws;
    parts = jws.split('.') as [string, string, string];
  });

  it('a changed payload byte: SIGNATURE_INVALID', () => {
    const payload = Buffer.from(parts[1], 'base64url');
    const i = payload.indexOf('GOOD');
    payload.write('DISH', i); // CREDIT_LEVEL_GOOD → CREDIT_LEVEL_DISH…: any change
    payload[i + 1] = payload[i + 1]! ^ 0x01;
    expect(reason(verify([parts[0], base64urlEncode(payload), parts[2]].join('.')))).toBe('SIGNATURE_INVALID');
  });

  it('the level rewritten to another valid level: SIGNATURE_INVALID', () => {
    const json = Buffer.from(parts[1], 'base64url').toString('utf8').replace('CREDIT_LEVEL_GOOD', 'CREDIT_LEVEL_TRUSTWORTHY');
    expect(reason(verify([parts[0], base64urlEncode(json), parts[2]].join('.')))).toBe('SIGNATURE_INVALID');
  });

  it('the payload re-serialised with the same content: SIGNATURE_INVALID (the received bytes are what counts)', () => {
    const reserialised = JSON.stringify(JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')), null, 1);
    expect(reason(verify([parts[0], base64urlEncode(reserialised), parts[2]].join('.')))).toBe('SIGNATURE_INVALID');
  });

  it('a changed header (extra member, same certificates): SIGNATURE_INVALID', () => {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(reason(verify([base64urlEncode(JSON.stringify({ ...header, kid: 'x' })), parts[1], parts[2]].join('.')))).toBe('SIGNATURE_INVALID');
  });

  it('alg changed to RS256 or none: ALG_NOT_ALLOWED', () => {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as Record<string, unknown>;
    for (const alg of ['RS256', 'none']) {
      expect(reason(verify([base64urlEncode(JSON.stringify({ ...header, alg })), parts[1], parts[2]].join('.')))).toBe('ALG_NOT_ALLOWED');
    }
  });

  it("another verdict's signature: SIGNATURE_INVALID", () => {
    const other = signer.sign(sampleVerdict({ verdictId: 'v-0002' })).jws.split('.')[2]!;
    expect(reason(verify([parts[0], parts[1], other].join('.')))).toBe('SIGNATURE_INVALID');
  });

  it('a truncated signature or a missing part: SIGNATURE_INVALID / JWS_MALFORMED', () => {
    expect(reason(verify([parts[0], parts[1], parts[2].slice(0, 40)].join('.')))).toBe('SIGNATURE_INVALID');
    expect(reason(verify(`${parts[0]}.${parts[1]}`))).toBe('JWS_MALFORMED');
  });

  it('an x5c entry that is not a certificate: CERT_MALFORMED', () => {
    const header = { alg: 'PS256', typ: 'credfed-verdict+json', x5c: [Buffer.from('junk').toString('base64')] };
    expect(reason(verify(craftJws(signerCert.keyPem, [], sampleVerdict(), header)))).toBe('CERT_MALFORMED');
  });
});

describe('the signer is checked', () => {
  it('a leaf from another CA: CHAIN_UNTRUSTED', () => {
    expect(reason(verify(craftJws(otherLeaf.keyPem, [otherLeaf.certPem, otherCa.certPem], sampleVerdict())))).toBe('CHAIN_UNTRUSTED');
  });

  it('a leaf from another CA that lists the trusted CA as its issuer in x5c: CHAIN_UNTRUSTED', () => {
    expect(reason(verify(craftJws(otherLeaf.keyPem, [otherLeaf.certPem, ca.certPem], sampleVerdict())))).toBe('CHAIN_UNTRUSTED');
  });

  it('a leaf from a CA that copies the trusted CA name (bound by key, not name): CHAIN_UNTRUSTED', () => {
    expect(new X509(copyCa.certPem).subject).toBe(new X509(ca.certPem).subject);
    expect(reason(verify(craftJws(copyLeaf.keyPem, [copyLeaf.certPem, copyCa.certPem], sampleVerdict())))).toBe('CHAIN_UNTRUSTED');
    expect(reason(verify(craftJws(copyLeaf.keyPem, [copyLeaf.certPem], sampleVerdict())))).toBe('CHAIN_UNTRUSTED');
  });

  it('a leaf from another CA verifies when that CA is trusted', () => {
    expect(reason(verify(craftJws(otherLeaf.keyPem, [otherLeaf.certPem, otherCa.certPem], sampleVerdict()), { trust: [otherCa.certPem] }))).toBe('OK');
  });

  it('a TLS certificate of the trusted CA used as signer: NOT_A_VERDICT_CERT', () => {
    expect(reason(verify(craftJws(tlsLeaf.keyPem, [tlsLeaf.certPem, ca.certPem], sampleVerdict())))).toBe('NOT_A_VERDICT_CERT');
  });

  it('the CA itself used as signer: CHAIN_UNTRUSTED', () => {
    const caKey = ca.loaded.key.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(reason(verify(craftJws(caKey, [ca.certPem], sampleVerdict())))).toBe('CHAIN_UNTRUSTED');
  });

  it('another issuer or federation in the body: ISSUER_MISMATCH', () => {
    expect(reason(verify(craftJws(signerCert.keyPem, [signerCert.certPem, ca.certPem], sampleVerdict({ issuer: 'city' }))))).toBe('ISSUER_MISMATCH');
    expect(reason(verify(craftJws(signerCert.keyPem, [signerCert.certPem, ca.certPem], sampleVerdict({ federation: 'liaoning' }))))).toBe('ISSUER_MISMATCH');
  });

  it('issued_at before the signer certificate or after it expired: CERT_NOT_VALID_AT_ISSUE', () => {
    const x5c = [signerCert.certPem, ca.certPem];
    expect(reason(verify(craftJws(signerCert.keyPem, x5c, sampleVerdict({}, at(-1)))))).toBe('CERT_NOT_VALID_AT_ISSUE');
    expect(reason(verify(craftJws(signerCert.keyPem, x5c, sampleVerdict({}, at(31))), { now: at(31) }))).toBe('CERT_NOT_VALID_AT_ISSUE');
  });

  it('issued_at before the CA existed: CERT_NOT_VALID_AT_ISSUE', () => {
    // a signer issued (backdated) before its CA: the leaf is valid at issued_at, the CA is not
    expect(reason(verify(craftJws(signerCert.keyPem, [signerCert.certPem, ca.certPem], sampleVerdict({}, at(-2)))))).toBe('CERT_NOT_VALID_AT_ISSUE');
  });

  it('a payload that is no verdict: PAYLOAD_INVALID', () => {
    const x5c = [signerCert.certPem, ca.certPem];
    for (const payload of [
      'not json',
      '[1]',
      JSON.stringify(Verdict.toJSON(sampleVerdict({ format: 2 }))),
      JSON.stringify(Verdict.toJSON(sampleVerdict({ validUntil: at(0).toISOString() }))),
      JSON.stringify(Verdict.toJSON(sampleVerdict({ issuedAt: 'yesterday' }))),
      JSON.stringify(Verdict.toJSON(sampleVerdict({ level: 0 }))),
    ]) {
      expect(reason(verify(craftJws(signerCert.keyPem, x5c, payload))), payload).toBe('PAYLOAD_INVALID');
    }
  });
});

describe('rotation and expiry of the signer', () => {
  it('a verdict issued before the certificate was renewed still verifies after, also past the old not-after', async () => {
    const old = signer.sign(sampleVerdict({ verdictId: 'before-rotation' }, at(20)));
    const renewed = await load(renewedCert, { clock: clockAt(26) });
    const fresh = renewed.sign(sampleVerdict({ verdictId: 'after-rotation' }, at(26)));
    expect(renewed.serial).not.toBe(signer.serial);
    for (const now of [at(26), at(31), at(400)]) {
      const r = verify(old.jws, { now });
      expect(reason(r)).toBe('OK');
      expect(r.value!.signer.serial).toBe(signerCert.serialHex);
      expect(r.value!.current).toBe(false);
    }
    expect(at(31).getTime()).toBeGreaterThan(signerCert.notAfter.getTime());
    expect(reason(verify(fresh.jws, { now: at(26) }))).toBe('OK');
  });
});

describe('revocation', () => {
  const crl = (entries: { serialHex: string; revokedAt: Date; reason: RevocationReason }[], by: Ca = ca) =>
    createCrl({ ca: by.loaded, entries, crlNumber: 7n, thisUpdate: at(10), nextUpdate: at(40) });

  it('revoked after issued_at: still verifies', async () => {
    const jws = signer.sign(sampleVerdict({}, at(5))).jws;
    expect(reason(verify(jws, { crls: [await crl([{ serialHex: signerCert.serialHex, revokedAt: at(6), reason: 'superseded' }])] }))).toBe('OK');
  });

  it('revoked before issued_at: CERT_REVOKED', async () => {
    const jws = craftJws(signerCert.keyPem, [signerCert.certPem, ca.certPem], sampleVerdict({}, at(7)));
    expect(reason(verify(jws, { crls: [await crl([{ serialHex: signerCert.serialHex, revokedAt: at(6), reason: 'superseded' }])] }))).toBe('CERT_REVOKED');
  });

  it('revoked for key compromise, even after issued_at: CERT_REVOKED (issued_at may be forged)', async () => {
    const jws = signer.sign(sampleVerdict({}, at(5))).jws;
    expect(reason(verify(jws, { crls: [await crl([{ serialHex: signerCert.serialHex, revokedAt: at(6), reason: 'keyCompromise' }])] }))).toBe('CERT_REVOKED');
  });

  it('a CRL of another CA listing the serial does not count; a CRL listing others does not either', async () => {
    const jws = craftJws(signerCert.keyPem, [signerCert.certPem, ca.certPem], sampleVerdict({}, at(7)));
    const foreign = await crl([{ serialHex: signerCert.serialHex, revokedAt: at(6), reason: 'superseded' }], otherCa);
    const unrelated = await crl([{ serialHex: tlsLeaf.serialHex, revokedAt: at(6), reason: 'superseded' }]);
    expect(reason(verify(jws, { crls: [foreign, unrelated] }))).toBe('OK');
  });

  it('a CRL that does not parse: CRL_INVALID', () => {
    const jws = signer.sign(sampleVerdict()).jws;
    expect(reason(verify(jws, { crls: ['-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n'] }))).toBe('CRL_INVALID');
  });
});

describe('VerdictSigner.load', () => {
  it('exposes the certificate, its not-after and serial', () => {
    expect(signer.certificatePem.replace(/\s+/g, '')).toBe(signerCert.certPem.replace(/\s+/g, ''));
    expect(signer.notAfter.getTime()).toBe(signerCert.notAfter.getTime());
    expect(signer.serial).toBe(signerCert.serialHex);
  });

  it('finds the issuing CA in a bundle of several certificates', async () => {
    const bundle = path.join(dir, 'bundle.crt');
    fs.writeFileSync(bundle, `${otherCa.certPem}${copyCa.certPem}${ca.certPem}`);
    const s = await load(signerCert, { caFile: bundle });
    expect(reason(verify(s.sign(sampleVerdict()).jws))).toBe('OK');
  });

  it.each<[string, () => Partial<Parameters<typeof VerdictSigner.load>[0]>, string]>([
    ['a missing certificate file', () => ({ certFile: path.join(dir, 'nope.crt') }), 'VERDICT_SIGNER_MISSING'],
    ['a missing key file', () => ({ keyFile: path.join(dir, 'nope.key') }), 'VERDICT_SIGNER_MISSING'],
    ['a missing CA file', () => ({ caFile: path.join(dir, 'nope-ca.crt') }), 'VERDICT_SIGNER_MISSING'],
    ['the key of another certificate', () => ({ keyFile: otherLeaf.keyFile }), 'VERDICT_SIGNER_INVALID'],
    ['a TLS certificate', () => ({ certFile: tlsLeaf.certFile, keyFile: tlsLeaf.keyFile }), 'VERDICT_SIGNER_INVALID'],
    ['another node id', () => ({ nodeId: 'county-b' }), 'VERDICT_SIGNER_INVALID'],
    ['another federation', () => ({ federation: 'liaoning' }), 'VERDICT_SIGNER_INVALID'],
    ['a CA file without its issuer', () => ({ caFile: otherCa.file }), 'VERDICT_SIGNER_INVALID'],
    ['a CA file with only a same-named CA', () => ({ caFile: copyCa.file }), 'VERDICT_SIGNER_INVALID'],
    ['an expired certificate', () => ({ clock: clockAt(31) }), 'VERDICT_SIGNER_INVALID'],
    ['a certificate file holding a key', () => ({ certFile: signerCert.keyFile }), 'VERDICT_SIGNER_INVALID'],
  ])('refuses %s', async (_, over, code) => {
    expect(await codeOf(load(signerCert, over()))).toBe(code);
  });
});

describe('VerdictSigner.sign refuses a verdict a verifier would refuse', () => {
  it.each<[string, () => Verdict]>([
    ['another issuer', () => sampleVerdict({ issuer: 'city' })],
    ['another federation', () => sampleVerdict({ federation: 'liaoning' })],
    ['format 0', () => sampleVerdict({ format: 0 })],
    ['no level', () => sampleVerdict({ level: 0 })],
    ['valid_until before issued_at', () => sampleVerdict({ validUntil: at(0).toISOString() })],
    ['issued after the certificate expires', () => sampleVerdict({}, at(31))],
  ])('%s: VERDICT_INVALID', async (_, make) => {
    expect(await codeOf(Promise.resolve().then(() => signer.sign(make())))).toBe('VERDICT_INVALID');
  });
});
