// The CA through the real CLI as a child process (node bin/credfed.js ca … /
// cert …), judged by OpenSSL and by a real gateway: init, issue from an
// openssl CSR, revoke and CRL, the failure cases leaving nothing behind,
// expiry listing, backup and restore, and an mTLS call with issued certificates.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { fetchStatus } from '../../src/cli/admin-call.js';
import { openStore } from '../../src/store/store.js';
import { freePort, startInProcess } from '../helpers/federation-fixture.js';
import { createTestStoreConfig, type TestStoreConfig } from '../helpers/store-fixture.js';
import { openssl, opensslCsr } from '../unit/ca/openssl-helpers.js';
import { fails, ok } from '../helpers/cli-expect.js';
import { credfed } from '../helpers/cli-run.js';

const NODE_ID = 'city';
const SLOW = 180_000;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-ca-cli-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const file = (name: string) => path.join(tmp, name);

function writeConfig(name: string, store: Pick<TestStoreConfig, 'dataDir' | 'databaseUrl'>, extra: Record<string, unknown> = {}): string {
  const doc = {
    node: { id: NODE_ID, federation: 'demo' },
    listen: '127.0.0.1:0',
    store: store.databaseUrl ? { databaseUrl: store.databaseUrl } : { dataDir: store.dataDir },
    // the ca and cert commands open only the store: the TLS files need not exist
    tls: { ca: 'nowhere/ca.crt', cert: 'nowhere/city.crt', key: 'nowhere/city.key' },
    log: { level: 'warn' },
    ...extra,
  };
  const p = file(name);
  fs.writeFileSync(p, YAML.stringify(doc));
  return p;
}

/** Inserts registry rows directly (the partner CLI belongs to another part). */
async function addPartners(store: Pick<TestStoreConfig, 'dataDir' | 'databaseUrl'>, ids: string[]): Promise<void> {
  const s = await openStore({ dataDir: store.dataDir, databaseUrl: store.databaseUrl });
  try {
    for (const id of ids) await s.query(`INSERT INTO partners (partner_id, display_name, kind) VALUES ($1, $1, 'child_county')`, [id]);
  } finally {
    await s.close();
  }
}

interface Listed {
  certificates: { serial: string; partnerId: string; profile: string; status: string; daysLeft: number }[];
  nextPageToken?: string;
}

const COMMANDS = ['ca init', 'ca show', 'ca crl', 'ca backup', 'ca restore', 'cert issue', 'cert list', 'cert renew', 'cert revoke'];

describe('credfed ca / cert --help', () => {
  it('lists the commands', async () => {
    const r = await ok(['--help']);
    for (const cmd of COMMANDS) expect(r.stdout).toContain(cmd);
  });

  it.each(COMMANDS)('%s --help exits 0 with EXAMPLES', async (cmd) => {
    const r = await ok([...cmd.split(' '), '--help']);
    expect(r.stdout).toContain(`Usage: credfed ${cmd}`);
    expect(r.stdout).toContain('EXAMPLES');
    if (cmd !== 'ca restore' && cmd !== 'ca backup') expect(r.stdout).toMatch(/stop the\s+node's gateway/);
  });

  it('takes no secret from a flag', async () => {
    const r = await credfed(['ca', 'init', '--config', 'x.yaml', '--passphrase', 'secret-on-the-command-line']);
    expect(r.code).toBe(2);
  });

  it('cert issue without --csr or --key-out is a usage error', async () => {
    const r = await credfed(['cert', 'issue', '--partner', 'a', '--cert-out', file('x.crt'), '--config', 'x.yaml', '--passphrase-file', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--csr FILE or --key-out FILE');
  });
});

describe('credfed ca and cert on a node store', () => {
  let store: TestStoreConfig;
  let restored: TestStoreConfig;
  let config: string;
  const caPem = file('ca.pem');
  const pass = file('ca.pass');
  const base = () => ['--config', config, '--passphrase-file', pass];
  let countyA = '';
  let countyB = '';

  beforeAll(async () => {
    store = await createTestStoreConfig();
    restored = await createTestStoreConfig();
    config = writeConfig('city.yaml', store);
    await addPartners(store, ['county-a', 'county-b']);
    fs.writeFileSync(pass, 'correct horse battery staple\n', { mode: 0o600 });
    fs.writeFileSync(file('short.pass'), 'short\n');
    fs.writeFileSync(file('wrong.pass'), 'not the CA passphrase at all\n');
    fs.writeFileSync(file('backup.pass'), 'a separate backup passphrase\n');
  }, SLOW);
  afterAll(async () => {
    await store?.cleanup();
    await restored?.cleanup();
  });

  const certCount = async (cfg = config) => (JSON.parse((await ok(['cert', 'list', '--config', cfg, '--json'])).stdout) as Listed).certificates.length;

  it('ca init: refuses a missing or short passphrase file, then creates the CA', async () => {
    await fails(['ca', 'init', '--config', config, '--passphrase-file', file('missing.pass')], 'CERT_FILE_MISSING');
    await fails(['ca', 'init', '--config', config, '--passphrase-file', file('short.pass')], 'KEY_WEAK');
    const r = await ok(['ca', 'init', ...base(), '--cert-out', caPem, '--json']);
    const facts = JSON.parse(r.stdout) as { federation: string; subject: string; certPem: string };
    expect(facts).toMatchObject({ federation: 'demo', subject: 'CN=credfed demo CA, O=demo' });
    expect(fs.readFileSync(caPem, 'utf8')).toBe(facts.certPem);
    expect(openssl(['x509', '-in', caPem, '-noout', '-ext', 'basicConstraints']).output).toContain('CA:TRUE');
    await fails(['ca', 'init', ...base()], 'CA_EXISTS');
    expect((await ok(['ca', 'show', '--config', config])).stdout).toBe(facts.certPem);
  }, SLOW);

  it('cert issue: a CSR from openssl req -newkey rsa:3072 gives a certificate openssl verify accepts', async () => {
    const csr = opensslCsr({ newkey: 'rsa:3072', subject: '/CN=county-a' }).csr;
    fs.writeFileSync(file('county-a.csr'), csr);
    const r = await ok(['cert', 'issue', '--partner', 'county-a', '--csr', file('county-a.csr'), '--cert-out', file('county-a.crt'), ...base(), '--json']);
    countyA = (JSON.parse(r.stdout) as { serial: string }).serial;
    expect(r.stderr).toContain(`issued tls certificate ${countyA} for county-a`);
    const verify = openssl(['verify', '-CAfile', caPem, file('county-a.crt')]);
    expect(verify.output).toContain(`${file('county-a.crt')}: OK`);
    expect(openssl(['x509', '-in', file('county-a.crt'), '-noout', '-ext', 'subjectAltName']).output).toContain('URI:spiffe://demo/partner/county-a');

    const b = await ok(['cert', 'issue', '--partner', 'county-b', '--key-out', file('county-b.key'), '--cert-out', file('county-b.crt'), ...base(), '--json']);
    countyB = (JSON.parse(b.stdout) as { serial: string }).serial;
    expect(fs.statSync(file('county-b.key')).mode & 0o777).toBe(0o600);
    expect(openssl(['verify', '-CAfile', caPem, file('county-b.crt')]).output).toContain(': OK');
    expect(openssl(['pkey', '-in', file('county-b.key'), '-noout', '-text']).output).toMatch(/Private-Key: \(3072 bit/);
  }, SLOW);

  it('a wrong CA passphrase: CA_PASSPHRASE_WRONG, no file, no row', async () => {
    const before = await certCount();
    await fails(
      ['cert', 'issue', '--partner', 'county-a', '--key-out', file('w.key'), '--cert-out', file('w.crt'), '--config', config, '--passphrase-file', file('wrong.pass')],
      'CA_PASSPHRASE_WRONG',
    );
    await fails(['ca', 'crl', '--config', config, '--passphrase-file', file('wrong.pass'), '--out', file('w.crl')], 'CA_PASSPHRASE_WRONG');
    for (const f of ['w.key', 'w.crt', 'w.crl']) expect(fs.existsSync(file(f)), f).toBe(false);
    expect(await certCount()).toBe(before);
  }, SLOW);

  it('an unknown partner: PARTNER_NOT_FOUND, no file, no row', async () => {
    const before = await certCount();
    await fails(['cert', 'issue', '--partner', 'county-z', '--key-out', file('z.key'), '--cert-out', file('z.crt'), ...base()], 'PARTNER_NOT_FOUND');
    await fails(['cert', 'issue', '--partner', 'county-z', '--csr', file('county-a.csr'), '--cert-out', file('z.crt'), ...base()], 'PARTNER_NOT_FOUND');
    expect(fs.readdirSync(tmp).filter((f) => f.startsWith('z.') || f.includes('.z.'))).toEqual([]);
    expect(await certCount()).toBe(before);
  }, SLOW);

  it('bad CSRs are refused with their code and leave nothing', async () => {
    const before = await certCount();
    fs.writeFileSync(file('weak.csr'), opensslCsr({ newkey: 'rsa:1024', subject: '/CN=county-b' }).csr);
    fs.writeFileSync(file('ec.csr'), opensslCsr({ newkey: 'ec', pkeyopt: 'ec_paramgen_curve:P-256', subject: '/CN=county-b' }).csr);
    fs.writeFileSync(file('junk.csr'), 'not a CSR\n');
    const weak = await fails(['cert', 'issue', '--partner', 'county-b', '--csr', file('weak.csr'), '--cert-out', file('bad.crt'), ...base()], 'KEY_WEAK');
    expect(weak.stderr).toContain('1024');
    const ec = await fails(['cert', 'issue', '--partner', 'county-b', '--csr', file('ec.csr'), '--cert-out', file('bad.crt'), ...base()], 'KEY_UNSUPPORTED');
    expect(ec.stderr).toContain('EC (P-256)');
    await fails(['cert', 'issue', '--partner', 'county-b', '--csr', file('junk.csr'), '--cert-out', file('bad.crt'), ...base()], 'CSR_INVALID');
    // county-a's CSR presented for county-b
    await fails(['cert', 'issue', '--partner', 'county-b', '--csr', file('county-a.csr'), '--cert-out', file('bad.crt'), ...base()], 'CERT_IDENTITY_MISMATCH');
    expect(fs.existsSync(file('bad.crt'))).toBe(false);
    expect(await certCount()).toBe(before);
  }, SLOW);

  it('--dry-run checks everything and writes nothing; an existing key file is never overwritten', async () => {
    const before = await certCount();
    const r = await ok(['cert', 'issue', '--partner', 'county-a', '--key-out', file('dry.key'), '--cert-out', file('dry.crt'), ...base(), '--dry-run']);
    expect(r.stderr).toContain('dry run: would issue a tls certificate for spiffe://demo/partner/county-a');
    expect(fs.existsSync(file('dry.key')) || fs.existsSync(file('dry.crt'))).toBe(false);
    await fails(['cert', 'issue', '--partner', 'county-a', '--key-out', file('county-b.key'), '--cert-out', file('x.crt'), ...base()], 'CERT_INVALID');
    expect(await certCount()).toBe(before);
  }, SLOW);

  it('cert revoke publishes a CRL: openssl parses it, refuses the revoked certificate and accepts the other', async () => {
    const r = await ok(['cert', 'revoke', countyA, '--reason', 'keyCompromise', ...base(), '--crl-out', file('crl.pem'), '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ serial: countyA, reason: 'keyCompromise', crl: { number: '1' } });
    const text = openssl(['crl', '-in', file('crl.pem'), '-noout', '-text']);
    expect(text.status).toBe(0);
    expect(text.output).toContain(countyA.toUpperCase());
    expect(text.output).toContain('Key Compromise');
    const revoked = openssl(['verify', '-crl_check', '-CAfile', caPem, '-CRLfile', file('crl.pem'), file('county-a.crt')]);
    expect(revoked.status).not.toBe(0);
    expect(revoked.output).toContain('certificate revoked');
    const good = openssl(['verify', '-crl_check', '-CAfile', caPem, '-CRLfile', file('crl.pem'), file('county-b.crt')]);
    expect(good.output).toContain(`${file('county-b.crt')}: OK`);

    await fails(['cert', 'revoke', countyA, '--reason', 'superseded', ...base()], 'CERT_INVALID');
    expect((await credfed(['cert', 'revoke', countyB, '--reason', 'because', ...base()])).code).toBe(2);

    const crl = await ok(['ca', 'crl', ...base(), '--out', file('crl2.pem'), '--next-update', '2d', '--json']);
    expect(JSON.parse(crl.stdout)).toMatchObject({ number: '2', revoked: 1 });
    expect(openssl(['crl', '-in', file('crl2.pem'), '-noout', '-CAfile', caPem]).output).toContain('verify OK');
  }, SLOW);

  it('cert renew: a new certificate renewing the old, both valid', async () => {
    const r = await ok(['cert', 'renew', countyB, ...base(), '--cert-out', file('county-b.new.crt'), '--json']);
    const renewed = JSON.parse(r.stdout) as { serial: string; renewedFrom: string };
    expect(renewed.renewedFrom).toBe(countyB);
    expect(openssl(['verify', '-CAfile', caPem, file('county-b.new.crt')]).output).toContain(': OK');
    // same key: the old key file matches the new certificate
    const pub = (args: string[]) => openssl(args).output;
    expect(pub(['x509', '-in', file('county-b.new.crt'), '-noout', '-pubkey'])).toBe(pub(['pkey', '-in', file('county-b.key'), '-pubout']));
    const list = JSON.parse((await ok(['cert', 'list', '--config', config, '--partner', 'county-b', '--json'])).stdout) as Listed;
    expect(list.certificates.map((c) => [c.serial, c.status]).sort()).toEqual([[countyB, 'valid'], [renewed.serial, 'valid']].sort());
  }, SLOW);

  it('cert list --expiring 30d shows a 10-day certificate, not a 90-day one; pages with tokens', async () => {
    const issue = async (days: string, name: string) =>
      (JSON.parse((await ok(['cert', 'issue', '--partner', 'county-b', '--key-out', file(`${name}.key`), '--cert-out', file(`${name}.crt`), '--days', days, ...base(), '--json'])).stdout) as { serial: string }).serial;
    const ten = await issue('10', 'ten');
    const ninety = await issue('90', 'ninety');
    const expiring = JSON.parse((await ok(['cert', 'list', '--config', config, '--expiring', '30d', '--json'])).stdout) as Listed;
    expect(expiring.certificates.map((c) => c.serial)).toEqual([ten]);
    expect(expiring.certificates[0]!.daysLeft).toBe(10);
    const table = (await ok(['cert', 'list', '--config', config, '--expiring', '30d'])).stdout;
    expect(table).toContain(ten);
    expect(table).not.toContain(ninety);
    expect(table).toMatch(/SERIAL\s+PROFILE\s+PARTNER\s+NOT BEFORE \(UTC\)\s+NOT AFTER \(UTC\)\s+STATUS\s+DAYS LEFT/);

    const total = await certCount();
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = JSON.parse((await ok(['cert', 'list', '--config', config, '--page-size', '2', '--json', ...(token ? ['--page-token', token] : [])])).stdout) as Listed;
      seen.push(...page.certificates.map((c) => c.serial));
      token = page.nextPageToken;
    } while (token);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    await fails(['cert', 'list', '--config', config, '--page-token', 'bogus'], 'PAGE_TOKEN_INVALID');
    expect((await credfed(['cert', 'list', '--config', config, '--expiring', '30 days'])).code).toBe(2);
  }, SLOW);

  it('ca backup then ca restore into a fresh store: the same certificates, and the CA still signs', async () => {
    const bak = file('city.cfbak');
    await ok(['ca', 'backup', '--config', config, '--out', bak, '--backup-passphrase-file', file('backup.pass')]);
    expect(fs.statSync(bak).mode & 0o777).toBe(0o600);
    const restoredConfig = writeConfig('restored.yaml', restored);
    await fails(['ca', 'restore', bak, '--config', restoredConfig, '--backup-passphrase-file', file('wrong.pass')], 'CA_PASSPHRASE_WRONG');
    await fails(['ca', 'show', '--config', restoredConfig], 'CA_NOT_FOUND');

    const r = await ok(['ca', 'restore', bak, '--config', restoredConfig, '--backup-passphrase-file', file('backup.pass'), '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ federation: 'demo', partnersNotInRegistry: ['county-a', 'county-b'] });
    const list = async (cfg: string) => (JSON.parse((await ok(['cert', 'list', '--config', cfg, '--json', '--page-size', '1000'])).stdout) as Listed).certificates;
    expect(await list(restoredConfig)).toEqual(await list(config));
    await fails(['ca', 'restore', bak, '--config', restoredConfig, '--backup-passphrase-file', file('backup.pass')], 'CA_EXISTS');

    await addPartners(restored, ['county-a']);
    await ok(['cert', 'issue', '--partner', 'county-a', '--key-out', file('after.key'), '--cert-out', file('after.crt'), '--config', restoredConfig, '--passphrase-file', pass]);
    expect(openssl(['verify', '-CAfile', caPem, file('after.crt')]).output).toContain(': OK');
  }, SLOW);

  it("issued certificates carry a real mTLS call: the gateway's own certificate and an admin's", async () => {
    await ok(['cert', 'issue', '--partner', NODE_ID, '--key-out', file('city.key'), '--cert-out', file('city.crt'), ...base()]);
    await ok(['cert', 'issue', '--admin', 'ops', '--key-out', file('ops.key'), '--cert-out', file('ops.crt'), ...base()]);
    await ok(['cert', 'issue', '--partner', 'county-b', '--profile', 'verdict', '--key-out', file('verdict.key'), '--cert-out', file('verdict.crt'), ...base()]);
    const port = await freePort();
    const gatewayConfig = writeConfig('gateway.yaml', store, {
      listen: `127.0.0.1:${port}`,
      tls: { ca: caPem, cert: file('city.crt'), key: file('city.key') },
    });
    const gateway = await startInProcess(gatewayConfig);
    try {
      const target = { federation: 'demo', nodeId: NODE_ID, endpoint: `127.0.0.1:${port}`, caFile: caPem };
      const status = await fetchStatus({ ...target, certFile: file('ops.crt'), keyFile: file('ops.key') });
      expect(status.nodeId).toBe(NODE_ID);
      // a verdict-signing certificate is no TLS client certificate: the handshake fails
      await expect(fetchStatus({ ...target, certFile: file('verdict.crt'), keyFile: file('verdict.key') })).rejects.toThrow(/UNAVAILABLE/);
      // a partner certificate is not an admin's
      await expect(fetchStatus({ ...target, certFile: file('county-b.crt'), keyFile: file('county-b.key') })).rejects.toThrow(/PERMISSION_DENIED|admin/);
    } finally {
      await gateway.stop();
    }
  }, SLOW);
});
