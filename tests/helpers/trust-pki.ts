/**
 * Certificates made by the real CA code (src/ca/*) on a real store, for the
 * trust tests: a region = a CA initialised in its own store; leaves issued
 * with generated keys and written as TLS files; revocation and CRLs through
 * the same functions the CLI uses.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CaContext } from '../../src/ca/ca-context.js';
import { initCa } from '../../src/ca/ca-init.js';
import { unlockCa, type UnlockedCa } from '../../src/ca/ca-unlock.js';
import { issueCertificate } from '../../src/ca/issue-certificate.js';
import { publishCrl, type PublishedCrl } from '../../src/ca/publish-crl.js';
import { revokeCertificate } from '../../src/ca/revoke-certificate.js';
import { systemClock, type Clock } from '../../src/core/clock.js';
import { privateKeyToPem } from '../../src/pki/key-pair.js';
import type { TlsFilePaths } from '../../src/pki/tls-files.js';
import { openStore, type Store } from '../../src/store/store.js';

export const CA_PASSPHRASE = 'correct horse battery staple';
const DAY = 86_400_000;

export interface Region {
  readonly dir: string;
  /** The CA certificate file (what a client or a node's tls.ca trusts). */
  readonly caFile: string;
  readonly caPem: string;
  /** Operations run on this store (replace with the gateway's store once it runs). */
  store: Store;
  readonly federation: string;
  readonly nodeId: string;
}

export interface Leaf extends TlsFilePaths {
  readonly serial: string;
  readonly certPem: string;
}

/**
 * Initialises a CA in `store` (created `caAgeDays` ago, so leaves can be
 * issued in the past) and writes its certificate to a temp dir.
 */
export async function initRegion(store: Store, opts: { nodeId: string; federation?: string; commonName?: string; caAgeDays?: number }): Promise<Region> {
  const federation = opts.federation ?? 'demo';
  const created = new Date(Date.now() - (opts.caAgeDays ?? 500) * DAY);
  const ctx: CaContext = { store, federation, nodeId: opts.nodeId, clock: { now: () => created } };
  await initCa(ctx, { passphrase: CA_PASSPHRASE, ...(opts.commonName ? { commonName: opts.commonName } : {}), validDays: 3650 });
  const unlocked = await unlockCa(store, federation, CA_PASSPHRASE);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `credfed-region-${opts.nodeId}-`));
  const caFile = path.join(dir, 'ca.crt');
  fs.writeFileSync(caFile, unlocked.row.certPem);
  return { dir, caFile, caPem: unlocked.row.certPem, store, federation, nodeId: opts.nodeId };
}

/**
 * Opens a store (closed again before returning), registers `partners` in it,
 * initialises a region's CA there and runs `prepare` on it (issue leaves,
 * publish the CRL). Set `region.store` to the gateway's store once it runs.
 */
export async function prepareRegion(
  storeConfig: Parameters<typeof openStore>[0],
  opts: { nodeId: string; partners: readonly string[] },
  prepare: (region: Region) => Promise<void>,
): Promise<Region> {
  const store = await openStore(storeConfig);
  try {
    await registerPartners(store, opts.partners);
    const region = await initRegion(store, { nodeId: opts.nodeId });
    await prepare(region);
    return region;
  } finally {
    await store.close();
  }
}

function contextOf(region: Region, clock: Clock = systemClock): CaContext {
  return { store: region.store, federation: region.federation, nodeId: region.nodeId, clock };
}

const unlock = (region: Region): Promise<UnlockedCa> => unlockCa(region.store, region.federation, CA_PASSPHRASE);

/** Adds partner rows the CA needs before issuing for them. */
export async function registerPartners(store: Store, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    await store.query(`INSERT INTO partners (partner_id, display_name, kind) VALUES ($1, $1, 'child_county') ON CONFLICT DO NOTHING`, [id]);
  }
}

/**
 * Issues a leaf with a generated key and writes cert and key files. `trustFile`:
 * the CA file the holder trusts for its peer (default the region's own).
 */
export async function issueLeaf(
  region: Region,
  id: string,
  opts: { profile?: 'tls' | 'admin'; clock?: Clock; validDays?: number; trustFile?: string; name?: string } = {},
): Promise<Leaf> {
  const issued = await issueCertificate(contextOf(region, opts.clock), await unlock(region), {
    profile: opts.profile ?? 'tls',
    id,
    key: { kind: 'generate' },
    ...(opts.validDays ? { validDays: opts.validDays } : {}),
  });
  const base = path.join(region.dir, `${opts.name ?? id}-${issued.row.serial}`);
  fs.writeFileSync(`${base}.crt`, issued.row.certPem);
  fs.writeFileSync(`${base}.key`, privateKeyToPem(issued.privateKey!));
  return { caFile: opts.trustFile ?? region.caFile, certFile: `${base}.crt`, keyFile: `${base}.key`, serial: issued.row.serial, certPem: issued.row.certPem };
}

/** Publishes the region's CRL (valid `validMs`, default 7 days), as `credfed ca crl` does. */
export async function publishRegionCrl(region: Region, opts: { validMs?: number; clock?: Clock } = {}): Promise<PublishedCrl> {
  return publishCrl(contextOf(region, opts.clock), await unlock(region), opts.validMs ? { validMs: opts.validMs } : {});
}

/** Revokes a leaf (keyCompromise) and publishes the CRL listing it, as `credfed cert revoke` does. */
export async function revokeLeaf(region: Region, serial: string, opts: { validMs?: number } = {}): Promise<PublishedCrl> {
  const r = await revokeCertificate(contextOf(region), await unlock(region), serial, 'keyCompromise', opts.validMs ? { validMs: opts.validMs } : {});
  return r.crl;
}
