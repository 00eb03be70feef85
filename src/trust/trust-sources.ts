/** Reads what the trust material is built from: the TLS files (checked) and the store's CA, revocations and anchors. */
import { readFile } from 'node:fs/promises';
import { CredfedError } from '../core/errors.js';
import { loadTlsFiles } from '../pki/tls-files.js';
import { getCa, revokedCertificates } from '../store/repos/certificates-repo.js';
import type { Queryable } from '../store/repos/queryable.js';
import { listTrustAnchors } from '../store/repos/trust-anchors-repo.js';
import type { TrustSources } from './trust-material.js';

export interface TrustPaths {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
  readonly crl?: string;
}

/** Throws CERT_FILE_MISSING / CERT_INVALID for unusable files; store errors as they come. */
export async function readTrustSources(store: Queryable, paths: TrustPaths): Promise<TrustSources> {
  const [files, crl, ca, revoked, anchors] = await Promise.all([
    loadTlsFiles({ caFile: paths.ca, certFile: paths.cert, keyFile: paths.key }),
    paths.crl === undefined ? undefined : readCrlFile(paths.crl),
    getCa(store),
    revokedCertificates(store),
    listTrustAnchors(store),
  ]);
  return {
    files: { ...files, ...(crl ? { crl } : {}) },
    ...(ca ? { storeCa: { certPem: ca.certPem, crlPem: ca.crlPem } } : {}),
    revokedSerials: revoked.map((r) => r.serial),
    anchors,
  };
}

async function readCrlFile(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'EIO';
    throw new CredfedError('CERT_FILE_MISSING', `${path} (tls.crl): ${code}`, { path, which: 'CRL', errno: code });
  }
}
