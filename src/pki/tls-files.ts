/**
 * Loading the three TLS files a gateway or admin client needs (trust anchors,
 * own certificate chain, own key), checked before they reach grpc-js so that
 * a wrong path or a swapped file is reported by name instead of surfacing as
 * an opaque handshake failure.
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { CredfedError } from '../core/errors.js';
import { samePublicKey } from './key-pair.js';
import { pemBlocks, type PemBlock } from './pem.js';

/** Paths of the TLS files. */
export interface TlsFilePaths {
  /** PEM bundle of the CA certificates trusted for peers. */
  readonly caFile: string;
  /** PEM of the own certificate, leaf first, optionally followed by intermediates. */
  readonly certFile: string;
  /** PEM of the unencrypted private key of the leaf (PKCS#8 or PKCS#1). */
  readonly keyFile: string;
}

/** The TLS files' contents, as grpc-js wants them. */
export interface TlsFiles {
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
}

/** OpenSSL's traditional encrypted PEM header (`BEGIN RSA PRIVATE KEY` + `Proc-Type`). */
const LEGACY_ENCRYPTED = /^Proc-Type:\s*4,ENCRYPTED/m;
const PRIVATE_KEY_LABELS = new Set(['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY']);

/**
 * Reads and checks the TLS files. Throws `CredfedError('CERT_FILE_MISSING')`
 * naming the file that is missing or unreadable, and
 * `CredfedError('CERT_INVALID')` when a file is not PEM of the expected type,
 * the key is encrypted, or the key does not belong to the certificate.
 */
export async function loadTlsFiles(paths: TlsFilePaths): Promise<TlsFiles> {
  const [ca, cert, key] = await Promise.all([
    readTlsFile(paths.caFile, 'CA certificate'),
    readTlsFile(paths.certFile, 'certificate'),
    readTlsFile(paths.keyFile, 'private key'),
  ]);
  checkCertificates(ca, paths.caFile, 'CA certificate');
  const leaf = checkCertificates(cert, paths.certFile, 'certificate');
  const privateKey = checkPrivateKey(key, paths.keyFile);
  if (!samePublicKey(privateKey, leaf.publicKey)) {
    throw invalid(paths.keyFile, 'private key', `does not belong to the certificate in ${paths.certFile}`);
  }
  return { ca, cert, key };
}

async function readTlsFile(path: string, which: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'EIO';
    const detail = code === 'ENOENT' || code === 'ENOTDIR' ? `${path} (${which})` : `${path} (${which}): cannot read, ${code}`;
    throw new CredfedError('CERT_FILE_MISSING', detail, { path, which, errno: code });
  }
}

/** Every PEM block must be a certificate that parses; returns the first (the leaf). */
function checkCertificates(content: Buffer, path: string, which: string): X509Certificate {
  const blocks = pemBlocks(content.toString('latin1'));
  if (blocks.length === 0) throw invalid(path, which, 'contains no PEM certificate');
  const certs = blocks.map((block) => {
    if (block.label !== 'CERTIFICATE') throw invalid(path, which, `contains a ${block.label} block, expected only CERTIFICATE`);
    return parseCertificate(block, path, which);
  });
  return certs[0] as X509Certificate;
}

function parseCertificate(block: PemBlock, path: string, which: string): X509Certificate {
  try {
    return new X509Certificate(block.der);
  } catch {
    throw invalid(path, which, 'contains a CERTIFICATE block that does not parse');
  }
}

/** Exactly one unencrypted private key block that parses. */
function checkPrivateKey(content: Buffer, path: string): KeyObject {
  const text = content.toString('latin1');
  const blocks = pemBlocks(text);
  if (blocks.some((b) => b.label === 'ENCRYPTED PRIVATE KEY') || LEGACY_ENCRYPTED.test(text)) {
    throw invalid(path, 'private key', 'is encrypted; TLS keys must be stored unencrypted');
  }
  const keys = blocks.filter((b) => PRIVATE_KEY_LABELS.has(b.label));
  if (keys.length !== 1 || blocks.length !== 1) {
    throw invalid(path, 'private key', `must contain exactly one PEM private key, found ${blocks.map((b) => b.label).join(', ') || 'none'}`);
  }
  try {
    return createPrivateKey({ key: (keys[0] as PemBlock).pem, format: 'pem' });
  } catch {
    throw invalid(path, 'private key', 'does not parse');
  }
}

function invalid(path: string, which: string, problem: string): CredfedError {
  return new CredfedError('CERT_INVALID', `${path} (${which}) ${problem}`, { path, which });
}
