import { createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredfedError } from '../../../src/core/errors.js';
import { ensureDevCertificates, loadTlsFiles, type TlsFilePaths } from '../../../src/pki/dev-certs.js';

async function failure(paths: TlsFilePaths): Promise<CredfedError> {
  try {
    await loadTlsFiles(paths);
  } catch (e) {
    if (e instanceof CredfedError) return e;
    throw e;
  }
  throw new Error('loadTlsFiles did not fail');
}

describe('loadTlsFiles', () => {
  let dir: string;
  let city: TlsFilePaths;
  let alice: TlsFilePaths;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'credfed-tls-files-'));
    const certs = await ensureDevCertificates({ dir, federation: 'demo', nodes: ['city'], admins: ['alice'] });
    city = certs.nodes['city'] as TlsFilePaths;
    alice = certs.admins['alice'] as TlsFilePaths;
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function write(name: string, content: string): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, content);
    return path;
  }

  it('returns the three files as buffers', async () => {
    const files = await loadTlsFiles(city);
    expect(files.ca.equals(await readFile(city.caFile))).toBe(true);
    expect(files.cert.equals(await readFile(city.certFile))).toBe(true);
    expect(files.key.equals(await readFile(city.keyFile))).toBe(true);
  });

  it('accepts a certificate chain and a CA bundle', async () => {
    const ca = await readFile(city.caFile, 'utf8');
    const chain = await write('chain.crt', (await readFile(city.certFile, 'utf8')) + ca);
    const bundle = await write('bundle.crt', `# trust anchors\n${ca}${ca}`);
    await expect(loadTlsFiles({ ...city, caFile: bundle, certFile: chain })).resolves.toBeDefined();
  });

  it.each<[keyof TlsFilePaths, string]>([
    ['caFile', 'CA certificate'],
    ['certFile', 'certificate'],
    ['keyFile', 'private key'],
  ])('names a missing %s (CERT_FILE_MISSING)', async (field, which) => {
    const missing = join(dir, 'nope', `${field}.pem`);
    const error = await failure({ ...city, [field]: missing });
    expect(error.code).toBe('CERT_FILE_MISSING');
    expect(error.message).toContain(`${missing} (${which})`);
    expect(error.details).toMatchObject({ path: missing, which });
  });

  it('reports a directory given as a file (CERT_FILE_MISSING)', async () => {
    expect((await failure({ ...city, certFile: dir })).code).toBe('CERT_FILE_MISSING');
  });

  it.each<[string, () => Promise<Partial<TlsFilePaths>>]>([
    ['an empty CA file', async () => ({ caFile: await write('empty.crt', '') })],
    ['a CA file holding a key', async () => ({ caFile: city.keyFile })],
    ['a certificate file holding a key', async () => ({ certFile: city.keyFile })],
    ['a key file holding a certificate', async () => ({ keyFile: city.certFile })],
    [
      'a certificate block that does not parse',
      async () => ({ certFile: await write('broken.crt', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n') }),
    ],
    [
      'mismatched BEGIN/END labels',
      async () => ({ caFile: await write('labels.crt', (await readFile(city.caFile, 'utf8')).replace('END CERTIFICATE', 'END X509 CRL')) }),
    ],
    ['a key of another certificate', async () => ({ keyFile: alice.keyFile })],
    [
      'an encrypted key',
      async () => ({
        keyFile: await write(
          'encrypted.key',
          createPrivateKey(await readFile(city.keyFile)).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' }).toString(),
        ),
      }),
    ],
    [
      'two keys in one file',
      async () => ({ keyFile: await write('two.key', (await readFile(city.keyFile, 'utf8')) + (await readFile(alice.keyFile, 'utf8'))) }),
    ],
  ])('refuses %s (CERT_INVALID)', async (_what, change) => {
    expect((await failure({ ...city, ...(await change()) })).code).toBe('CERT_INVALID');
  });
});
