/**
 * Test helpers around the real OpenSSL binary: CSRs made the way a partner
 * would make them, and `openssl verify` / `openssl crl` as the judge of
 * interoperability.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const OPENSSL = '/usr/bin/openssl';

/** A fresh temporary directory (removed by the caller or at process exit). */
export function tempDir(prefix = 'credfed-ca-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export interface CsrSpec {
  /** `openssl req -newkey` argument: rsa:3072, rsa:1024, ec, ed25519. */
  readonly newkey: string;
  readonly subject?: string;
  /** Extra `-pkeyopt` (e.g. ec_paramgen_curve:P-256). */
  readonly pkeyopt?: string;
  /** `-addext` value, e.g. subjectAltName=URI:spiffe://demo/partner/x. */
  readonly addext?: string;
}

/** Runs `openssl req -newkey … -nodes` and returns the CSR and key PEM. */
export function opensslCsr(spec: CsrSpec): { csr: string; key: string } {
  const dir = tempDir('credfed-csr-');
  const args = ['req', '-new', '-newkey', spec.newkey, '-nodes', '-subj', spec.subject ?? '/CN=county-a'];
  if (spec.pkeyopt) args.push('-pkeyopt', spec.pkeyopt);
  if (spec.addext) args.push('-addext', spec.addext);
  args.push('-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'csr.pem'));
  execFileSync(OPENSSL, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  return { csr: fs.readFileSync(path.join(dir, 'csr.pem'), 'utf8'), key: fs.readFileSync(path.join(dir, 'key.pem'), 'utf8') };
}

/** Runs openssl with arguments; returns exit status and combined output. */
export function openssl(args: readonly string[]): { status: number | null; output: string } {
  const r = spawnSync(OPENSSL, args, { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** Writes PEM text to a file in `dir`; returns its path. */
export function writePem(dir: string, name: string, pem: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, pem);
  return file;
}
