// Our records go to a partner only while the agreement governing it allows
// `pull`: a county whose agreement with its city does not keeps everything
// queued and says why in its status; once a version allowing it is put, the
// records reach the city without a restart.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putAgreement } from '../../../src/agreements/agreement-admin.js';
import type { Gateway } from '../../../src/server/gateway.js';
import { adminStatus, createPki, freePort, partnerOf, seedRecords, startInProcess, waitFor, writeNodeConfig, type Pki } from '../../helpers/federation-fixture.js';
import { createTestStoreConfig, type TestStoreConfig } from '../../helpers/store-fixture.js';

const RECORDS = 40;
const WITH_CITY = {
  agreement: 'a-city',
  parties: { partners: ['city'] },
  valid: { from: '2020-01-01', until: '2099-12-31' },
  directions: ['query'],
  categories: ['all'],
  disclosure: ['public', 'conditional', 'not_shared'],
  purposes: ['public_service'],
};

let pki: Pki;
let dir: string;
const stores: TestStoreConfig[] = [];
const gateways: Gateway[] = [];
let countyPort: number;
let cityPort: number;

beforeAll(async () => {
  pki = await createPki(['city', 'county-a']);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-sender-agreement-'));
  const [cityStore, countyStore] = [await createTestStoreConfig(), await createTestStoreConfig()];
  stores.push(cityStore, countyStore);
  [cityPort, countyPort] = [await freePort(), await freePort()];
  await seedRecords(countyStore, 'county-a', RECORDS, ['city']);
  gateways.push(await startInProcess(writeNodeConfig(pki, dir, { id: 'city', port: cityPort, store: cityStore, partners: [{ id: 'county-a', kind: 'child_county' }] })));
  gateways.push(
    await startInProcess(
      writeNodeConfig(pki, dir, { id: 'county-a', port: countyPort, store: countyStore, partners: [{ id: 'city', kind: 'parent_city', port: cityPort }], agreements: [WITH_CITY] }),
    ),
  );
});

afterAll(async () => {
  for (const g of gateways.reverse()) await g.stop();
  for (const s of stores) await s.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(pki.dir, { recursive: true, force: true });
});

describe('the sender under its agreement', () => {
  it('keeps records queued while the agreement does not allow pull, then sends them once a version does', async () => {
    const note = await waitFor(async () => partnerOf(await adminStatus(pki, 'county-a', countyPort), 'city').lastError, 10_000, 'a refusal in the status');
    expect(note).toContain('does not allow "pull"');
    expect(partnerOf(await adminStatus(pki, 'county-a', countyPort), 'city').pending).toBe(RECORDS);
    expect((await adminStatus(pki, 'city', cityPort)).recordsHeld).toBe(0);

    await putAgreement(gateways[1]!.store, YAML.stringify({ ...WITH_CITY, directions: ['pull', 'query'] }), { actor: 'cli/test' });
    await waitFor(async () => (await adminStatus(pki, 'city', cityPort)).recordsHeld === RECORDS, 20_000, 'records at the city');
    expect(partnerOf(await adminStatus(pki, 'county-a', countyPort), 'city').lastError).toBe('');
  });
});
