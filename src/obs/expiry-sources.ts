/**
 * Where the certificates and CRLs watched for expiry come from: this node's
 * TLS files (re-read each time, so a replaced certificate is seen), the CA in
 * the store with its CRL, the valid certificates that CA issued, and the
 * foreign CAs bound to partners (trust_anchors) with their CRLs, and the
 * `tls.crl` file (a CA this node trusts but does not run, e.g. the city's CA
 * at a county).
 */
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { pemBlocks } from '../pki/pem.js';
import { x509 } from '../pki/x509-lib.js';
import { getCa, listCertificates, type CertificateRow } from '../store/repos/certificates-repo.js';
import { listTrustAnchors } from '../store/repos/trust-anchors-repo.js';
import type { Store } from '../store/store.js';
import type { WatchedCertificate, WatchedCrl } from './expiry-evaluation.js';

/** What one source found. */
export interface Watched {
  readonly certificates: readonly WatchedCertificate[];
  readonly crls: readonly WatchedCrl[];
}

/** A named source: when it fails, the monitor keeps what it found last and logs the problem. */
export interface ExpirySource {
  readonly name: string;
  read(now: Date): Promise<Watched>;
}

export interface GatewaySourceOptions {
  readonly nodeId: string;
  readonly store: Store;
  /** tls.cert and tls.ca. */
  readonly certFile: string;
  readonly caFile: string;
  /** tls.crl, when set. */
  readonly crlFile?: string;
}

const PAGE = 500;
/** "Not yet expired" with no upper bound, in a range every timestamp column holds. */
const FAR_FUTURE = new Date('9999-12-31T00:00:00Z');

/** The sources of one gateway. */
export function gatewaySources(opts: GatewaySourceOptions): ExpirySource[] {
  return [
    { name: 'tls.cert', read: async () => ({ certificates: [ownCertificate(opts.nodeId, await readFile(opts.certFile, 'latin1'))], crls: [] }) },
    { name: 'tls.ca', read: async () => ({ certificates: caCertificates(await readFile(opts.caFile, 'latin1')), crls: [] }) },
    { name: 'store CA', read: () => storeCa(opts.store, opts.nodeId) },
    { name: 'issued certificates', read: (now) => issuedCertificates(opts.store, now) },
    { name: 'trust anchors', read: () => trustAnchors(opts.store) },
    ...(opts.crlFile === undefined
      ? []
      : [{ name: 'tls.crl', read: async () => ({ certificates: [], crls: fileCrl(await readFile(opts.crlFile!, 'latin1')) }) }]),
  ];
}

/** The CRL of the `tls.crl` file (none when it has no nextUpdate: such a CRL never goes stale). */
export function fileCrl(pem: string): WatchedCrl[] {
  const block = pemBlocks(pem).find((b) => b.label === 'X509 CRL' || b.label === 'CRL');
  if (!block) throw new Error('holds no PEM CRL');
  const crl = new x509.X509Crl(new Uint8Array(block.der));
  return crl.nextUpdate ? [{ issuer: 'tls.crl', source: 'file', nextUpdate: crl.nextUpdate }] : [];
}

/** The leaf (first certificate) of this node's chain. */
export function ownCertificate(nodeId: string, pem: string): WatchedCertificate {
  const block = pemBlocks(pem).find((b) => b.label === 'CERTIFICATE');
  if (!block) throw new Error('holds no certificate');
  return { role: 'own', subject: nodeId, ...facts(new X509Certificate(block.der)) };
}

/** Every certificate of the trusted CA bundle. */
export function caCertificates(pem: string): WatchedCertificate[] {
  return pemBlocks(pem)
    .filter((b) => b.label === 'CERTIFICATE')
    .map((b) => {
      const cert = new X509Certificate(b.der);
      return { role: 'ca', subject: subjectText(cert), ...facts(cert) };
    });
}

async function storeCa(store: Store, nodeId: string): Promise<Watched> {
  const ca = await getCa(store);
  if (!ca) return { certificates: [], crls: [] };
  const cert = new X509Certificate(ca.certPem);
  return {
    certificates: [{ role: 'ca', subject: subjectText(cert), ...facts(cert) }],
    crls: ca.crlNextUpdate ? [{ issuer: nodeId, source: 'own', nextUpdate: ca.crlNextUpdate }] : [],
  };
}

/** Every valid (not revoked, not yet expired) certificate our CA issued; one renewed by another valid one says so. */
async function issuedCertificates(store: Store, now: Date): Promise<Watched> {
  const rows: CertificateRow[] = [];
  for (;;) {
    const last = rows[rows.length - 1];
    const page = await listCertificates(store, {
      expiring: { now, by: FAR_FUTURE },
      after: last ? { notAfter: last.notAfter, serial: last.serial } : undefined,
      limit: PAGE,
    });
    rows.push(...page);
    if (page.length < PAGE) break;
  }
  const renewedBy = new Map(rows.filter((r) => r.renewedFrom !== null).map((r) => [r.renewedFrom!, r.serial]));
  return {
    certificates: rows.map((r) => ({
      role: 'partner',
      subject: r.partnerId,
      serial: r.serial,
      notAfter: r.notAfter,
      ...(renewedBy.has(r.serial) ? { renewedBy: renewedBy.get(r.serial)! } : {}),
    })),
    crls: [],
  };
}

async function trustAnchors(store: Store): Promise<Watched> {
  const anchors = await listTrustAnchors(store);
  return {
    certificates: anchors.map((a) => {
      const cert = new X509Certificate(a.certPem);
      return { role: 'anchor', subject: a.subject, serial: serialOf(cert), notAfter: a.notAfter };
    }),
    crls: anchors.map((a) => ({ issuer: a.partnerId, source: 'anchor', nextUpdate: a.crlNextUpdate })),
  };
}

/**
 * Joins what the sources found: a CA in both tls.ca and the store is one
 * series; a certificate our CA issued that is this node's own is reported
 * as `own` only.
 */
export function mergeWatched(parts: readonly Watched[]): Watched {
  const seen = new Set<string>();
  const own = new Set<string>();
  for (const p of parts) for (const c of p.certificates) if (c.role === 'own') own.add(serialKey(c.serial));
  const certificates: WatchedCertificate[] = [];
  for (const p of parts) {
    for (const c of p.certificates) {
      const key = `${c.role}|${serialKey(c.serial)}|${c.subject}`;
      if (seen.has(key) || (c.role === 'partner' && own.has(serialKey(c.serial)))) continue;
      seen.add(key);
      certificates.push(c);
    }
  }
  return { certificates, crls: parts.flatMap((p) => p.crls) };
}

function facts(cert: X509Certificate): { serial: string; notAfter: Date } {
  return { serial: serialOf(cert), notAfter: new Date(cert.validTo) };
}

/** Lower-case hex, as the certificates table stores serials. */
const serialOf = (cert: X509Certificate): string => cert.serialNumber.toLowerCase();
/** Leading zeros do not make another serial. */
const serialKey = (serial: string): string => serial.replace(/^0+(?=.)/, '');

const subjectText = (cert: X509Certificate): string => cert.subject.split('\n').join(', ');
