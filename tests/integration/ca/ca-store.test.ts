/**
 * The CA on a real store (PGlite, or PostgreSQL with DATABASE_URL): init,
 * issue, renew, revoke, CRL, list, backup and restore, with OpenSSL judging
 * the certificates and CRLs, and the failure cases leaving nothing behind.
 */
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackup, readBackup, restoreBackup } from '../../../src/ca/ca-backup.js';
import type { CaContext } from '../../../src/ca/ca-context.js';
import { initCa } from '../../../src/ca/ca-init.js';
import { unlockCa, type UnlockedCa } from '../../../src/ca/ca-unlock.js';
import { issueCertificate, planIssue, type IssueRequest } from '../../../src/ca/issue-certificate.js';
import { listCertificatePage, type CertificateView } from '../../../src/ca/list-certificates.js';
import { publishCrl } from '../../../src/ca/publish-crl.js';
import { renewCertificate } from '../../../src/ca/renew-certificate.js';
import { revokeCertificate } from '../../../src/ca/revoke-certificate.js';
import { fixedClock } from '../../../src/core/clock.js';
import type { ErrorCode } from '../../../src/core/errors.js';
import { codeOf } from '../../helpers/error-code.js';
import { identityFromSubjectAltName } from '../../../src/pki/identity.js';
import { getCa, getCertificate } from '../../../src/store/repos/certificates-repo.js';
import type { Store } from '../../../src/store/store.js';
import { createTestStore, type TestStore } from '../../helpers/store-fixture.js';
import { openssl, opensslCsr, tempDir, writePem } from '../../unit/ca/openssl-helpers.js';

const PASS = 'correct horse battery staple';
const BACKUP_PASS = 'another long backup passphrase';
const DAY = 86_400_000;

async function addPartner(store: Store, id: string): Promise<void> {
  await store.query(`INSERT INTO partners (partner_id, display_name, kind) VALUES ($1, $1, 'child_county')`, [id]);
}

const count = async (store: Store): Promise<number> =>
  Number((await store.query<{ n: string }>('SELECT count(*) AS n FROM certificates')).rows[0]!.n);

describe('the CA on the store', () => {
  let ts: TestStore;
  let ctx: CaContext;
  let ca: UnlockedCa;
  const clock = fixedClock(new Date());
  const dir = tempDir();
  let caFile: string;

  beforeAll(async () => {
    ts = await createTestStore();
    ctx = { store: ts.store, federation: 'demo', nodeId: 'city', clock };
    for (const id of ['county-a', 'county-b', 'county-c']) await addPartner(ts.store, id);
  });
  afterAll(async () => ts?.cleanup());

  describe('init and unlock', () => {
    it('unlocking before init is CA_NOT_FOUND', async () => {
      expect(await codeOf(() => unlockCa(ts.store, 'demo', PASS))).toBe('CA_NOT_FOUND');
    });

    it('a passphrase under 12 characters is KEY_WEAK and creates nothing', async () => {
      expect(await codeOf(() => initCa(ctx, { passphrase: 'too short' }))).toBe('KEY_WEAK');
      expect(await getCa(ts.store)).toBeUndefined();
    });

    it('creates the CA with its key encrypted at rest', async () => {
      const facts = await initCa(ctx, { passphrase: PASS, commonName: 'demo test CA', validDays: 3650 });
      expect(facts).toMatchObject({ federation: 'demo', subject: 'CN=demo test CA, O=demo', crl: null });
      const row = (await getCa(ts.store))!;
      expect(row.keyPem).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
      expect(row.keyPem).not.toContain('BEGIN PRIVATE KEY');
      const cert = new X509Certificate(row.certPem);
      expect(cert.ca).toBe(true);
      expect(cert.subjectAltName).toBe('URI:spiffe://demo');
      caFile = writePem(dir, 'ca.pem', row.certPem);
      // OpenSSL opens the stored key with the passphrase and sees AES-256-CBC PBES2
      const keyFile = writePem(dir, 'ca.key', row.keyPem);
      const passFile = writePem(dir, 'ca.pass', `${PASS}\n`);
      expect(openssl(['pkey', '-in', keyFile, '-passin', `file:${passFile}`, '-noout']).status).toBe(0);
      expect(openssl(['asn1parse', '-in', keyFile]).output).toMatch(/aes-256-cbc/);
    });

    it('a second init is CA_EXISTS and changes nothing', async () => {
      const before = (await getCa(ts.store))!.certPem;
      expect(await codeOf(() => initCa(ctx, { passphrase: PASS }))).toBe('CA_EXISTS');
      expect((await getCa(ts.store))!.certPem).toBe(before);
    });

    it('a wrong passphrase is CA_PASSPHRASE_WRONG; another federation is refused', async () => {
      expect(await codeOf(() => unlockCa(ts.store, 'demo', `${PASS}x`))).toBe('CA_PASSPHRASE_WRONG');
      expect(await codeOf(() => unlockCa(ts.store, 'other', PASS))).toBe('CERT_INVALID');
      ca = await unlockCa(ts.store, 'demo', PASS);
      expect(ca.ca.federation).toBe('demo');
    });
  });

  describe('issue', () => {
    it('issues a tls certificate from an openssl req -newkey rsa:3072 CSR that OpenSSL verifies', async () => {
      const { csr } = opensslCsr({ newkey: 'rsa:3072', subject: '/CN=county-a' });
      const issued = await issueCertificate(ctx, ca, { profile: 'tls', id: 'county-a', key: { kind: 'csr', pem: csr }, dnsNames: ['county-a.example'], ipAddresses: ['10.0.0.1'] });
      const cert = new X509Certificate(issued.row.certPem);
      expect(cert.subjectAltName).toBe('URI:spiffe://demo/partner/county-a, DNS:county-a, DNS:county-a.example, IP Address:10.0.0.1');
      expect(identityFromSubjectAltName(cert.subjectAltName).value).toEqual({ federation: 'demo', kind: 'partner', id: 'county-a' });
      expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
      expect(cert.serialNumber.toLowerCase()).toBe(issued.row.serial);
      expect(issued.privateKey).toBeUndefined();
      expect(issued.row).toMatchObject({ partnerId: 'county-a', profile: 'tls', status: 'valid', renewedFrom: null });
      expect(issued.row.notAfter.getTime() - clock.now().getTime()).toBe(365 * DAY - (clock.now().getTime() % 1000));
      const certFile = writePem(dir, 'county-a.pem', issued.row.certPem);
      expect(openssl(['verify', '-CAfile', caFile, certFile]).output).toContain(`${certFile}: OK`);
      expect(await getCertificate(ts.store, issued.row.serial)).toEqual(issued.row);
    });

    it('generates the key for admin and verdict certificates, which need no registry row', async () => {
      const admin = await issueCertificate(ctx, ca, { profile: 'admin', id: 'ops', key: { kind: 'generate' } });
      expect(admin.privateKey?.asymmetricKeyDetails?.modulusLength).toBe(3072);
      const adminCert = new X509Certificate(admin.row.certPem);
      expect(adminCert.subjectAltName).toBe('URI:spiffe://demo/admin/ops');
      expect(adminCert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
      expect(admin.row.notAfter.getTime() - admin.row.notBefore.getTime()).toBeGreaterThanOrEqual(90 * DAY);

      const verdict = await issueCertificate(ctx, ca, { profile: 'verdict', id: 'county-b', key: { kind: 'generate' } });
      expect(new X509Certificate(verdict.row.certPem).subjectAltName).toBe('URI:spiffe://demo/partner/county-b/verdict');
    });

    it("issues this node's own gateway certificate without a registry row", async () => {
      const own = await issueCertificate(ctx, ca, { profile: 'tls', id: 'city', key: { kind: 'generate' } });
      expect(own.row.partnerId).toBe('city');
    });

    const refusals: Array<[string, () => IssueRequest, ErrorCode]> = [
      ['an unknown partner', () => ({ profile: 'tls', id: 'county-z', key: { kind: 'generate' } }), 'PARTNER_NOT_FOUND'],
      ['an unknown partner (verdict profile)', () => ({ profile: 'verdict', id: 'county-z', key: { kind: 'generate' } }), 'PARTNER_NOT_FOUND'],
      ['a malformed partner id', () => ({ profile: 'tls', id: 'County A', key: { kind: 'generate' } }), 'PARTNER_NOT_FOUND'],
      ['a CSR naming another partner (CN)', () => ({ profile: 'tls', id: 'county-b', key: { kind: 'csr', pem: opensslCsr({ newkey: 'rsa:2048', subject: '/CN=county-a' }).csr } }), 'CERT_IDENTITY_MISMATCH'],
      [
        'a CSR naming another partner (URI SAN)',
        () => ({ profile: 'tls', id: 'county-b', key: { kind: 'csr', pem: opensslCsr({ newkey: 'rsa:2048', subject: '/O=x', addext: 'subjectAltName=URI:spiffe://demo/partner/county-c' }).csr } }),
        'CERT_IDENTITY_MISMATCH',
      ],
      ['a 1024-bit CSR', () => ({ profile: 'tls', id: 'county-b', key: { kind: 'csr', pem: opensslCsr({ newkey: 'rsa:1024', subject: '/CN=county-b' }).csr } }), 'KEY_WEAK'],
      ['an EC CSR', () => ({ profile: 'tls', id: 'county-b', key: { kind: 'csr', pem: opensslCsr({ newkey: 'ec', pkeyopt: 'ec_paramgen_curve:P-256', subject: '/CN=county-b' }).csr } }), 'KEY_UNSUPPORTED'],
      ['a garbage CSR', () => ({ profile: 'tls', id: 'county-b', key: { kind: 'csr', pem: 'garbage' } }), 'CSR_INVALID'],
      ['a DNS name on an admin certificate', () => ({ profile: 'admin', id: 'ops', key: { kind: 'generate' }, dnsNames: ['x.example'] }), 'CERT_INVALID'],
      ['a malformed DNS name', () => ({ profile: 'tls', id: 'county-b', key: { kind: 'generate' }, dnsNames: ['bad name'] }), 'CERT_INVALID'],
    ];
    it.each(refusals)('refuses %s, and records and calls nothing', async (_what, request, code) => {
      const before = await count(ts.store);
      let recorded = false;
      const req = request();
      expect(await codeOf(() => planIssue(ctx, ca, req))).toBe(code);
      expect(await codeOf(() => issueCertificate(ctx, ca, req, { onRecorded: async () => void (recorded = true) }))).toBe(code);
      expect(recorded).toBe(false);
      expect(await count(ts.store)).toBe(before);
    });

    it('a failure while recording (output file) rolls the certificate back', async () => {
      const before = await count(ts.store);
      let serial = '';
      const failing = issueCertificate(ctx, ca, { profile: 'tls', id: 'county-c', key: { kind: 'generate' } }, {
        onRecorded: async (issued) => {
          serial = issued.row.serial;
          throw new Error('disk full');
        },
      });
      await expect(failing).rejects.toThrow('disk full');
      expect(serial).not.toBe('');
      expect(await getCertificate(ts.store, serial)).toBeUndefined();
      expect(await count(ts.store)).toBe(before);
    });

    it('a partner removed from the registry before issuance is PARTNER_NOT_FOUND', async () => {
      await addPartner(ts.store, 'county-gone');
      await ts.store.query(`DELETE FROM partners WHERE partner_id = 'county-gone'`);
      expect(await codeOf(() => issueCertificate(ctx, ca, { profile: 'tls', id: 'county-gone', key: { kind: 'generate' } }))).toBe('PARTNER_NOT_FOUND');
    });
  });

  describe('renew and revoke', () => {
    it('renews with the same key and with a new CSR; the old certificate stays valid (overlap)', async () => {
      const first = await issueCertificate(ctx, ca, { profile: 'tls', id: 'county-c', key: { kind: 'generate' }, validDays: 30, dnsNames: ['c.example'] });
      clock.advance(1000);
      const same = await renewCertificate(ctx, ca, { serial: first.row.serial.toUpperCase(), key: { kind: 'same' } });
      expect(same.renewed.serial).toBe(first.row.serial);
      expect(same.row).toMatchObject({ partnerId: 'county-c', profile: 'tls', renewedFrom: first.row.serial, status: 'valid' });
      const oldCert = new X509Certificate(first.row.certPem);
      const newCert = new X509Certificate(same.row.certPem);
      expect(newCert.publicKey.export({ type: 'spki', format: 'der' })).toEqual(oldCert.publicKey.export({ type: 'spki', format: 'der' }));
      expect(newCert.subjectAltName).toBe(oldCert.subjectAltName);
      expect(Math.round((same.row.notAfter.getTime() - same.row.notBefore.getTime()) / DAY)).toBe(30);

      const { csr } = opensslCsr({ newkey: 'rsa:3072', subject: '/CN=county-c' });
      const rekeyed = await renewCertificate(ctx, ca, { serial: same.row.serial, key: { kind: 'csr', pem: csr }, validDays: 60 });
      expect(rekeyed.row.renewedFrom).toBe(same.row.serial);
      expect(new X509Certificate(rekeyed.row.certPem).publicKey.equals(oldCert.publicKey)).toBe(false);

      const views = (await listCertificatePage(ts.store, clock, { partnerId: 'county-c' })).certificates;
      expect(views.map((v) => v.status)).toEqual(['valid', 'valid', 'valid']);
    });

    it('renewing an unknown serial is CERT_NOT_FOUND; a CSR of another partner is CERT_IDENTITY_MISMATCH', async () => {
      expect(await codeOf(() => renewCertificate(ctx, ca, { serial: '0badc0de', key: { kind: 'same' } }))).toBe('CERT_NOT_FOUND');
      expect(await codeOf(() => renewCertificate(ctx, ca, { serial: 'not hex', key: { kind: 'same' } }))).toBe('CERT_NOT_FOUND');
      const [c] = (await listCertificatePage(ts.store, clock, { partnerId: 'county-c' })).certificates;
      const { csr } = opensslCsr({ newkey: 'rsa:2048', subject: '/CN=county-a' });
      expect(await codeOf(() => renewCertificate(ctx, ca, { serial: c!.serial, key: { kind: 'csr', pem: csr } }))).toBe('CERT_IDENTITY_MISMATCH');
    });

    it('revokes with a reason, publishes a CRL listing it, and OpenSSL agrees', async () => {
      const a = await issueCertificate(ctx, ca, { profile: 'tls', id: 'county-b', key: { kind: 'generate' } });
      const b = await issueCertificate(ctx, ca, { profile: 'tls', id: 'county-b', key: { kind: 'generate' } });
      const revocation = await revokeCertificate(ctx, ca, a.row.serial, 'keyCompromise');
      expect(revocation.certificate).toMatchObject({ serial: a.row.serial, status: 'revoked', revocationReason: 'keyCompromise' });
      expect(await getCertificate(ts.store, a.row.serial)).toMatchObject({ status: 'revoked', revocationReason: 'keyCompromise', revokedAt: clock.now() });
      expect(revocation.crl.number).toBe(1n);
      expect(revocation.crl.nextUpdate.getTime() - revocation.crl.thisUpdate.getTime()).toBe(7 * DAY);

      const crlFile = writePem(dir, 'crl-1.pem', revocation.crl.pem);
      const revokedFile = writePem(dir, 'revoked.pem', a.row.certPem);
      const goodFile = writePem(dir, 'good.pem', b.row.certPem);
      expect(openssl(['crl', '-in', crlFile, '-noout', '-text']).output).toContain(a.row.serial.toUpperCase());
      const bad = openssl(['verify', '-crl_check', '-CAfile', caFile, '-CRLfile', crlFile, revokedFile]);
      expect(bad.status).not.toBe(0);
      expect(bad.output).toContain('certificate revoked');
      expect(openssl(['verify', '-crl_check', '-CAfile', caFile, '-CRLfile', crlFile, goodFile]).output).toContain(`${goodFile}: OK`);

      expect(await codeOf(() => revokeCertificate(ctx, ca, a.row.serial, 'superseded'))).toBe('CERT_INVALID');
      expect(await codeOf(() => renewCertificate(ctx, ca, { serial: a.row.serial, key: { kind: 'same' } }))).toBe('CERT_INVALID');
      expect(await codeOf(() => revokeCertificate(ctx, ca, 'ffff', 'superseded'))).toBe('CERT_NOT_FOUND');
    });

    it('each published CRL has the next number and lists every revocation', async () => {
      const crl = await publishCrl(ctx, ca, { validMs: 2 * DAY });
      expect(crl.number).toBe(2n);
      expect(crl.revoked).toBe(1);
      expect(crl.nextUpdate.getTime() - crl.thisUpdate.getTime()).toBe(2 * DAY);
      const row = (await getCa(ts.store))!;
      expect(row).toMatchObject({ nextCrlNumber: 3n, crlPem: crl.pem, crlThisUpdate: crl.thisUpdate, crlNextUpdate: crl.nextUpdate });
      const text = openssl(['crl', '-in', writePem(dir, 'crl-2.pem', crl.pem), '-noout', '-text', '-CAfile', caFile]).output;
      expect(text).toMatch(/verify OK/);
      expect(text).toMatch(/CRL Number:\s+2/);
    });
  });

  describe('list', () => {
    it('pages through every certificate in not-after order with opaque tokens', async () => {
      const all: CertificateView[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await listCertificatePage(ts.store, clock, { pageSize: 2, ...(token ? { pageToken: token } : {}) });
        expect(page.certificates.length).toBeLessThanOrEqual(2);
        all.push(...page.certificates);
        token = page.nextPageToken;
        pages++;
      } while (token);
      const total = await count(ts.store);
      expect(all).toHaveLength(total);
      expect(pages).toBe(Math.ceil(total / 2));
      expect(new Set(all.map((c) => c.serial)).size).toBe(total);
      const keys = all.map((c) => `${c.notAfter}|${c.serial}`);
      expect(keys).toEqual([...keys].sort());
    });

    it('refuses a token of another listing', async () => {
      const page = await listCertificatePage(ts.store, clock, { pageSize: 1, partnerId: 'county-c' });
      expect(page.nextPageToken).toBeDefined();
      expect(await codeOf(() => listCertificatePage(ts.store, clock, { pageSize: 1, pageToken: page.nextPageToken }))).toBe('PAGE_TOKEN_INVALID');
      expect(await codeOf(() => listCertificatePage(ts.store, clock, { pageToken: 'garbage!' }))).toBe('PAGE_TOKEN_INVALID');
    });

    it('--expiring 30d lists a 10-day certificate and not a 90-day one, by the injected clock', async () => {
      await addPartner(ts.store, 'county-exp');
      const short = await issueCertificate(ctx, ca, { profile: 'tls', id: 'county-exp', key: { kind: 'generate' }, validDays: 10 });
      const long = await issueCertificate(ctx, ca, { profile: 'tls', id: 'county-exp', key: { kind: 'generate' }, validDays: 90 });
      const expiring = async () =>
        (await listCertificatePage(ts.store, clock, { partnerId: 'county-exp', expiringMs: 30 * DAY })).certificates.map((c) => [c.serial, c.daysLeft]);
      expect(await expiring()).toEqual([[short.row.serial, 10]]);
      clock.advance(70 * DAY);
      // the 10-day certificate has expired (no longer "expiring"); the 90-day one has 20 days left
      expect(await expiring()).toEqual([[long.row.serial, 20]]);
      const all = (await listCertificatePage(ts.store, clock, { partnerId: 'county-exp' })).certificates;
      expect(all.map((c) => c.status)).toEqual(['expired', 'valid']);
      clock.advance(-70 * DAY);
    });
  });

  describe('backup and restore', () => {
    let backup: string;
    let target: TestStore;
    beforeAll(async () => {
      target = await createTestStore();
    });
    afterAll(async () => target?.cleanup());

    it('backs up the CA and every certificate, encrypted', async () => {
      expect(await codeOf(() => createBackup(ctx, 'short'))).toBe('KEY_WEAK');
      const { text, summary } = await createBackup(ctx, BACKUP_PASS);
      backup = text;
      expect(summary).toMatchObject({ federation: 'demo', certificates: await count(ts.store), revoked: 1 });
      expect(text).not.toContain('BEGIN');
      expect(text).not.toContain('county-a');
    });

    it('a wrong backup passphrase is CA_PASSPHRASE_WRONG before anything is written', async () => {
      expect(await codeOf(() => readBackup(backup, 'wrong wrong wrong'))).toBe('CA_PASSPHRASE_WRONG');
      expect(await getCa(target.store)).toBeUndefined();
    });

    it('restores into a fresh store: the same certificates, and the CA still signs', async () => {
      const targetCtx: CaContext = { store: target.store, federation: 'demo', nodeId: 'city', clock };
      const result = await restoreBackup(targetCtx, await readBackup(backup, BACKUP_PASS));
      expect(result.certificates).toBe(await count(ts.store));
      expect(result.partnersNotInRegistry).toEqual(['county-a', 'county-b', 'county-c', 'county-exp']);
      const list = async (s: Store) => (await listCertificatePage(s, clock, { pageSize: 1000 })).certificates;
      expect(await list(target.store)).toEqual(await list(ts.store));
      expect(await getCa(target.store)).toEqual(await getCa(ts.store));

      const restoredCa = await unlockCa(target.store, 'demo', PASS);
      await addPartner(target.store, 'county-a');
      const fresh = await issueCertificate(targetCtx, restoredCa, { profile: 'tls', id: 'county-a', key: { kind: 'generate' } });
      expect(openssl(['verify', '-CAfile', caFile, writePem(dir, 'after-restore.pem', fresh.row.certPem)]).output).toMatch(/: OK/);
      const crl = await publishCrl(targetCtx, restoredCa);
      expect(crl.number).toBe(3n); // continues the CRL numbering of the backed-up CA
    });

    it('refuses to overwrite a CA without --force, replaces it with force', async () => {
      const targetCtx: CaContext = { store: target.store, federation: 'demo', nodeId: 'city', clock };
      const content = await readBackup(backup, BACKUP_PASS);
      const before = await count(target.store);
      expect(await codeOf(() => restoreBackup(targetCtx, content))).toBe('CA_EXISTS');
      expect(await count(target.store)).toBe(before);
      const result = await restoreBackup(targetCtx, content, { force: true });
      expect(await count(target.store)).toBe(result.certificates);
      expect(before).toBe(result.certificates + 1);
    });

    it('refuses a backup of another federation', async () => {
      const otherCtx: CaContext = { store: target.store, federation: 'other', nodeId: 'city', clock };
      expect(await codeOf(async () => restoreBackup(otherCtx, await readBackup(backup, BACKUP_PASS), { force: true }))).toBe('CERT_INVALID');
    });
  });
});
