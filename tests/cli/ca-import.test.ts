// Foreign CAs through the real CLI (node bin/credfed.js ca import / ca
// import-crl / ca anchors), with a neighbouring region's CA and CRLs made by
// OpenSSL: bound by key, refusals leaving the store as it was, CRL refresh,
// listing with pages.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { fails, ok } from '../helpers/cli-expect.js';
import { credfed } from '../helpers/cli-run.js';
import { createTestStoreConfig, type TestStoreConfig } from '../helpers/store-fixture.js';
import { opensslCa, type OpensslCa } from '../integration/trust-import/openssl-ca.js';
import { OPENSSL } from '../unit/ca/openssl-helpers.js';

const SLOW = 180_000;
const DAY = 86_400_000;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-ca-import-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const file = (name: string, text?: string) => {
  const p = path.join(tmp, name);
  if (text !== undefined) fs.writeFileSync(p, text);
  return p;
};

interface Anchor {
  partnerId: string;
  fingerprint: string;
  subject: string;
  crlNumber: string | null;
  crlNextUpdate: string;
  state: string;
}

function spkiSha256(caFile: string): string {
  const der = execFileSync('/bin/sh', ['-c', `${OPENSSL} x509 -in "${caFile}" -pubkey -noout | ${OPENSSL} pkey -pubin -outform DER`]);
  return execFileSync('/usr/bin/sha256sum', { input: der }).toString().split(' ')[0]!;
}

describe('credfed ca import / import-crl / anchors --help', () => {
  it.each(['ca import', 'ca import-crl', 'ca anchors'])('%s --help exits 0 with EXAMPLES', async (cmd) => {
    const r = await ok([...cmd.split(' '), '--help']);
    expect(r.stdout).toContain(`Usage: credfed ${cmd}`);
    expect(r.stdout).toContain('EXAMPLES');
  });

  it('ca import without --crl is a usage error', async () => {
    const r = await credfed(['ca', 'import', 'x.pem', '--partner', 'region-b', '--config', 'x.yaml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--crl is required');
  });
});

describe('credfed ca import on a node store', () => {
  let store: TestStoreConfig;
  let config: string;
  let regionB: OpensslCa;
  let impostor: OpensslCa;
  let regionC: OpensslCa;
  const c = () => ['--config', config];

  const anchors = async (extra: string[] = []) => JSON.parse((await ok(['ca', 'anchors', ...c(), '--json', ...extra])).stdout) as { anchors: Anchor[]; nextPageToken: string | null };
  const history = async (id: string) => (JSON.parse((await ok(['partner', 'show', id, ...c(), '--history', '--json'])).stdout) as { history: unknown[] }).history;
  const snapshot = async () => ({ anchors: await anchors(), history: await history('region-b') });
  /** Runs refused commands (each opens the store: a few seconds) and checks the anchors and the partner's history are as they were. */
  const refused = async (...runs: [args: string[], code: string][]) => {
    const before = await snapshot();
    for (const [args, code] of runs) await fails(args, code);
    expect(await snapshot()).toEqual(before);
  };

  beforeAll(async () => {
    store = await createTestStoreConfig();
    config = file('city.yaml', YAML.stringify({
      node: { id: 'city', federation: 'demo' },
      listen: '127.0.0.1:0',
      store: store.databaseUrl ? { databaseUrl: store.databaseUrl } : { dataDir: store.dataDir },
      tls: { ca: 'nowhere/ca.crt', cert: 'nowhere/city.crt', key: 'nowhere/city.key' },
      log: { level: 'warn' },
    }));
    regionB = opensslCa({ subject: '/O=Region B/CN=Region B Credit CA' });
    impostor = opensslCa({ subject: '/O=Region B/CN=Region B Credit CA' });
    regionC = opensslCa({ subject: '/O=Region C/CN=Region C Credit CA' });
    await ok(['partner', 'add', 'region-b', '--kind', 'peer_region', '--endpoint', 'gw.region-b.example:7400', ...c()]);
    await ok(['partner', 'add', 'region-c', '--kind', 'peer_region', ...c()]);
  }, SLOW);
  afterAll(async () => store?.cleanup());

  it('refusals before any binding: unknown partner, non-CA certificate, wrong CA\'s CRL, stale CRL, missing file', async () => {
    const crl = file('b-1.crl', regionB.crl());
    const leaf = regionB.leaf('gw-region-b');
    const stale = file('b-stale.crl', regionB.crl({ lastUpdate: new Date(Date.now() - 10 * DAY), nextUpdate: new Date(Date.now() - DAY) }));
    const weak = opensslCa({ newkey: 'rsa:1024' });
    await refused(
      [['ca', 'import', regionB.caFile, '--partner', 'region-x', '--crl', crl, ...c()], 'PARTNER_NOT_FOUND'],
      [['ca', 'import', leaf, '--partner', 'region-b', '--crl', crl, ...c()], 'TRUST_ANCHOR_INVALID'],
      // a CA with the same name but another key signed this CRL
      [['ca', 'import', regionB.caFile, '--partner', 'region-b', '--crl', file('impostor.crl', impostor.crl()), ...c()], 'CRL_INVALID'],
      [['ca', 'import', regionB.caFile, '--partner', 'region-b', '--crl', file('c.crl', regionC.crl()), ...c()], 'CRL_INVALID'],
      [['ca', 'import', regionB.caFile, '--partner', 'region-b', '--crl', stale, ...c()], 'CRL_STALE'],
      [['ca', 'import', regionB.caFile, '--partner', 'region-b', '--crl', file('missing.crl'), ...c()], 'CRL_INVALID'],
      [['ca', 'import', weak.caFile, '--partner', 'region-b', '--crl', file('weak.crl', weak.crl()), ...c()], 'KEY_WEAK'],
    );
  }, SLOW);

  it('binds region B by key; partner show and ca anchors show it', async () => {
    const crl = file('b-2.crl', regionB.crl());
    const r = await ok(['ca', 'import', regionB.caFile, '--partner', 'region-b', '--crl', crl, ...c(), '--actor', 'cli:alice', '--json']);
    const fingerprint = spkiSha256(regionB.caFile);
    expect(JSON.parse(r.stdout)).toMatchObject({ partnerId: 'region-b', fingerprint, state: 'current', importedBy: 'cli:alice' });
    const shown = JSON.parse((await ok(['partner', 'show', 'region-b', ...c(), '--history', '--json'])).stdout);
    expect(shown.partner.trustAnchor).toBe(fingerprint);
    expect(shown.history.at(-1)).toMatchObject({ actor: 'cli:alice', action: 'update', after: { trustAnchor: fingerprint } });
    const list = await anchors();
    expect(list.anchors).toEqual([expect.objectContaining({ partnerId: 'region-b', fingerprint, subject: 'O=Region B, CN=Region B Credit CA', state: 'current' })]);
    const table = await ok(['ca', 'anchors', ...c()]);
    expect(table.stdout).toMatch(/region-b\s+[0-9a-f]{64}\s+O=Region B, CN=Region B Credit CA/);
    expect(table.stdout).toContain('current');
  }, SLOW);

  it('another CA for a bound partner needs --replace', async () => {
    const crl = file('impostor-2.crl', impostor.crl());
    await refused([['ca', 'import', impostor.caFile, '--partner', 'region-b', '--crl', crl, ...c()], 'TRUST_ANCHOR_EXISTS']);
  }, SLOW);

  it('ca import-crl: a newer CRL is taken, an older one, a stale one and a wrong CA\'s are refused', async () => {
    const older = file('b-older.crl', regionB.crl());
    regionB.revoke(regionB.leaf('gw2-region-b'));
    const newer = file('b-newer.crl', regionB.crl());
    const before = (await anchors()).anchors[0]!;
    const r = await ok(['ca', 'import-crl', newer, '--partner', 'region-b', ...c(), '--json']);
    expect(BigInt(JSON.parse(r.stdout).crlNumber)).toBeGreaterThan(BigInt(before.crlNumber!));
    const stale = file('b-stale2.crl', regionB.crl({ lastUpdate: new Date(Date.now() - 10 * DAY), nextUpdate: new Date(Date.now() - DAY) }));
    await refused(
      [['ca', 'import-crl', older, '--partner', 'region-b', ...c()], 'CRL_STALE'],
      [['ca', 'import-crl', file('impostor-3.crl', impostor.crl()), '--partner', 'region-b', ...c()], 'CRL_INVALID'],
      [['ca', 'import-crl', stale, '--partner', 'region-b', ...c()], 'CRL_STALE'],
      [['ca', 'import-crl', newer, '--partner', 'region-c', ...c()], 'TRUST_ANCHOR_NOT_FOUND'],
    );
  }, SLOW);

  it('--replace rebinds; anchors page with tokens', async () => {
    await ok(['ca', 'import', impostor.caFile, '--partner', 'region-b', '--crl', file('impostor-4.crl', impostor.crl()), '--replace', ...c()]);
    await ok(['ca', 'import', regionC.caFile, '--partner', 'region-c', '--crl', file('c-2.crl', regionC.crl()), ...c()]);
    const first = await anchors(['--page-size', '1']);
    expect(first.anchors.map((a) => a.partnerId)).toEqual(['region-b']);
    expect(first.anchors[0]!.fingerprint).toBe(spkiSha256(impostor.caFile));
    const second = await anchors(['--page-size', '1', '--page-token', first.nextPageToken!]);
    expect(second.anchors.map((a) => a.partnerId)).toEqual(['region-c']);
    expect(second.nextPageToken).toBeNull();
    await fails(['ca', 'anchors', ...c(), '--page-token', 'garbage!'], 'PAGE_TOKEN_INVALID');
  }, SLOW);
});
