// The trust policy on real CAs and CRLs (src/ca/* on real stores), evaluated
// against chosen times: when CRLs are checked, which foreign anchors are
// trusted, our own CRL kept even when stale, revoked serials per issuing CA,
// and the refusals of an unusable tls.crl.
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredfedError } from '../../../src/core/errors.js';
import { getCa, revokedCertificates } from '../../../src/store/repos/certificates-repo.js';
import type { TrustAnchorRow } from '../../../src/store/repos/trust-anchors-repo.js';
import { spkiFingerprint } from '../../../src/trust/import-checks.js';
import { buildTrustMaterial, type TrustSources } from '../../../src/trust/trust-material.js';
import { createTestStore, type TestStore } from '../../helpers/store-fixture.js';
import { initRegion, issueLeaf, publishRegionCrl, registerPartners, revokeLeaf, type Leaf, type Region } from '../../helpers/trust-pki.js';

const HOUR = 3_600_000;
const paths = { ca: 'tls-ca.pem', crl: 'tls.crl' };

let own: TestStore;
let foreign: TestStore;
let ownRegion: Region;
let foreignRegion: Region;
let cityLeaf: Leaf;
let revoked: Leaf;
let anchorCrl: { pem: string; thisUpdate: Date; nextUpdate: Date };

beforeAll(async () => {
  [own, foreign] = [await createTestStore(), await createTestStore()];
  ownRegion = await initRegion(own.store, { nodeId: 'city' });
  foreignRegion = await initRegion(foreign.store, { nodeId: 'region-b' });
  await registerPartners(own.store, ['county-a']);
  cityLeaf = await issueLeaf(ownRegion, 'city');
  revoked = await issueLeaf(ownRegion, 'county-a');
  anchorCrl = await publishRegionCrl(foreignRegion, { validMs: HOUR });
});

afterAll(async () => {
  await own?.cleanup();
  await foreign?.cleanup();
  for (const r of [ownRegion, foreignRegion]) if (r) fs.rmSync(r.dir, { recursive: true, force: true });
});

function anchorRow(): TrustAnchorRow {
  return {
    partnerId: 'region-b',
    fingerprint: '',
    subject: 'CN=credfed demo CA',
    certPem: foreignRegion.caPem,
    notAfter: new Date(Date.now() + 3650 * 24 * HOUR),
    importedAt: new Date(),
    importedBy: 'test',
    crlPem: anchorCrl.pem,
    crlNumber: 1n,
    crlThisUpdate: anchorCrl.thisUpdate,
    crlNextUpdate: anchorCrl.nextUpdate,
    crlImportedAt: new Date(),
  };
}

async function sources(extra: Partial<TrustSources> = {}): Promise<TrustSources> {
  const ca = (await getCa(own.store))!;
  const row = anchorRow();
  return {
    files: { ca: fs.readFileSync(ownRegion.caFile), cert: fs.readFileSync(cityLeaf.certFile), key: fs.readFileSync(cityLeaf.keyFile) },
    storeCa: { certPem: ca.certPem, crlPem: ca.crlPem },
    revokedSerials: (await revokedCertificates(own.store)).map((r) => r.serial),
    anchors: [{ ...row, fingerprint: spkiFingerprint(new X509Certificate(row.certPem).publicKey) }],
    ...extra,
  };
}

describe('the trust material', () => {
  it('without a CRL of our own CA: no CRL checking, no foreign anchor trusted', async () => {
    const m = await buildTrustMaterial(await sources(), new Date(), paths);
    expect(m.crlChecking).toBe(false);
    expect(m.ownCrl).toBe('none');
    expect(m.server.crl).toBeUndefined();
    expect(m.server.ca).toHaveLength(1);
    expect(m.anchors.get('region-b')).toMatchObject({ trusted: false, state: 'no-own-crl' });
  });

  it('with our CRL: the foreign anchor is trusted while its CRL is current, then left out', async () => {
    await revokeLeaf(ownRegion, revoked.serial, { validMs: 24 * HOUR });
    const s = await sources();
    const now = new Date();
    const m = await buildTrustMaterial(s, now, paths);
    expect(m.crlChecking).toBe(true);
    expect(m.ownCrl).toBe('current');
    expect(m.anchors.get('region-b')).toMatchObject({ trusted: true, state: 'current' });
    expect(m.server.ca).toHaveLength(2);
    expect(m.server.crl).toHaveLength(2);
    const stale = await buildTrustMaterial(s, new Date(now.getTime() + 2 * HOUR), paths);
    expect(stale.anchors.get('region-b')).toMatchObject({ trusted: false, state: 'stale' });
    expect(stale.server.ca).toHaveLength(1);
    expect(stale.server.crl).toHaveLength(1);
    expect(stale.serverDigest).not.toBe(m.serverDigest);
    const early = await buildTrustMaterial(s, new Date(anchorCrl.thisUpdate.getTime() - HOUR), paths);
    expect(early.anchors.get('region-b')).toMatchObject({ trusted: false, state: 'stale' });
  });

  it('our own CRL stays loaded when stale (fail closed) and says so', async () => {
    const m = await buildTrustMaterial(await sources(), new Date(Date.now() + 48 * HOUR), paths);
    expect(m.ownCrl).toBe('stale');
    expect(m.crlChecking).toBe(true);
    expect(m.server.crl).toHaveLength(1);
  });

  it('revoked serials are kept per issuing CA (certificates table and CRL)', async () => {
    const m = await buildTrustMaterial(await sources(), new Date(), paths);
    const ownFp = m.ownCas[0]!.fingerprint;
    expect(m.revoked.get(ownFp)?.has(revoked.serial.replace(/^0+/, ''))).toBe(true);
    // From the table alone (no CRL yet) too.
    const tableOnly = await buildTrustMaterial({ ...(await sources()), storeCa: { certPem: ownRegion.caPem, crlPem: null } }, new Date(), paths);
    expect(tableOnly.revoked.get(ownFp)?.has(revoked.serial.replace(/^0+/, ''))).toBe(true);
  });

  it('a tls.crl must parse and be signed by a CA of tls.ca (CERT_INVALID otherwise)', async () => {
    const base = { ...(await sources()), storeCa: undefined };
    const good = await buildTrustMaterial({ ...base, files: { ...base.files, crl: Buffer.from((await getCa(own.store))!.crlPem!) } }, new Date(), paths);
    expect(good.crlChecking).toBe(true);
    for (const crl of [Buffer.from(anchorCrl.pem), Buffer.from('not a CRL')]) {
      const refused = await buildTrustMaterial({ ...base, files: { ...base.files, crl } }, new Date(), paths).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(CredfedError);
      expect((refused as CredfedError).code).toBe('CERT_INVALID');
    }
  });

  it('a CA of tls.ca without a CRL while CRLs are checked is warned about', async () => {
    const s = await sources();
    const bundle = Buffer.concat([s.files.ca, Buffer.from(foreignRegion.caPem)]);
    const m = await buildTrustMaterial({ ...s, anchors: [], files: { ...s.files, ca: bundle } }, new Date(), paths);
    expect(m.ownCas).toHaveLength(2);
    expect(m.warnings).toHaveLength(1);
  });
});
