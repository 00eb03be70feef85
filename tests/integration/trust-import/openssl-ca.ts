/**
 * A neighbouring region's CA made the way that region would make it: with
 * OpenSSL (`openssl req -x509`, `openssl ca -gencrl`, `openssl ca -revoke`),
 * not with credfed's own code. Used by the trust-import and CLI tests.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { OPENSSL, tempDir } from '../../unit/ca/openssl-helpers.js';

export interface OpensslCa {
  readonly dir: string;
  /** The CA certificate file and its PEM text. */
  readonly caFile: string;
  readonly caPem: string;
  /** Signs a new CRL (`openssl ca -gencrl`); the CRL number increases on every call. */
  crl(opts?: { lastUpdate?: Date; nextUpdate?: Date; days?: number }): string;
  /** Issues a leaf certificate (RSA 2048) for a CN; returns its PEM file path. */
  leaf(cn: string): string;
  /** Revokes a leaf (`openssl ca -revoke`). */
  revoke(leafFile: string, reason?: string): void;
}

export interface OpensslCaSpec {
  readonly subject?: string;
  /** `-newkey` argument (default rsa:2048). */
  readonly newkey?: string;
  readonly pkeyopt?: string;
  /** Extensions of the CA certificate (default CA:true with keyCertSign and cRLSign). */
  readonly basicConstraints?: string;
  readonly keyUsage?: string | null;
  readonly days?: number;
  /** Certificate not-before / not-after override via `openssl x509` (e.g. an expired CA). */
}

/** openssl time format YYYYMMDDHHMMSSZ. */
export function opensslTime(d: Date): string {
  return `${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

export function opensslCa(spec: OpensslCaSpec = {}): OpensslCa {
  const dir = tempDir('credfed-foreign-ca-');
  const run = (args: string[]) => execFileSync(OPENSSL, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
  const caFile = path.join(dir, 'ca.pem');
  const args = ['req', '-x509', '-newkey', spec.newkey ?? 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem'];
  if (spec.pkeyopt) args.push('-pkeyopt', spec.pkeyopt);
  args.push('-subj', spec.subject ?? '/O=Region B/CN=Region B Credit CA', '-days', String(spec.days ?? 365));
  args.push('-addext', `basicConstraints=${spec.basicConstraints ?? 'critical,CA:TRUE'}`);
  if (spec.keyUsage !== null) args.push('-addext', `keyUsage=${spec.keyUsage ?? 'critical,keyCertSign,cRLSign'}`);
  run(args);
  fs.writeFileSync(path.join(dir, 'index.txt'), '');
  fs.writeFileSync(path.join(dir, 'crlnumber'), '1000\n');
  fs.writeFileSync(path.join(dir, 'serial'), '2000\n');
  fs.writeFileSync(
    path.join(dir, 'ca.cnf'),
    [
      '[ ca ]',
      'default_ca = CA_default',
      '[ CA_default ]',
      `dir = ${dir}`,
      'database = $dir/index.txt',
      'crlnumber = $dir/crlnumber',
      'serial = $dir/serial',
      'new_certs_dir = $dir',
      'certificate = $dir/ca.pem',
      'private_key = $dir/ca.key',
      'default_md = sha256',
      'default_days = 30',
      'default_crl_days = 7',
      'policy = policy_any',
      'copy_extensions = copy',
      'unique_subject = no',
      '[ policy_any ]',
      'commonName = supplied',
      '',
    ].join('\n'),
  );
  let crls = 0;
  return {
    dir,
    caFile,
    caPem: fs.readFileSync(caFile, 'utf8'),
    crl(opts = {}) {
      const out = `crl-${++crls}.pem`;
      const a = ['ca', '-config', 'ca.cnf', '-gencrl', '-out', out];
      if (opts.lastUpdate) a.push('-crl_lastupdate', opensslTime(opts.lastUpdate));
      if (opts.nextUpdate) a.push('-crl_nextupdate', opensslTime(opts.nextUpdate));
      else a.push('-crldays', String(opts.days ?? 7));
      run(a);
      return fs.readFileSync(path.join(dir, out), 'utf8');
    },
    leaf(cn) {
      run(['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${cn}.key`, '-out', `${cn}.csr`, '-subj', `/CN=${cn}`]);
      run(['ca', '-config', 'ca.cnf', '-batch', '-notext', '-in', `${cn}.csr`, '-out', `${cn}.crt`]);
      return path.join(dir, `${cn}.crt`);
    },
    revoke(leafFile, reason = 'keyCompromise') {
      run(['ca', '-config', 'ca.cnf', '-revoke', leafFile, '-crl_reason', reason]);
    },
  };
}
