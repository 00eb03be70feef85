// `credfed verdict verify` through the real binary (node bin/credfed.js):
// exit codes 0 / 3 / 2 (and 1 for an unreadable file), --json, stdin, --config,
// --crl; and the OpenSSL interop test: the README's bash commands verify a
// verdict with the openssl command line alone.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { createCrl } from '../../src/pki/crl.js';
import { VerdictSigner } from '../../src/pki/verdict-signer.js';
import { BIN, childEnv, credfed, ROOT, type Run } from '../helpers/cli-run.js';
import { craftJws, DAY, FEDERATION, makeCa, makeLeaf, NODE, sampleVerdict, tempDir, type Ca, type Leaf } from '../integration/verdicts/verdict-pki.js';

const dir = tempDir('credfed-verdict-cli-');
const file = (name: string) => path.join(dir, name);
const now = Date.now();
const ago = (days: number) => new Date(now - days * DAY);

let ca: Ca;
let otherCa: Ca;
let leaf: Leaf;
let currentJws: string; // issued just now
let expiredJws: string; // issued a day ago, valid 5 minutes

/** Runs the CLI with `input` on stdin. */
function credfedStdin(args: readonly string[], input: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: childEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

beforeAll(async () => {
  [ca, otherCa] = await Promise.all([makeCa(dir, 'ca'), makeCa(dir, 'other-ca')]);
  leaf = await makeLeaf(dir, 'county-a-verdict', ca, { issuedAt: ago(10), validDays: 30 });
  const signer = await VerdictSigner.load({ certFile: leaf.certFile, keyFile: leaf.keyFile, caFile: ca.file, federation: FEDERATION, nodeId: NODE });
  currentJws = signer.sign(sampleVerdict({ verdictId: 'current' }, new Date(now))).jws;
  expiredJws = signer.sign(sampleVerdict({ verdictId: 'expired' }, ago(1))).jws;
  fs.writeFileSync(file('current.jws'), `\n  ${currentJws}\n\n`);
  fs.writeFileSync(file('expired.jws'), expiredJws);
  fs.writeFileSync(file('tampered.jws'), currentJws.replace(/\.([A-Za-z0-9_-])/, (_, c: string) => `.${c === 'e' ? 'f' : 'e'}`));
  fs.writeFileSync(file('other-issuer.jws'), craftJws(leaf.keyPem, [leaf.certPem, ca.certPem], sampleVerdict({ issuer: 'city' }, new Date(now))));
  const crl = await createCrl({ ca: ca.loaded, entries: [{ serialHex: leaf.serialHex, revokedAt: ago(0.5), reason: 'superseded' }], crlNumber: 2n, thisUpdate: ago(0.5), nextUpdate: ago(-5) });
  fs.writeFileSync(file('ca.crl'), crl);
  fs.writeFileSync(
    file('city.yaml'),
    YAML.stringify({
      node: { id: 'city', federation: FEDERATION },
      listen: '127.0.0.1:0',
      store: { dataDir: 'nowhere' },
      tls: { ca: ca.file, cert: 'nowhere/city.crt', key: 'nowhere/city.key' },
    }),
  );
});

describe('credfed verdict verify', () => {
  it('--help exits 0 with EXAMPLES, and the command is listed', async () => {
    const r = await credfed(['verdict', 'verify', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: credfed verdict verify');
    expect(r.stdout).toContain('EXAMPLES');
    expect((await credfed(['--help'])).stdout).toContain('verdict verify');
  });

  it('exits 0 for a verified verdict and prints issuer, level, subject, times and signer serial', async () => {
    const r = await credfed(['verdict', 'verify', file('current.jws'), '--trust', ca.file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('verdict verified');
    expect(r.stdout).toMatch(/issuer\s+county-a \(federation demo\)/);
    expect(r.stdout).toMatch(/level\s+good \(grade AAA\)/);
    expect(r.stdout).toMatch(/subject\s+沈阳某某建设有限公司/);
    expect(r.stdout).toMatch(new RegExp(`issued at\\s+${new Date(now).toISOString()}`));
    expect(r.stdout).toMatch(/valid until\s+\S+Z\n/);
    expect(r.stdout).toMatch(new RegExp(`signer serial\\s+${leaf.serialHex}`));
  });

  it('says "expired" past valid-until and still exits 0', async () => {
    const r = await credfed(['verdict', 'verify', file('expired.jws'), '--trust', ca.file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/valid until\s+\S+ \(expired\)/);
  });

  it('--json prints one JSON object', async () => {
    const r = await credfed(['verdict', 'verify', file('expired.jws'), '--trust', ca.file, '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Record<string, unknown> & { signer: Record<string, string>; verdict: Record<string, unknown> };
    expect(doc).toMatchObject({ verified: true, issuer: NODE, federation: FEDERATION, level: 'good', expired: true });
    expect(doc.signer.serial).toBe(leaf.serialHex);
    expect(doc.verdict.verdictId).toBe('expired');
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('reads the verdict from stdin with "-"', async () => {
    const r = await credfedStdin(['verdict', 'verify', '-', '--trust', ca.file, '--json'], `${currentJws}\n`);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { expired: boolean }).expired).toBe(false);
  });

  it('--config trusts the node’s tls.ca', async () => {
    const r = await credfed(['verdict', 'verify', file('current.jws'), '-c', file('city.yaml')]);
    expect(r.code, r.stderr).toBe(0);
  });

  it.each([
    ['a tampered verdict', 'tampered.jws', () => ['--trust', ca.file], 'SIGNATURE_INVALID'],
    ['another CA', 'current.jws', () => ['--trust', otherCa.file], 'CHAIN_UNTRUSTED'],
    ['another issuer in the body', 'other-issuer.jws', () => ['--trust', ca.file], 'ISSUER_MISMATCH'],
    ['a signer revoked before issue', 'current.jws', () => ['--trust', ca.file, '--crl', file('ca.crl')], 'CERT_REVOKED'],
  ])('exits 3 for %s, naming the check on stderr', async (_, name, extra, reason) => {
    const r = await credfed(['verdict', 'verify', file(name), ...extra()]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(reason);
    expect(r.stderr).not.toContain('unexpected error');
    const json = await credfed(['verdict', 'verify', file(name), ...extra(), '--json']);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toMatchObject({ verified: false, reason });
  });

  it('a revocation after issue does not count', async () => {
    const r = await credfed(['verdict', 'verify', file('expired.jws'), '--trust', ca.file, '--crl', file('ca.crl')]);
    expect(r.code, r.stderr).toBe(0);
  });

  it.each([
    ['no FILE', () => ['--trust', ca.file]],
    ['two FILEs', () => [file('current.jws'), file('expired.jws'), '--trust', ca.file]],
    ['no --trust or --config', () => [file('current.jws')]],
    ['an unknown flag', () => [file('current.jws'), '--trust', ca.file, '--insecure']],
  ])('exits 2 for %s', async (_, args) => {
    const r = await credfed(['verdict', 'verify', ...args()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: credfed verdict verify');
  });

  it('exits 1 when a file cannot be read, or a CRL does not parse', async () => {
    const missing = await credfed(['verdict', 'verify', file('nope.jws'), '--trust', ca.file]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('NOT_FOUND');
    const badCrl = await credfed(['verdict', 'verify', file('current.jws'), '--trust', ca.file, '--crl', ca.file]);
    expect(badCrl.code).toBe(1);
    expect(badCrl.stderr).toContain('CRL_INVALID');
  });
});

/**
 * The bash block of README.md "Verifying a verdict" that runs openssl, taken
 * from the README itself so that the documented commands are the tested ones
 * (it reads verdict.jws and ca.crt from the working directory).
 */
function readmeOpensslScript(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Verifying a verdict'));
  const blocks = [...section.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  const script = blocks.find((b) => b.includes('openssl dgst'));
  if (!readme.includes('## Verifying a verdict') || !script) throw new Error('README.md has no "Verifying a verdict" section with the openssl commands');
  return `set -euo pipefail\n${script}`;
}

describe('OpenSSL interop (README: Verifying a verdict)', () => {
  function runScript(jws: string, caPem: string): { status: number | null; output: string } {
    const work = tempDir('credfed-verdict-openssl-');
    fs.writeFileSync(path.join(work, 'verdict.jws'), `${jws}\n`);
    fs.writeFileSync(path.join(work, 'ca.crt'), caPem);
    const r = spawnSync('/bin/bash', ['-c', readmeOpensslScript()], { cwd: work, encoding: 'utf8', env: { ...process.env, PATH: `/usr/bin:/bin:${process.env.PATH ?? ''}` } });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  }

  it('verifies the signature and the chain at issued-at with openssl only', () => {
    const r = runScript(expiredJws, ca.certPem);
    expect(r.output).toContain('Verified OK');
    expect(r.output).toMatch(/leaf\.pem: OK/);
    expect(r.status, r.output).toBe(0);
  });

  it('openssl refuses a tampered verdict and a verdict under another CA', () => {
    const tampered = fs.readFileSync(file('tampered.jws'), 'utf8');
    const bad = runScript(tampered, ca.certPem);
    expect(bad.status).not.toBe(0);
    expect(bad.output).toContain('Verification failure');
    const other = runScript(currentJws, otherCa.certPem);
    expect(other.status).not.toBe(0);
    expect(other.output).toMatch(/unable to get local issuer certificate|error 20/);
  });

  it('with -attime, openssl judges the chain when the verdict was issued, not now', () => {
    const issuedBeforeLeaf = craftJws(leaf.keyPem, [leaf.certPem, ca.certPem], sampleVerdict({}, ago(11)));
    const r = runScript(issuedBeforeLeaf, ca.certPem);
    expect(r.output).toContain('Verified OK'); // the signature itself is fine
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/certificate is not yet valid|error 9/);
  });
});

