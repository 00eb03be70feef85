// The Admin gRPC service through real mutual TLS against a real gateway whose
// CA lives in its own store: partners, certificates (from OpenSSL CSRs, judged
// by openssl verify), the CA and its CRL, foreign trust anchors — each call's
// success path and refusals (status + credfed-reason trailer), only admin
// certificates admitted, the admin recorded as the actor, and signing refused
// with CA_LOCKED when the gateway holds no CA passphrase.
import fs from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminClient } from '../../../src/gen/credfed/v1/admin.js';
import type { Gateway } from '../../../src/server/gateway.js';
import { createTestStoreConfig, type TestStoreConfig } from '../../helpers/store-fixture.js';
import { openssl, opensslCsr } from '../../unit/ca/openssl-helpers.js';
import { opensslCa } from '../trust-import/openssl-ca.js';
import { adminClient, call, createAdminPki, refusal, startAdminGateway, type AdminPki } from './admin-fixture.js';

const SLOW = 180_000;
const DAY_S = 86_400;

let store: TestStoreConfig;
let pki: AdminPki;
let gateway: Gateway | undefined;
let port: number;
let ops: AdminClient;
let countyA: AdminClient;

const csr = (cn: string, newkey = 'rsa:3072') => opensslCsr({ newkey, subject: `/CN=${cn}` }).csr;

beforeAll(async () => {
  store = await createTestStoreConfig();
  pki = await createAdminPki(store);
  ({ gateway, port } = await startAdminGateway(pki, store, { passphrase: true }));
  ops = await adminClient(pki, 'ops', port);
  countyA = await adminClient(pki, 'county-a', port);
}, SLOW);

afterAll(async () => {
  ops?.close();
  countyA?.close();
  await gateway?.stop();
  await store?.cleanup();
  if (pki) fs.rmSync(pki.dir, { recursive: true, force: true });
});

describe('access', () => {
  it('an admin certificate may call; a partner certificate is PERMISSION_DENIED on every RPC', async () => {
    expect((await call(ops, ops.status, {})).nodeId).toBe('city');
    expect(await refusal(call(countyA, countyA.listPartners, { pageSize: 0, pageToken: '' }))).toEqual({ code: grpc.status.PERMISSION_DENIED, reason: 'PEER_NOT_ALLOWED' });
    expect(await refusal(call(countyA, countyA.addPartner, { partnerId: 'evil', displayName: '', kind: 'child_county', endpoint: '', reason: '' }))).toMatchObject({ code: grpc.status.PERMISSION_DENIED });
    expect(await refusal(call(countyA, countyA.issueCertificate, { csrPem: csr('county-a'), profile: 'tls', partnerId: 'county-a', days: 0, dnsNames: [], ipAddresses: [] }))).toMatchObject({
      code: grpc.status.PERMISSION_DENIED,
    });
    expect(await refusal(call(countyA, countyA.getCa, {}))).toMatchObject({ code: grpc.status.PERMISSION_DENIED });
  }, SLOW);
});

describe('partners', () => {
  it('AddPartner registers with the admin as actor; a duplicate is ALREADY_EXISTS / PARTNER_EXISTS; a bad kind PARTNER_INVALID', async () => {
    const added = await call(ops, ops.addPartner, { partnerId: 'county-b', displayName: '康平县', kind: 'child_county', endpoint: '10.0.0.7:7400', reason: 'joined 2026' });
    expect(added.partner).toMatchObject({ id: 'county-b', displayName: '康平县', kind: 'child_county', endpoint: '10.0.0.7:7400', status: 'active', revision: 1, trustAnchor: '' });
    expect(await refusal(call(ops, ops.addPartner, { partnerId: 'county-b', displayName: '', kind: 'child_county', endpoint: '', reason: '' }))).toEqual({
      code: grpc.status.ALREADY_EXISTS,
      reason: 'PARTNER_EXISTS',
    });
    expect(await refusal(call(ops, ops.addPartner, { partnerId: 'county-c', displayName: '', kind: 'village', endpoint: '', reason: '' }))).toEqual({
      code: grpc.status.INVALID_ARGUMENT,
      reason: 'PARTNER_INVALID',
    });
    expect(await refusal(call(ops, ops.addPartner, { partnerId: 'city', displayName: '', kind: 'child_county', endpoint: '', reason: '' }))).toMatchObject({ reason: 'PARTNER_INVALID' });
    const got = await call(ops, ops.getPartner, { partnerId: 'county-b', historyPageSize: 0, historyPageToken: '' });
    expect(got.history).toEqual([expect.objectContaining({ revision: 1, actor: 'admin/ops', action: 'add', reason: 'joined 2026' })]);
  }, SLOW);

  it('UpdatePartner, SuspendPartner, ResumePartner change and record; GetPartner pages the history', async () => {
    const updated = await call(ops, ops.updatePartner, { partnerId: 'county-b', endpoint: '', expectedRevision: 1, reason: '' });
    expect(updated).toMatchObject({ changed: true, partner: { endpoint: '', revision: 2 } });
    const again = await call(ops, ops.updatePartner, { partnerId: 'county-b', endpoint: '', expectedRevision: 0, reason: '' });
    expect(again.changed).toBe(false);
    expect(await refusal(call(ops, ops.updatePartner, { partnerId: 'county-b', displayName: 'x', expectedRevision: 1, reason: '' }))).toMatchObject({ reason: 'PARTNER_INVALID' });
    expect(await refusal(call(ops, ops.updatePartner, { partnerId: 'nobody', displayName: 'x', expectedRevision: 0, reason: '' }))).toEqual({
      code: grpc.status.NOT_FOUND,
      reason: 'PARTNER_NOT_FOUND',
    });
    expect(await call(ops, ops.suspendPartner, { partnerId: 'county-b', reason: 'audit' })).toMatchObject({ changed: true, partner: { status: 'suspended' } });
    expect((await call(ops, ops.suspendPartner, { partnerId: 'county-b', reason: '' })).changed).toBe(false);
    expect(await call(ops, ops.resumePartner, { partnerId: 'county-b', reason: '' })).toMatchObject({ changed: true, partner: { status: 'active', revision: 4 } });

    const first = await call(ops, ops.getPartner, { partnerId: 'county-b', historyPageSize: 2, historyPageToken: '' });
    expect(first.history.map((c) => c.action)).toEqual(['add', 'update']);
    expect(first.history[1]).toMatchObject({ actor: 'admin/ops', before: { endpoint: '10.0.0.7:7400' }, after: { endpoint: '' } });
    const second = await call(ops, ops.getPartner, { partnerId: 'county-b', historyPageSize: 2, historyPageToken: first.nextHistoryPageToken });
    expect(second.history.map((c) => [c.action, c.actor, c.reason])).toEqual([
      ['suspend', 'admin/ops', 'audit'],
      ['resume', 'admin/ops', ''],
    ]);
    expect(second.nextHistoryPageToken).toBe('');
  }, SLOW);

  it('ListPartners pages with tokens; a foreign token is INVALID_ARGUMENT / PAGE_TOKEN_INVALID', async () => {
    const seen: string[] = [];
    let token = '';
    do {
      const page = await call(ops, ops.listPartners, { pageSize: 1, pageToken: token });
      expect(page.partners.length).toBeLessThanOrEqual(1);
      seen.push(...page.partners.map((p) => p.id));
      token = page.nextPageToken;
    } while (token);
    expect(seen).toEqual(['county-a', 'county-b']);
    expect(await refusal(call(ops, ops.listPartners, { pageSize: 1, pageToken: 'not a token' }))).toEqual({ code: grpc.status.INVALID_ARGUMENT, reason: 'PAGE_TOKEN_INVALID' });
  }, SLOW);
});

describe('certificates and the CA', () => {
  let issuedSerial = '';
  let shortSerial = '';
  const file = (name: string, text: string) => {
    const p = path.join(pki.dir, name);
    fs.writeFileSync(p, text);
    return p;
  };

  it('IssueCertificate from an openssl req -newkey rsa:3072 CSR: a certificate openssl verify accepts', async () => {
    const res = await call(ops, ops.issueCertificate, { csrPem: csr('county-b'), profile: '', partnerId: 'county-b', days: 0, dnsNames: [], ipAddresses: [] });
    expect(res.certificate).toMatchObject({ partnerId: 'county-b', profile: 'tls', status: 'valid', daysLeft: 365 });
    issuedSerial = res.certificate!.serial;
    expect(res.caPem).toBe(fs.readFileSync(pki.caFile, 'utf8'));
    const certFile = file('county-b.crt', res.certificate!.certPem);
    expect(openssl(['verify', '-CAfile', pki.caFile, certFile]).output).toContain(': OK');
    expect(openssl(['x509', '-in', certFile, '-noout', '-ext', 'subjectAltName']).output).toContain('URI:spiffe://demo/partner/county-b');
  }, SLOW);

  it('refuses a malformed CSR (CSR_INVALID), a weak key (KEY_WEAK), an EC key (KEY_UNSUPPORTED), an unknown partner, a bad profile — and issues nothing', async () => {
    const before = (await call(ops, ops.listCertificates, { partnerId: '', expiringWithinSeconds: 0, pageSize: 0, pageToken: '' })).certificates.length;
    const issue = (csrPem: string, partnerId = 'county-b', profile = 'tls') => call(ops, ops.issueCertificate, { csrPem, profile, partnerId, days: 0, dnsNames: [], ipAddresses: [] });
    expect(await refusal(issue('-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n'))).toEqual({ code: grpc.status.INVALID_ARGUMENT, reason: 'CSR_INVALID' });
    expect(await refusal(issue(''))).toEqual({ code: grpc.status.INVALID_ARGUMENT, reason: 'CSR_INVALID' });
    expect(await refusal(issue(csr('county-b', 'rsa:1024')))).toEqual({ code: grpc.status.INVALID_ARGUMENT, reason: 'KEY_WEAK' });
    expect(await refusal(issue(opensslCsr({ newkey: 'ec', pkeyopt: 'ec_paramgen_curve:P-256', subject: '/CN=county-b' }).csr))).toEqual({
      code: grpc.status.INVALID_ARGUMENT,
      reason: 'KEY_UNSUPPORTED',
    });
    expect(await refusal(issue(csr('nobody'), 'nobody'))).toEqual({ code: grpc.status.NOT_FOUND, reason: 'PARTNER_NOT_FOUND' });
    expect(await refusal(issue(csr('county-b'), 'county-b', 'email'))).toEqual({ code: grpc.status.INVALID_ARGUMENT, reason: 'ADMIN_REQUEST_INVALID' });
    const after = (await call(ops, ops.listCertificates, { partnerId: '', expiringWithinSeconds: 0, pageSize: 0, pageToken: '' })).certificates.length;
    expect(after).toBe(before);
  }, SLOW);

  it('ListCertificates filters by partner and by expiring within seconds, and pages', async () => {
    const short = await call(ops, ops.issueCertificate, { csrPem: csr('county-b'), profile: 'tls', partnerId: 'county-b', days: 10, dnsNames: [], ipAddresses: [] });
    shortSerial = short.certificate!.serial;
    const expiring = await call(ops, ops.listCertificates, { partnerId: '', expiringWithinSeconds: 30 * DAY_S, pageSize: 0, pageToken: '' });
    expect(expiring.certificates.map((c) => c.serial)).toEqual([shortSerial]);
    expect(expiring.certificates[0]!.certPem).toBe('');
    const ofB = await call(ops, ops.listCertificates, { partnerId: 'county-b', expiringWithinSeconds: 0, pageSize: 1, pageToken: '' });
    expect(ofB.certificates.map((c) => c.serial)).toEqual([shortSerial]);
    const next = await call(ops, ops.listCertificates, { partnerId: 'county-b', expiringWithinSeconds: 0, pageSize: 1, pageToken: ofB.nextPageToken });
    expect(next.certificates.map((c) => c.serial)).toEqual([issuedSerial]);
    expect(next.nextPageToken).toBe('');
    // a token is bound to its filters
    expect(await refusal(call(ops, ops.listCertificates, { partnerId: '', expiringWithinSeconds: 0, pageSize: 1, pageToken: ofB.nextPageToken }))).toMatchObject({
      reason: 'PAGE_TOKEN_INVALID',
    });
  }, SLOW);

  it('RenewCertificate keeps the key by default; both stay valid', async () => {
    const renewed = await call(ops, ops.renewCertificate, { serial: issuedSerial, csrPem: '', days: 30 });
    expect(renewed.certificate).toMatchObject({ partnerId: 'county-b', renewedFrom: issuedSerial, status: 'valid', daysLeft: 30 });
    const listed = await call(ops, ops.listCertificates, { partnerId: 'county-b', expiringWithinSeconds: 0, pageSize: 0, pageToken: '' });
    expect(listed.certificates.filter((c) => c.status === 'valid')).toHaveLength(3);
    expect(await refusal(call(ops, ops.renewCertificate, { serial: 'ff00', csrPem: '', days: 0 }))).toEqual({ code: grpc.status.NOT_FOUND, reason: 'CERT_NOT_FOUND' });
  }, SLOW);

  it('RevokeCertificate (keyCompromise) publishes a CRL under which openssl refuses the certificate; PublishCrl and GetCa follow', async () => {
    const revoked = await call(ops, ops.revokeCertificate, { serial: shortSerial, reason: 'keyCompromise' });
    expect(revoked.certificate).toMatchObject({ status: 'revoked', revocationReason: 'keyCompromise' });
    const crlFile = file('crl.pem', revoked.crl!.crlPem);
    const shortFile = file('short.crt', revoked.certificate!.certPem);
    expect(openssl(['verify', '-crl_check', '-CAfile', pki.caFile, '-CRLfile', crlFile, shortFile]).output).toContain('certificate revoked');
    expect(openssl(['verify', '-crl_check', '-CAfile', pki.caFile, '-CRLfile', crlFile, path.join(pki.dir, 'county-b.crt')]).output).toContain(': OK');
    expect(await refusal(call(ops, ops.revokeCertificate, { serial: shortSerial, reason: 'keyCompromise' }))).toMatchObject({ reason: 'CERT_INVALID' });
    expect(await refusal(call(ops, ops.revokeCertificate, { serial: issuedSerial, reason: 'lost' }))).toEqual({ code: grpc.status.INVALID_ARGUMENT, reason: 'ADMIN_REQUEST_INVALID' });

    const published = await call(ops, ops.publishCrl, { validSeconds: 2 * DAY_S });
    expect(BigInt(published.crl!.number)).toBe(BigInt(revoked.crl!.number) + 1n);
    expect(published.crl!.revoked).toBe(1);
    expect(published.crl!.nextUpdate!.seconds - published.crl!.thisUpdate!.seconds).toBe(2 * DAY_S);
    expect(await refusal(call(ops, ops.publishCrl, { validSeconds: 10 }))).toMatchObject({ reason: 'ADMIN_REQUEST_INVALID' });

    const ca = await call(ops, ops.getCa, {});
    expect(ca).toMatchObject({ federation: 'demo', certPem: fs.readFileSync(pki.caFile, 'utf8'), crl: { number: published.crl!.number, revoked: 1, crlPem: '' } });
  }, SLOW);
  it('a wrong passphrase in ca.passphraseFile is CA_LOCKED too (read on every signing call)', async () => {
    const good = fs.readFileSync(pki.passphraseFile, 'utf8');
    fs.writeFileSync(pki.passphraseFile, 'not the CA passphrase at all\n');
    try {
      expect(await refusal(call(ops, ops.publishCrl, { validSeconds: 0 }))).toEqual({ code: grpc.status.FAILED_PRECONDITION, reason: 'CA_LOCKED' });
    } finally {
      fs.writeFileSync(pki.passphraseFile, good);
    }
    expect((await call(ops, ops.publishCrl, { validSeconds: 0 })).crl!.revoked).toBe(1);
  }, SLOW);
});

describe('foreign trust anchors', () => {
  it('ImportTrustAnchor binds a peer region by key; ImportCrl refreshes it; ListTrustAnchors lists; refusals carry their reason', async () => {
    await call(ops, ops.addPartner, { partnerId: 'region-b', displayName: 'Region B', kind: 'peer_region', endpoint: '', reason: '' });
    const regionB = opensslCa({ subject: '/O=Region B/CN=Region B Credit CA' });
    const impostor = opensslCa({ subject: '/O=Region B/CN=Region B Credit CA' });
    const firstCrl = regionB.crl();
    expect(await refusal(call(ops, ops.importTrustAnchor, { partnerId: 'region-b', caPem: regionB.caPem, crlPem: impostor.crl(), replace: false, reason: '' }))).toEqual({
      code: grpc.status.INVALID_ARGUMENT,
      reason: 'CRL_INVALID',
    });
    expect(await refusal(call(ops, ops.importTrustAnchor, { partnerId: 'region-b', caPem: fs.readFileSync(pki.caFile, 'utf8'), crlPem: firstCrl, replace: false, reason: '' }))).toMatchObject({
      reason: 'TRUST_ANCHOR_INVALID',
    });
    const imported = await call(ops, ops.importTrustAnchor, { partnerId: 'region-b', caPem: regionB.caPem, crlPem: firstCrl, replace: false, reason: 'cooperation agreement' });
    expect(imported.anchor).toMatchObject({ partnerId: 'region-b', subject: 'O=Region B, CN=Region B Credit CA', state: 'current', importedBy: 'admin/ops' });
    const partner = await call(ops, ops.getPartner, { partnerId: 'region-b', historyPageSize: 0, historyPageToken: '' });
    expect(partner.partner!.trustAnchor).toBe(imported.anchor!.fingerprint);
    expect(partner.history.at(-1)).toMatchObject({ actor: 'admin/ops', reason: 'cooperation agreement', after: { trustAnchor: imported.anchor!.fingerprint } });

    expect(await refusal(call(ops, ops.importTrustAnchor, { partnerId: 'region-b', caPem: impostor.caPem, crlPem: impostor.crl(), replace: false, reason: '' }))).toEqual({
      code: grpc.status.ALREADY_EXISTS,
      reason: 'TRUST_ANCHOR_EXISTS',
    });
    const newer = regionB.crl();
    const refreshed = await call(ops, ops.importCrl, { partnerId: 'region-b', crlPem: newer });
    expect(BigInt(refreshed.anchor!.crlNumber)).toBe(BigInt(imported.anchor!.crlNumber) + 1n);
    expect(await refusal(call(ops, ops.importCrl, { partnerId: 'region-b', crlPem: firstCrl }))).toEqual({ code: grpc.status.FAILED_PRECONDITION, reason: 'CRL_STALE' });
    expect(await refusal(call(ops, ops.importCrl, { partnerId: 'county-a', crlPem: newer }))).toMatchObject({ reason: 'TRUST_ANCHOR_NOT_FOUND' });

    const listed = await call(ops, ops.listTrustAnchors, { pageSize: 0, pageToken: '' });
    expect(listed.anchors).toEqual([expect.objectContaining({ partnerId: 'region-b', fingerprint: imported.anchor!.fingerprint, crlNumber: refreshed.anchor!.crlNumber })]);
    expect(listed.nextPageToken).toBe('');
  }, SLOW);
});

describe('without ca.passphraseFile', () => {
  it('signing calls are FAILED_PRECONDITION / CA_LOCKED; the rest still work', async () => {
    ops.close();
    countyA.close();
    await gateway!.stop();
    gateway = undefined;
    ({ gateway, port } = await startAdminGateway(pki, store, { passphrase: false }));
    ops = await adminClient(pki, 'ops', port);
    countyA = await adminClient(pki, 'county-a', port);
    const locked = { code: grpc.status.FAILED_PRECONDITION, reason: 'CA_LOCKED' };
    expect(await refusal(call(ops, ops.issueCertificate, { csrPem: csr('county-b'), profile: 'tls', partnerId: 'county-b', days: 0, dnsNames: [], ipAddresses: [] }))).toEqual(locked);
    expect(await refusal(call(ops, ops.publishCrl, { validSeconds: 0 }))).toEqual(locked);
    expect(await refusal(call(ops, ops.revokeCertificate, { serial: 'ab', reason: '' }))).toEqual(locked);
    expect(await refusal(call(ops, ops.renewCertificate, { serial: 'ab', csrPem: '', days: 0 }))).toEqual(locked);
    expect((await call(ops, ops.listPartners, { pageSize: 0, pageToken: '' })).partners.length).toBeGreaterThan(0);
    expect((await call(ops, ops.getCa, {})).federation).toBe('demo');
  }, SLOW);
});
