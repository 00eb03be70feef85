import { cp, mkdtemp, readFile, readdir, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import type { CredfedError } from '../../../src/core/errors.js';
import { codeOf } from '../../helpers/error-code.js';
import { ensureDevCertificates, type DevCertificates } from '../../../src/pki/dev-certs.js';

describe('ensureDevCertificates', () => {
  let root: string;
  /** A complete directory for federation demo: CA, gateway city, admin alice. */
  let fixture: string;
  let first: DevCertificates;
  /** A second, unrelated CA directory of the same federation. */
  let foreign: string;
  const options = { federation: 'demo', nodes: ['city'], admins: ['alice'] };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'credfed-dev-certs-'));
    fixture = join(root, 'fixture');
    foreign = join(root, 'foreign');
    [first] = await Promise.all([
      ensureDevCertificates({ dir: fixture, ...options }),
      ensureDevCertificates({ dir: foreign, ...options }),
    ]);
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** A private copy of the fixture for a test that damages it. */
  async function copyOfFixture(name: string): Promise<string> {
    const dir = join(root, name);
    await cp(fixture, dir, { recursive: true });
    return dir;
  }

  it('creates the CA, gateway and admin files with private keys 0600', async () => {
    expect(first.caCertFile).toBe(join(fixture, 'ca.crt'));
    expect(first.caKeyFile).toBe(join(fixture, 'ca.key'));
    expect(first.nodes).toEqual({
      city: { caFile: join(fixture, 'ca.crt'), certFile: join(fixture, 'city.crt'), keyFile: join(fixture, 'city.key') },
    });
    expect(first.admins).toEqual({
      alice: { caFile: join(fixture, 'ca.crt'), certFile: join(fixture, 'admin-alice.crt'), keyFile: join(fixture, 'admin-alice.key') },
    });
    expect([...first.created].sort()).toEqual(
      ['admin-alice.crt', 'admin-alice.key', 'ca.crt', 'ca.key', 'city.crt', 'city.key'].map((f) => join(fixture, f)),
    );
    expect((await readdir(fixture)).sort()).toEqual(['admin-alice.crt', 'admin-alice.key', 'ca.crt', 'ca.key', 'city.crt', 'city.key']);
    for (const key of ['ca.key', 'city.key', 'admin-alice.key']) {
      expect((await stat(join(fixture, key))).mode & 0o777).toBe(0o600);
    }
    expect((await readFile(join(fixture, 'city.key'), 'utf8')).startsWith('-----BEGIN PRIVATE KEY-----')).toBe(true);
  });

  it('adds only the missing gateway to an existing directory', async () => {
    const dir = await copyOfFixture('add-node');
    const before = await readFile(join(dir, 'city.crt'), 'utf8');
    const result = await ensureDevCertificates({ dir, ...options, nodes: ['city', 'county-a'] });
    expect([...result.created].sort()).toEqual([join(dir, 'county-a.crt'), join(dir, 'county-a.key')]);
    expect(await readFile(join(dir, 'city.crt'), 'utf8')).toBe(before);
  });

  it('refuses a half pair naming the missing file (CERT_FILE_MISSING)', async () => {
    const dir = await copyOfFixture('half-pair');
    await unlink(join(dir, 'city.key'));
    let thrown: unknown;
    await ensureDevCertificates({ dir, ...options }).catch((e: unknown) => (thrown = e));
    expect((thrown as CredfedError).code).toBe('CERT_FILE_MISSING');
    expect((thrown as CredfedError).message).toContain(join(dir, 'city.key'));
  });

  it('refuses a CA without its key (CERT_FILE_MISSING)', async () => {
    const dir = await copyOfFixture('half-ca');
    await unlink(join(dir, 'ca.key'));
    expect(await codeOf(() => ensureDevCertificates({ dir, ...options }))).toBe('CERT_FILE_MISSING');
  });

  it('refuses to create a new CA beside certificates of a lost one, writing nothing', async () => {
    const dir = await copyOfFixture('lost-ca');
    await unlink(join(dir, 'ca.crt'));
    await unlink(join(dir, 'ca.key'));
    expect(await codeOf(() => ensureDevCertificates({ dir, ...options }))).toBe('CERT_FILE_MISSING');
    expect((await readdir(dir)).sort()).toEqual(['admin-alice.crt', 'admin-alice.key', 'city.crt', 'city.key']);
  });

  it('refuses a gateway certificate issued by another CA (CERT_INVALID)', async () => {
    const dir = await copyOfFixture('foreign-leaf');
    await cp(join(foreign, 'city.crt'), join(dir, 'city.crt'));
    await cp(join(foreign, 'city.key'), join(dir, 'city.key'));
    expect(await codeOf(() => ensureDevCertificates({ dir, ...options }))).toBe('CERT_INVALID');
  });

  it('refuses a certificate whose key was swapped (CERT_INVALID)', async () => {
    const dir = await copyOfFixture('swapped-key');
    await cp(join(dir, 'admin-alice.key'), join(dir, 'city.key'));
    expect(await codeOf(() => ensureDevCertificates({ dir, ...options }))).toBe('CERT_INVALID');
  });

  it('refuses a certificate that carries another identity (CERT_INVALID)', async () => {
    const dir = await copyOfFixture('renamed');
    await cp(join(dir, 'city.crt'), join(dir, 'county-a.crt'));
    await cp(join(dir, 'city.key'), join(dir, 'county-a.key'));
    expect(await codeOf(() => ensureDevCertificates({ dir, ...options, nodes: ['city', 'county-a'] }))).toBe('CERT_INVALID');
  });

  it('refuses an existing CA of another federation (CERT_INVALID)', async () => {
    const dir = await copyOfFixture('other-federation');
    expect(await codeOf(() => ensureDevCertificates({ dir, ...options, federation: 'other', nodes: [], admins: [] }))).toBe(
      'CERT_INVALID',
    );
  });

  it('refuses an expired certificate (CERT_INVALID)', async () => {
    const dir = await copyOfFixture('expired');
    const later = fixedClock(new Date(Date.now() + 900 * 24 * 3600 * 1000));
    expect(await codeOf(() => ensureDevCertificates({ dir, ...options, clock: later }))).toBe('CERT_INVALID');
  });

  it('refuses a file that is not a certificate (CERT_INVALID)', async () => {
    const dir = await copyOfFixture('garbage');
    await writeFile(join(dir, 'city.crt'), 'not a certificate\n');
    expect(await codeOf(() => ensureDevCertificates({ dir, ...options }))).toBe('CERT_INVALID');
  });

  it.each<[string, Partial<typeof options>]>([
    ['a node named like the CA', { nodes: ['ca'] }],
    ['a node named like an admin file', { nodes: ['admin-alice'] }],
    ['a duplicate node', { nodes: ['city', 'city'] }],
    ['a malformed node name', { nodes: ['City'] }],
    ['a malformed admin name', { admins: ['a'] }],
    ['a malformed federation', { federation: 'Demo' }],
  ])('refuses %s before writing anything (CONFIG_INVALID)', async (_what, change) => {
    const dir = join(root, `config-${Math.random().toString(36).slice(2)}`);
    expect(await codeOf(() => ensureDevCertificates({ dir, ...options, ...change }))).toBe('CONFIG_INVALID');
    await expect(stat(dir)).rejects.toThrow();
  });
});
