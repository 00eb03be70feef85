/**
 * Development certificates on disk: one CA and a certificate per gateway and
 * admin client in one directory, created only when missing. Existing files are
 * never overwritten; they are checked (parse, chain to the CA, identity, key
 * match, expiry) and reused, so a second call is a no-op.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { systemClock, type Clock } from '../core/clock.js';
import { CredfedError, ERROR_CATALOGUE } from '../core/errors.js';
import {
  FEDERATION_PATTERN,
  formatIdentityUri,
  identityFromSubjectAltName,
  sameIdentity,
  validateIdentity,
  type PeerIdentity,
} from './identity.js';
import { readIfExists, writeNewFile } from './pki-files.js';
import { samePublicKey } from './key-pair.js';
import { loadCa, type LoadedCa } from './ca-signer.js';
import { createCa, issueCertificate } from './dev-ca.js';
import type { TlsFilePaths } from './tls-files.js';
import { verdictSigningUri } from './verdict-signing.js';

export { loadTlsFiles, type TlsFilePaths, type TlsFiles } from './tls-files.js';

/** Default lifetime of a development CA. */
export const DEV_CA_VALID_DAYS = 3650;
/** Default lifetime of development gateway and admin certificates. */
export const DEV_LEAF_VALID_DAYS = 825;

/** Options of {@link ensureDevCertificates}. */
export interface EnsureDevCertificatesOptions {
  /** Directory of the files; created (mode 0700) when missing. */
  readonly dir: string;
  readonly federation: string;
  /** Partner ids of the gateways: `<node>.crt`/`<node>.key`, URI `spiffe://<federation>/partner/<node>`. */
  readonly nodes: readonly string[];
  /** Admin names: `admin-<name>.crt`/`.key`, URI `spiffe://<federation>/admin/<name>`. */
  readonly admins: readonly string[];
  /** Nodes that sign verdicts: `<node>-verdict.crt`/`.key`, URI `spiffe://<federation>/partner/<node>/verdict` (default none). */
  readonly verdictSigners?: readonly string[];
  /** Common name of a new CA; default `credfed <federation> development CA`. */
  readonly caCommonName?: string;
  readonly caValidDays?: number;
  readonly leafValidDays?: number;
  /** Source of time for issuance and the expiry check of existing files; default the system clock. */
  readonly clock?: Clock;
}

/** Paths of the development certificates. */
export interface DevCertificates {
  readonly caCertFile: string;
  readonly caKeyFile: string;
  /** Per gateway: the paths `loadTlsFiles` takes. */
  readonly nodes: Readonly<Record<string, TlsFilePaths>>;
  /** Per admin name: the paths `loadTlsFiles` takes. */
  readonly admins: Readonly<Record<string, TlsFilePaths>>;
  /** Per verdict-signing node: its verdict-signing certificate and key (and the CA). */
  readonly verdict: Readonly<Record<string, TlsFilePaths>>;
  /** Files this call wrote (empty when everything existed). */
  readonly created: readonly string[];
}

interface LeafPlan {
  readonly identity: PeerIdentity;
  readonly paths: TlsFilePaths;
  readonly commonName: string;
  readonly usage: 'node' | 'client' | 'verdict';
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
}

const KEY_MODE = 0o600;
const CERT_MODE = 0o644;

/**
 * Creates the missing development CA and certificates in `dir` and returns
 * their paths. Files that exist are kept and must be consistent: a CA or leaf
 * with only one of its two files throws `CredfedError('CERT_FILE_MISSING')`;
 * a file that does not parse, a leaf not issued by `dir/ca.crt`, with another
 * identity, a mismatched key or past its not-after throws
 * `CredfedError('CERT_INVALID')` — delete the pair to have it re-issued.
 * Not meant for concurrent callers on one directory: a file that appears
 * while this call creates it is reported, never overwritten.
 */
export async function ensureDevCertificates(options: EnsureDevCertificatesOptions): Promise<DevCertificates> {
  // One instant for the whole call: every new certificate gets the same validity window.
  const now = (options.clock ?? systemClock).now();
  const clock: Clock = { now: () => now };
  const caCertFile = join(options.dir, 'ca.crt');
  const caKeyFile = join(options.dir, 'ca.key');
  const leaves = planLeaves(options, caCertFile);
  const created: string[] = [];
  await mkdir(options.dir, { recursive: true, mode: 0o700 });

  const ca = await ensureCa(options, caCertFile, caKeyFile, leaves, clock, created);
  const existing = await Promise.all(leaves.map((leaf) => checkExistingLeaf(leaf, ca, now)));
  const missing = leaves.filter((_, i) => !existing[i]);
  const issued = await Promise.all(
    missing.map((leaf) =>
      issueCertificate({
        ca,
        identity: leaf.identity,
        commonName: leaf.commonName,
        dnsNames: leaf.dnsNames,
        ipAddresses: leaf.ipAddresses,
        validDays: options.leafValidDays ?? DEV_LEAF_VALID_DAYS,
        usage: leaf.usage,
        clock,
      }),
    ),
  );
  for (const [i, leaf] of missing.entries()) {
    const { certPem, keyPem } = issued[i] as { certPem: string; keyPem: string };
    await writeNewFile(leaf.paths.keyFile, keyPem, KEY_MODE);
    await writeNewFile(leaf.paths.certFile, certPem, CERT_MODE);
    created.push(leaf.paths.certFile, leaf.paths.keyFile);
  }

  const byUsage = (usage: LeafPlan['usage']) => Object.fromEntries(leaves.filter((l) => l.usage === usage).map((l) => [l.identity.id, l.paths]));
  return { caCertFile, caKeyFile, nodes: byUsage('node'), admins: byUsage('client'), verdict: byUsage('verdict'), created };
}

/** Validates names and file-name collisions up front, before anything is written. */
function planLeaves(options: EnsureDevCertificatesOptions, caFile: string): LeafPlan[] {
  const plans: LeafPlan[] = [
    ...options.nodes.map((id): LeafPlan => ({
      identity: { federation: options.federation, kind: 'partner', id },
      paths: leafPaths(options.dir, id, caFile),
      commonName: id,
      usage: 'node',
      dnsNames: ['localhost', id],
      ipAddresses: ['127.0.0.1'],
    })),
    ...options.admins.map((id): LeafPlan => ({
      identity: { federation: options.federation, kind: 'admin', id },
      paths: leafPaths(options.dir, `admin-${id}`, caFile),
      commonName: `admin-${id}`,
      usage: 'client',
      dnsNames: [],
      ipAddresses: [],
    })),
    ...(options.verdictSigners ?? []).map((id): LeafPlan => ({
      identity: { federation: options.federation, kind: 'partner', id },
      paths: leafPaths(options.dir, `${id}-verdict`, caFile),
      commonName: `${id} verdict signing`,
      usage: 'verdict',
      dnsNames: [],
      ipAddresses: [],
    })),
  ];
  if (!FEDERATION_PATTERN.test(options.federation)) {
    throw new CredfedError('CONFIG_INVALID', `federation ${JSON.stringify(options.federation)} is not a lower-case DNS label`);
  }
  const files = new Set([caFile]);
  for (const plan of plans) {
    const checked = validateIdentity(plan.identity);
    if (checked.error !== undefined) throw new CredfedError('CONFIG_INVALID', checked.error.message, { rule: checked.error.rule });
    if (files.has(plan.paths.certFile)) {
      throw new CredfedError('CONFIG_INVALID', `${plan.paths.certFile} would hold two certificates (duplicate or colliding name)`);
    }
    files.add(plan.paths.certFile);
  }
  return plans;
}

function leafPaths(dir: string, stem: string, caFile: string): TlsFilePaths {
  return { caFile, certFile: join(dir, `${stem}.crt`), keyFile: join(dir, `${stem}.key`) };
}

async function ensureCa(
  options: EnsureDevCertificatesOptions,
  certFile: string,
  keyFile: string,
  leaves: readonly LeafPlan[],
  clock: Clock,
  created: string[],
): Promise<LoadedCa> {
  const [certPem, keyPem] = await Promise.all([readIfExists(certFile), readIfExists(keyFile)]);
  if (certPem !== undefined && keyPem !== undefined) {
    const ca = withFile(certFile, () => loadCa({ certPem, keyPem }));
    if (ca.federation !== options.federation) {
      throw new CredfedError('CERT_INVALID', `${certFile} is the CA of federation ${ca.federation ?? '(none)'}, not ${options.federation}`);
    }
    return ca;
  }
  if (certPem !== undefined || keyPem !== undefined) throw halfPair(certPem === undefined ? certFile : keyFile, 'CA', certPem === undefined ? keyFile : certFile);
  // A new CA would orphan certificates of the old one: refuse before writing anything.
  for (const leaf of leaves) {
    for (const file of [leaf.paths.certFile, leaf.paths.keyFile]) {
      if ((await readIfExists(file)) !== undefined) {
        throw new CredfedError('CERT_FILE_MISSING', `${certFile} (CA); ${file} exists without its CA — restore the CA, or delete ${file}`);
      }
    }
  }
  const fresh = await createCa({
    commonName: options.caCommonName ?? `credfed ${options.federation} development CA`,
    federation: options.federation,
    validDays: options.caValidDays ?? DEV_CA_VALID_DAYS,
    clock,
  });
  await writeNewFile(keyFile, fresh.keyPem, KEY_MODE);
  await writeNewFile(certFile, fresh.certPem, CERT_MODE);
  created.push(certFile, keyFile);
  return loadCa(fresh);
}

/** True when the leaf's files exist and are sound; false when both are missing. */
async function checkExistingLeaf(leaf: LeafPlan, ca: LoadedCa, now: Date): Promise<boolean> {
  const { certFile, keyFile } = leaf.paths;
  const [certPem, keyPem] = await Promise.all([readIfExists(certFile), readIfExists(keyFile)]);
  if (certPem === undefined && keyPem === undefined) return false;
  if (certPem === undefined || keyPem === undefined) {
    throw halfPair(certPem === undefined ? certFile : keyFile, leaf.commonName, certPem === undefined ? keyFile : certFile);
  }
  const cert = withFile(certFile, () => new X509Certificate(certPem));
  const key = withFile(keyFile, () => createPrivateKey(keyPem));
  const problem = (what: string) => new CredfedError('CERT_INVALID', `${certFile} ${what}; delete it and ${keyFile} to re-issue`);
  if (!cert.checkIssued(ca.x509) || !cert.verify(ca.x509.publicKey)) throw problem('was not issued by the CA in this directory');
  if (leaf.usage === 'verdict') {
    const uri = verdictSigningUri({ ...leaf.identity, kind: 'partner' });
    if (!(cert.subjectAltName ?? '').split(', ').includes(`URI:${uri}`)) throw problem(`does not carry ${uri}`);
  } else {
    const identity = identityFromSubjectAltName(cert.subjectAltName);
    if (identity.error !== undefined || !sameIdentity(identity.value, leaf.identity)) {
      throw problem(`does not carry ${formatIdentityUri(leaf.identity)}`);
    }
  }
  if (!samePublicKey(key, cert.publicKey)) throw problem(`does not match the key in ${keyFile}`);
  if (new Date(cert.validTo).getTime() <= now.getTime()) throw problem(`expired on ${new Date(cert.validTo).toISOString()}`);
  return true;
}

function halfPair(missing: string, what: string, present: string): CredfedError {
  return new CredfedError('CERT_FILE_MISSING', `${missing} (${what}); ${present} exists without it — restore it, or delete ${present} to re-create both`);
}

/** Runs a parse and turns its failure into CERT_INVALID naming the file. */
function withFile<T>(path: string, parse: () => T): T {
  try {
    return parse();
  } catch (cause) {
    if (cause instanceof CredfedError) throw new CredfedError(cause.code, `${path}: ${detailOf(cause)}`, { ...cause.details });
    throw new CredfedError('CERT_INVALID', `${path} does not parse`);
  }
}

/** The detail part of a CredfedError's message (after the catalogue message). */
function detailOf(error: CredfedError): string {
  const prefix = `${ERROR_CATALOGUE[error.code].message}: `;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}
