import { describe, expect, it } from 'vitest';
import { BACKUP_MAGIC, encodeHeader, incompatibility, parseHeader, sha256Hex, type BackupManifest } from '../../../src/store/backup/backup-format.js';
import { parseToolVersion, splitPassword } from '../../../src/store/backup/pg-tools.js';

const payload = Buffer.from('payload bytes');
const manifest: BackupManifest = {
  credfedVersion: '0.1.0',
  backend: 'embedded',
  schemaVersion: 14,
  createdAt: '2026-12-05T10:00:00.000Z',
  nodeId: 'city',
  federation: 'liaoning',
  counts: { records: 3 },
  source: { postgres: 'PostgreSQL 17.5' },
  payload: { kind: 'pglite-datadir-tar-gz', bytes: payload.length, sha256: sha256Hex(payload) },
};
const file = Buffer.concat([encodeHeader(manifest), payload]);

describe('backup header', () => {
  it('round-trips the manifest and finds the payload', () => {
    const parsed = parseHeader(file);
    expect(parsed.error).toBeUndefined();
    expect(parsed.value!.manifest).toEqual(manifest);
    expect(file.subarray(parsed.value!.payloadOffset).toString()).toBe('payload bytes');
  });

  const header = encodeHeader(manifest);
  const altered = Buffer.from(header);
  altered[header.indexOf('"city"') + 1] = 'k'.charCodeAt(0);
  it.each([
    ['not a backup', Buffer.from('PGDMP\x01\x0e')],
    ['empty', Buffer.alloc(0)],
    ['a newer format', Buffer.from('CREDFED-STORE-BACKUP/2 abc\n{}\n')],
    ['cut inside the magic line', header.subarray(0, BACKUP_MAGIC.length + 10)],
    ['cut inside the manifest', header.subarray(0, header.length - 20)],
    ['an altered manifest', altered],
    ['a manifest without a payload', Buffer.from(`${BACKUP_MAGIC} ${sha256Hex('{"backend":"embedded"}')}\n{"backend":"embedded"}\n`)],
  ])('refuses %s', (_name, bytes) => {
    expect(parseHeader(bytes).error).toEqual(expect.any(String));
  });
});

describe('incompatibility', () => {
  it.each([
    ['same backend, same schema', 'embedded', 14, false],
    ['same backend, older backup', 'embedded', 15, false],
    ['other backend', 'postgres', 14, true],
    ['newer schema than this credfed', 'embedded', 13, true],
  ] as const)('%s', (_name, backend, known, refused) => {
    expect(incompatibility(manifest, backend, known) !== undefined).toBe(refused);
  });
});

describe('PostgreSQL client programs', () => {
  it.each([
    ['pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)', { major: 15, version: '15.18' }],
    ['pg_restore (PostgreSQL) 17.2', { major: 17, version: '17.2' }],
    ['psql (PostgreSQL) 18beta1', { major: 18, version: '18' }],
    ['something else', undefined],
  ])('reads the version of "%s"', (text, expected) => {
    expect(parseToolVersion(text)).toEqual(expected);
  });

  it('takes the password out of the URL (it goes in PGPASSWORD)', () => {
    expect(splitPassword('postgres://credfed:s%40cret@db:5432/credfed')).toEqual({ url: 'postgres://credfed@db:5432/credfed', password: 's@cret' });
    expect(splitPassword('postgres://credfed@db/credfed')).toEqual({ url: 'postgres://credfed@db/credfed' });
  });

  it('takes the password out of libpq\'s socket form, keeping the host empty', () => {
    const split = splitPassword('postgres://credfed:s3cret@/credfed?host=/run/postgresql');
    expect(split.password).toBe('s3cret');
    expect(split.url).not.toContain('s3cret');
    expect(split.url).toMatch(/^postgres:\/\/credfed@\/credfed\?host=/);
    expect(new URL(split.url.replace('@/', '@x/')).searchParams.get('host')).toBe('/run/postgresql');
  });

  it('takes the password out of a password query parameter', () => {
    for (const url of ['postgres://credfed@db:5432/credfed?password=s3cret&sslmode=require', 'postgres://credfed@/credfed?host=/run/postgresql&password=s3cret']) {
      const split = splitPassword(url);
      expect(split.password).toBe('s3cret');
      expect(split.url).not.toContain('s3cret');
      expect(split.url).not.toContain('password');
    }
    expect(splitPassword('postgres://credfed@db/credfed?sslmode=require&password=s3cret').url).toBe('postgres://credfed@db/credfed?sslmode=require');
  });

  it('refuses a URL it cannot parse rather than pass it on', () => {
    expect(() => splitPassword('host=db password=s3cret')).toThrow(/CONFIG_INVALID|not a URL/);
    expect(() => splitPassword('postgres://u:s3cret@[bad/db')).toThrow();
  });
});
