// Importing a neighbouring region's own CA (src/trust/import-anchor.ts) and
// refreshing its CRL (src/trust/import-crl.ts) on a real store, with CAs and
// CRLs made by OpenSSL: bound by key, the CRL verified against that key, every
// refusal writing nothing.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { initCa } from '../../../src/ca/ca-init.js';
import { unlockCa } from '../../../src/ca/ca-unlock.js';
import { publishCrl } from '../../../src/ca/publish-crl.js';
import { fixedClock } from '../../../src/core/clock.js';
import type { ErrorCode } from '../../../src/core/errors.js';
import { addPartner, getPartner, listPartnerChanges } from '../../../src/store/repos/partners-repo.js';
import { getTrustAnchor, listTrustAnchorPage } from '../../../src/store/repos/trust-anchors-repo.js';
import type { Store } from '../../../src/store/store.js';
import { importTrustAnchor } from '../../../src/trust/import-anchor.js';
import { importAnchorCrl } from '../../../src/trust/import-crl.js';
import { codeOf } from '../../helpers/error-code.js';
import { createTestStore, type TestStore } from '../../helpers/store-fixture.js';
import { OPENSSL } from '../../unit/ca/openssl-helpers.js';
import { opensslCa, type OpensslCa } from './openssl-ca.js';

const DAY = 86_400_000;
const by = { actor: 'cli:alice' };

let ts: TestStore;
let store: Store;
let regionB: OpensslCa;
/** Another CA with the SAME subject name as region B's (a copied DN). */
let impostor: OpensslCa;
let regionC: OpensslCa;
const clock = fixedClock(new Date());

/** SHA-256 of the SubjectPublicKeyInfo DER, computed by OpenSSL. */
function opensslSpkiSha256(caFile: string): string {
  const der = execFileSync('/bin/sh', ['-c', `${OPENSSL} x509 -in "${caFile}" -pubkey -noout | ${OPENSSL} pkey -pubin -outform DER`]);
  return execFileSync('/usr/bin/sha256sum', { input: der }).toString().split(' ')[0]!;
}

async function state() {
  const { rows } = await store.query<{ anchors: string; changes: string }>(
    'SELECT (SELECT count(*) FROM trust_anchors) AS anchors, (SELECT count(*) FROM partner_changes) AS changes',
  );
  return { anchors: Number(rows[0]!.anchors), changes: Number(rows[0]!.changes), partner: await getPartner(store, 'region-b') };
}

/** Runs a refused import and checks it left the store exactly as it was. */
async function refused(p: () => Promise<unknown>): Promise<ErrorCode | undefined> {
  const before = await state();
  const code = await codeOf(p());
  expect(await state()).toEqual(before);
  return code;
}

beforeAll(async () => {
  ts = await createTestStore();
  store = ts.store;
  regionB = opensslCa({ subject: '/O=Region B/CN=Region B Credit CA' });
  impostor = opensslCa({ subject: '/O=Region B/CN=Region B Credit CA' });
  regionC = opensslCa({ subject: '/O=Region C/CN=Region C Credit CA' });
});
afterAll(async () => ts?.cleanup());
beforeEach(async () => {
  clock.set(new Date());
  await store.query('DELETE FROM trust_anchors');
  await store.query('DELETE FROM partner_changes');
  await store.query('DELETE FROM partners');
  await addPartner(store, { id: 'region-b', displayName: 'Region B', kind: 'peer_region', endpoint: 'gw.region-b.example:7400' }, by);
  await addPartner(store, { id: 'ops', displayName: 'Operations', kind: 'admin' }, by);
});

describe('ca import', () => {
  it('binds the CA to the partner by its key fingerprint, recorded with who and when', async () => {
    const crlPem = regionB.crl();
    const row = await importTrustAnchor(store, { partnerId: 'region-b', caPem: regionB.caPem, crlPem, by, clock });
    const fingerprint = opensslSpkiSha256(regionB.caFile);
    expect(row).toMatchObject({ partnerId: 'region-b', fingerprint, subject: 'O=Region B, CN=Region B Credit CA', importedBy: 'cli:alice', crlNumber: 0x1000n });
    expect(row.crlPem).toMatch(/^-----BEGIN X509 CRL-----/);
    expect(row.crlNextUpdate.getTime()).toBeGreaterThan(clock.now().getTime());
    expect(await getTrustAnchor(store, 'region-b')).toEqual(row);
    const partner = (await getPartner(store, 'region-b'))!;
    expect(partner.trustAnchor).toBe(fingerprint);
    const changes = (await listPartnerChanges(store, 'region-b')).items;
    expect(changes.at(-1)).toMatchObject({ actor: 'cli:alice', action: 'update', revision: 2, before: { trustAnchor: null }, after: { trustAnchor: fingerprint } });
  });

  it('importing the same CA again refreshes it without a partner change', async () => {
    await importTrustAnchor(store, { partnerId: 'region-b', caPem: regionB.caPem, crlPem: regionB.crl(), by, clock });
    const changes = (await state()).changes;
    const newer = regionB.crl();
    const row = await importTrustAnchor(store, { partnerId: 'region-b', caPem: regionB.caPem, crlPem: newer, by, clock });
    expect((await state()).changes).toBe(changes);
    expect(row.crlPem.replace(/\s/g, '')).toBe(newer.replace(/\s/g, ''));
  });

  it('accepts an EC P-256 CA', async () => {
    const ec = opensslCa({ newkey: 'ec', pkeyopt: 'ec_paramgen_curve:P-256', subject: '/CN=Region D EC CA' });
    const row = await importTrustAnchor(store, { partnerId: 'region-b', caPem: ec.caPem, crlPem: ec.crl(), by, clock });
    expect(row.fingerprint).toBe(opensslSpkiSha256(ec.caFile));
  });

  it("a CRL signed by another CA with the same subject name is refused: CRL_INVALID", async () => {
    const code = await refused(() => importTrustAnchor(store, { partnerId: 'region-b', caPem: regionB.caPem, crlPem: impostor.crl(), by, clock }));
    expect(code).toBe('CRL_INVALID');
  });

  it("another CA's CRL is refused: CRL_INVALID", async () => {
    expect(await refused(() => importTrustAnchor(store, { partnerId: 'region-b', caPem: regionB.caPem, crlPem: regionC.crl(), by, clock }))).toBe('CRL_INVALID');
  });

  it('the CRL is required', async () => {
    expect(await refused(() => importTrustAnchor(store, { partnerId: 'region-b', caPem: regionB.caPem, crlPem: '', by, clock }))).toBe('CRL_INVALID');
    expect(await refused(() => importTrustAnchor(store, { partnerId: 'region-b', caPem: regionB.caPem, crlPem: regionB.caPem, by, clock }))).toBe('CRL_INVALID');
  });

  it('a CRL past its nextUpdate is refused: CRL_STALE', async () => {
    const crlPem = regionB.crl({ lastUpdate: new Date(Date.now() - 10 * DAY), nextUpdate: new Date(Date.now() - DAY) });
    expect(await refused(() => importTrustAnchor(store, { partnerId: 'region-b', caPem: regionB.caPem, crlPem, by, clock }))).toBe('CRL_STALE');
    // and a current one becomes stale when the clock passes its nextUpdate
    const current = regionB.crl({ days: 1 });
    clock.advance(2 * DAY);
    expect(await refused(() => importTrustAnchor(store, { partnerId: 'region-b', caPem: regionB.caPem, crlPem: current, by, clock }))).toBe('CRL_STALE');
  });

  it('a certificate that is not a CA is refused: TRUST_ANCHOR_INVALID', async () => {
    const leaf = fs.readFileSync(regionB.leaf('gw-region-b'), 'utf8');
    expect(await refused(() => importTrustAnchor(store, { partnerId: 'region-b', caPem: leaf, crlPem: regionB.crl(), by, clock }))).toBe('TRUST_ANCHOR_INVALID');
    const noCa = opensslCa({ basicConstraints: 'CA:FALSE', keyUsage: null });
    expect(await refused(() => importTrustAnchor(store, { partnerId: 'region-b', caPem: noCa.caPem, crlPem: regionB.crl(), by, clock }))).toBe('TRUST_ANCHOR_INVALID');
  });

  it('a file with two certificates, or a key in it, is refused: TRUST_ANCHOR_INVALID', async () => {
    const two = regionB.caPem + regionC.caPem;
    expect(await refused(() => importTrustAnchor(store, { partnerId: 'region-b', caPem: two, crlPem: regionB.crl(), by, clock }))).toBe('TRUST_ANCHOR_INVALID');
    const withKey = regionB.caPem + fs.readFileSync(path.join(regionB.dir, 'ca.key'), 'utf8');
    expect(await refused(() => importTrustAnchor(store, { partnerId: 'region-b', caPem: withKey, crlPem: regionB.crl(), by, clock }))).toBe('TRUST_ANCHOR_INVALID');
    expect(await refused(() => importTrustAnchor(store, { partnerId: 'region-b', caPem: 'not a certificate', crlPem: regionB.crl(), by, clock }))).toBe('TRUST_ANCHOR_INVALID');
  });

  it('a CA without keyCertSign/cRLSign in its keyUsage is refused', async () => {
    const signOnly = opensslCa({ keyUsage: 'critical,digitalSignature' });
    expect(await refused(() => importTrustAnchor(store, { partnerId: 'region-b', caPem: signOnly.caPem, crlPem: signOnly.crl(), by, clock }))).toBe('TRUST_ANCHOR_INVALID');
  });

  it('an RSA 1024 CA is KEY_WEAK', async () => {
    const weak = opensslCa({ newkey: 'rsa:1024' });
    expect(await refused(() => importTrustAnchor(store, { partnerId: 'region-b', caPem: weak.caPem, crlPem: weak.crl(), by, clock }))).toBe('KEY_WEAK');
  });

  it('an expired CA is refused: TRUST_ANCHOR_INVALID', async () => {
    const crlPem = regionB.crl({ days: 400 });
    clock.advance(370 * DAY);
    expect(await refused(() => importTrustAnchor(store, { partnerId: 'region-b', caPem: regionB.caPem, crlPem, by, clock }))).toBe('TRUST_ANCHOR_INVALID');
  });

  it('a CA not yet valid is refused, beyond five minutes of clock skew: TRUST_ANCHOR_INVALID', async () => {
    const fresh = opensslCa({ subject: '/CN=Region E Fresh CA' });
    const notBefore = new Date(execFileSync(OPENSSL, ['x509', '-in', fresh.caFile, '-noout', '-startdate']).toString().trim().replace('notBefore=', ''));
    clock.set(new Date(notBefore.getTime() - 4 * 60_000));
    const row = await importTrustAnchor(store, { partnerId: 'region-b', caPem: fresh.caPem, crlPem: fresh.crl({ lastUpdate: new Date(notBefore.getTime() - 60_000), nextUpdate: new Date(notBefore.getTime() + DAY) }), by, clock });
    expect(row.fingerprint).toBe(opensslSpkiSha256(fresh.caFile));
    clock.set(new Date(notBefore.getTime() - 6 * 60_000));
    const crlPem = fresh.crl({ lastUpdate: new Date(notBefore.getTime() - 10 * 60_000), nextUpdate: new Date(notBefore.getTime() + DAY) });
    expect(await refused(() => importTrustAnchor(store, { partnerId: 'region-b', caPem: fresh.caPem, crlPem, by, clock }))).toBe('TRUST_ANCHOR_INVALID');
  });

  it('an unknown partner is PARTNER_NOT_FOUND; an admin party is PARTNER_INVALID', async () => {
    expect(await refused(() => importTrustAnchor(store, { partnerId: 'region-x', caPem: regionB.caPem, crlPem: regionB.crl(), by, clock }))).toBe('PARTNER_NOT_FOUND');
    expect(await refused(() => importTrustAnchor(store, { partnerId: 'ops', caPem: regionB.caPem, crlPem: regionB.crl(), by, clock }))).toBe('PARTNER_INVALID');
  });

  it("this node's own CA (in the store, or the tls.ca file) is refused", async () => {
    const ctx = { store, federation: 'demo', nodeId: 'city', clock };
    const PASS = 'correct horse battery staple';
    await initCa(ctx, { passphrase: PASS });
    try {
      const unlocked = await unlockCa(store, 'demo', PASS);
      const crl = await publishCrl(ctx, unlocked);
      const own = unlocked.row.certPem;
      expect(await refused(() => importTrustAnchor(store, { partnerId: 'region-b', caPem: own, crlPem: crl.pem, by, clock }))).toBe('TRUST_ANCHOR_INVALID');
      const viaConfig = () => importTrustAnchor(store, { partnerId: 'region-b', caPem: regionB.caPem, crlPem: regionB.crl(), by, clock, ownCaPems: [regionC.caPem + regionB.caPem] });
      expect(await refused(viaConfig)).toBe('TRUST_ANCHOR_INVALID');
    } finally {
      await store.query('DELETE FROM ca');
    }
  });

  it('a partner bound to another CA needs replace: TRUST_ANCHOR_EXISTS, then replaced', async () => {
    await importTrustAnchor(store, { partnerId: 'region-b', caPem: regionB.caPem, crlPem: regionB.crl(), by, clock });
    const other = { partnerId: 'region-b', caPem: impostor.caPem, crlPem: impostor.crl(), by: { actor: 'cli:bob' }, clock };
    expect(await refused(() => importTrustAnchor(store, other))).toBe('TRUST_ANCHOR_EXISTS');
    const row = await importTrustAnchor(store, { ...other, replace: true });
    expect(row.fingerprint).toBe(opensslSpkiSha256(impostor.caFile));
    expect((await getPartner(store, 'region-b'))!.trustAnchor).toBe(row.fingerprint);
    expect((await listPartnerChanges(store, 'region-b')).items.at(-1)).toMatchObject({
      actor: 'cli:bob',
      after: { trustAnchor: row.fingerprint },
      before: { trustAnchor: opensslSpkiSha256(regionB.caFile) },
    });
  });

  it('a partner whose trust_anchor names another key (set by partner update) needs replace too', async () => {
    await store.query(`UPDATE partners SET trust_anchor = $1 WHERE partner_id = 'region-b'`, ['ab'.repeat(32)]);
    expect(await refused(() => importTrustAnchor(store, { partnerId: 'region-b', caPem: regionB.caPem, crlPem: regionB.crl(), by, clock }))).toBe('TRUST_ANCHOR_EXISTS');
  });

  it('nothing is half-written when the registry refuses the change (anchor row rolled back)', async () => {
    const code = await refused(() => importTrustAnchor(store, { partnerId: 'region-b', caPem: regionB.caPem, crlPem: regionB.crl(), by: { actor: ' ' }, clock }));
    expect(code).toBe('PARTNER_INVALID');
  });

  it('lists anchors a page at a time', async () => {
    await addPartner(store, { id: 'region-c', displayName: 'Region C', kind: 'peer_region' }, by);
    await importTrustAnchor(store, { partnerId: 'region-b', caPem: regionB.caPem, crlPem: regionB.crl(), by, clock });
    await importTrustAnchor(store, { partnerId: 'region-c', caPem: regionC.caPem, crlPem: regionC.crl(), by, clock });
    const first = await listTrustAnchorPage(store, { pageSize: 1 });
    expect(first.items.map((a) => a.partnerId)).toEqual(['region-b']);
    const second = await listTrustAnchorPage(store, { pageSize: 1, pageToken: first.nextPageToken });
    expect(second.items.map((a) => a.partnerId)).toEqual(['region-c']);
    expect(second.nextPageToken).toBeUndefined();
    expect(await codeOf(listTrustAnchorPage(store, { pageToken: 'bm90IGEgdG9rZW4' }))).toBe('PAGE_TOKEN_INVALID');
  });
});

describe('ca import-crl', () => {
  beforeEach(async () => {
    await importTrustAnchor(store, { partnerId: 'region-b', caPem: regionB.caPem, crlPem: regionB.crl(), by, clock });
  });

  it('a newer CRL replaces the held one (with its revocations)', async () => {
    const older = (await getTrustAnchor(store, 'region-b'))!;
    const leaf = regionB.leaf(`gw-${Date.now()}`);
    regionB.revoke(leaf);
    const newer = regionB.crl();
    const row = await importAnchorCrl(store, { partnerId: 'region-b', crlPem: newer, by, clock });
    expect(row.crlNumber).toBe(older.crlNumber! + 1n);
    expect(row.fingerprint).toBe(older.fingerprint);
    expect(execFileSync(OPENSSL, ['crl', '-noout', '-text'], { input: row.crlPem }).toString()).toContain('Key Compromise');
  });

  it('an older CRL is refused: CRL_STALE', async () => {
    const old = regionB.crl();
    await importAnchorCrl(store, { partnerId: 'region-b', crlPem: regionB.crl(), by, clock });
    expect(await refused(() => importAnchorCrl(store, { partnerId: 'region-b', crlPem: old, by, clock }))).toBe('CRL_STALE');
  });

  it('a CRL of another CA with the same name is refused: CRL_INVALID', async () => {
    expect(await refused(() => importAnchorCrl(store, { partnerId: 'region-b', crlPem: impostor.crl(), by, clock }))).toBe('CRL_INVALID');
  });

  it('a CRL past its nextUpdate is refused: CRL_STALE', async () => {
    const crlPem = regionB.crl({ days: 1 });
    clock.advance(2 * DAY);
    expect(await refused(() => importAnchorCrl(store, { partnerId: 'region-b', crlPem, by, clock }))).toBe('CRL_STALE');
  });

  it('no anchor: TRUST_ANCHOR_NOT_FOUND; unknown partner: PARTNER_NOT_FOUND', async () => {
    await addPartner(store, { id: 'county-a', displayName: 'County A', kind: 'child_county' }, by);
    expect(await refused(() => importAnchorCrl(store, { partnerId: 'county-a', crlPem: regionB.crl(), by, clock }))).toBe('TRUST_ANCHOR_NOT_FOUND');
    expect(await refused(() => importAnchorCrl(store, { partnerId: 'region-x', crlPem: regionB.crl(), by, clock }))).toBe('PARTNER_NOT_FOUND');
  });
});
