// Handshakes against a city gateway whose own CA lives in its store and has
// published a CRL (so CRLs are checked): refused for no certificate, a CA
// it does not know, an expired or a not-yet-valid certificate, and a revoked
// one (within 5 s of `cert revoke`, without a restart); admitted for a good
// one. `openssl verify -crl_check` agrees on the revoked and the good one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../../src/server/gateway.js';
import { getCa } from '../../../src/store/repos/certificates-repo.js';
import { freePort, waitFor } from '../../helpers/federation-fixture.js';
import { createTestStoreConfig, type TestStoreConfig } from '../../helpers/store-fixture.js';
import { HANDSHAKE_REFUSED, probeNew, startTrustGateway } from '../../helpers/trust-gateway.js';
import { issueLeaf, prepareRegion, publishRegionCrl, revokeLeaf, type Leaf, type Region } from '../../helpers/trust-pki.js';
import { openssl } from '../../unit/ca/openssl-helpers.js';

const DAY = 86_400_000;
const DEADLINE_MS = 5_000;

let dir: string;
let cityStore: TestStoreConfig;
let strangerStore: TestStoreConfig;
let region: Region;
let city: Gateway;
let port: number;
const leaves: Record<string, Leaf> = {};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-trust-hs-'));
  cityStore = await createTestStoreConfig();
  strangerStore = await createTestStoreConfig();
  region = await prepareRegion(cityStore, { nodeId: 'city', partners: ['county-a', 'county-b'] }, async (r) => {
    leaves.city = await issueLeaf(r, 'city');
    leaves.good = await issueLeaf(r, 'county-a', { name: 'good' });
    leaves.toRevoke = await issueLeaf(r, 'county-b', { name: 'to-revoke' });
    const past = Date.now() - 400 * DAY;
    leaves.expired = await issueLeaf(r, 'county-a', { name: 'expired', clock: { now: () => new Date(past) }, validDays: 30 });
    const future = Date.now() + 10 * DAY;
    leaves.notYet = await issueLeaf(r, 'county-a', { name: 'not-yet', clock: { now: () => new Date(future) } });
    await publishRegionCrl(r);
  });
  // Another CA (same default subject name "credfed demo CA") in another store, issuing for the same partner id.
  await prepareRegion(strangerStore, { nodeId: 'elsewhere', partners: ['county-a'] }, async (stranger) => {
    leaves.unknownCa = await issueLeaf(stranger, 'county-a', { name: 'unknown-ca', trustFile: region.caFile });
  });
  port = await freePort();
  city = await startTrustGateway({
    id: 'city',
    port,
    store: cityStore,
    dir,
    tls: leaves.city!,
    partners: [
      { id: 'county-a', kind: 'child_county' },
      { id: 'county-b', kind: 'child_county' },
    ],
  });
  region.store = city.store;
});

afterAll(async () => {
  await city?.stop();
  await cityStore?.cleanup();
  await strangerStore?.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
  if (region) fs.rmSync(region.dir, { recursive: true, force: true });
});

describe('handshakes with CRL checking on', () => {
  it('admits a good certificate of our CA', async () => {
    expect(await probeNew(leaves.good!, 'city', port)).toBe('admitted');
    expect(await probeNew(leaves.toRevoke!, 'city', port)).toBe('admitted');
  });

  it('refuses a client without a certificate', async () => {
    expect(await probeNew({ caFile: region.caFile }, 'city', port)).toMatchObject(HANDSHAKE_REFUSED);
  });

  it('refuses a certificate of a CA it does not trust, even with the same CA subject name and partner id', async () => {
    expect(await probeNew(leaves.unknownCa!, 'city', port)).toMatchObject(HANDSHAKE_REFUSED);
  });

  it('refuses an expired and a not-yet-valid certificate', async () => {
    expect(await probeNew(leaves.expired!, 'city', port)).toMatchObject(HANDSHAKE_REFUSED);
    expect(await probeNew(leaves.notYet!, 'city', port)).toMatchObject(HANDSHAKE_REFUSED);
  });

  it('refuses a certificate within 5 s of its revocation, without a restart; openssl verify -crl_check agrees', async () => {
    await revokeLeaf(region, leaves.toRevoke!.serial);
    await waitFor(
      async () => {
        const out = await probeNew(leaves.toRevoke!, 'city', port);
        return out !== 'admitted' && out.code === HANDSHAKE_REFUSED.code && out.reason === undefined;
      },
      DEADLINE_MS,
      'the revoked certificate to be refused at the handshake',
    );
    expect(await probeNew(leaves.good!, 'city', port)).toBe('admitted');

    const crlFile = path.join(dir, 'city.crl');
    fs.writeFileSync(crlFile, (await getCa(city.store))!.crlPem!);
    const revoked = openssl(['verify', '-crl_check', '-CAfile', region.caFile, '-CRLfile', crlFile, leaves.toRevoke!.certFile]);
    expect(revoked.status).not.toBe(0);
    expect(revoked.output).toContain('certificate revoked');
    const good = openssl(['verify', '-crl_check', '-CAfile', region.caFile, '-CRLfile', crlFile, leaves.good!.certFile]);
    expect(good.status).toBe(0);
    expect(good.output).toContain('OK');
  });
});
