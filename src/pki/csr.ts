/**
 * Certificate signing requests (PKCS#10) from outside: parsed strictly into
 * the facts the CA needs, or refused with the reason. The key type is read
 * with Node's crypto from the request's SubjectPublicKeyInfo first, so an EC
 * or Ed25519 key is named instead of failing inside node-forge (RSA only);
 * the RSA signature is then verified with node-forge.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import type { ErrorCode } from '../core/errors.js';
import { err, ok, type Result } from '../core/result.js';
import { pemBlocks } from './pem.js';
import { x509 } from './x509-lib.js';

/** Smallest RSA modulus accepted. */
export const MIN_RSA_BITS = 2048;
/** Largest RSA modulus accepted (bigger keys only cost time on every handshake). */
export const MAX_RSA_BITS = 16384;

const CSR_LABELS = new Set(['CERTIFICATE REQUEST', 'NEW CERTIFICATE REQUEST']);
const OID_COMMON_NAME = '2.5.4.3';

/** What a well-formed CSR with an acceptable key tells the CA. */
export interface ParsedCsr {
  /** The subject's public key (RSA). */
  readonly publicKey: KeyObject;
  readonly rsaBits: number;
  /** Subject common names, as written (usually one or none). */
  readonly commonNames: readonly string[];
  /** URI subject alternative names of the extension request. */
  readonly uris: readonly string[];
  /** DNS subject alternative names of the extension request (informational: the CA decides the names). */
  readonly dnsNames: readonly string[];
}

/** Why a CSR was refused: CSR_INVALID, KEY_WEAK or KEY_UNSUPPORTED, and a message naming the problem. */
export interface CsrProblem {
  readonly code: Extract<ErrorCode, 'CSR_INVALID' | 'KEY_WEAK' | 'KEY_UNSUPPORTED'>;
  readonly message: string;
}

const problem = (code: CsrProblem['code'], message: string) => err<CsrProblem>({ code, message });

/**
 * Parses one PEM CSR (`BEGIN CERTIFICATE REQUEST`). Refuses text that holds
 * no or several requests, a request that does not parse or whose signature
 * does not verify (CSR_INVALID), an RSA key below {@link MIN_RSA_BITS}
 * (KEY_WEAK, naming the bits), and any other key type (KEY_UNSUPPORTED,
 * naming it: EC with its curve, Ed25519, RSA-PSS, DSA …).
 */
export function parseCsr(pem: string): Result<ParsedCsr, CsrProblem> {
  const blocks = pemBlocks(pem).filter((b) => CSR_LABELS.has(b.label));
  if (blocks.length === 0) return problem('CSR_INVALID', 'no PEM block "CERTIFICATE REQUEST" found');
  if (blocks.length > 1) return problem('CSR_INVALID', `${blocks.length} certificate requests found, expected one`);
  const der = blocks[0]!.der;

  let request: InstanceType<typeof x509.Pkcs10CertificateRequest>;
  try {
    request = new x509.Pkcs10CertificateRequest(new Uint8Array(der));
  } catch {
    return problem('CSR_INVALID', 'the request is not a DER PKCS#10 structure');
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(request.publicKey.rawData), format: 'der', type: 'spki' });
  } catch {
    return problem('KEY_UNSUPPORTED', `the public key (algorithm ${request.publicKey.algorithm.name}) cannot be read`);
  }
  const keyCheck = checkKey(key);
  if (keyCheck.error !== undefined) return keyCheck;

  let csr: forge.pki.CertificateSigningRequest;
  try {
    csr = forge.pki.certificationRequestFromAsn1(forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary'))));
  } catch (cause) {
    return problem('CSR_INVALID', `the request does not parse (${(cause as Error).message})`);
  }
  let verified: boolean;
  try {
    verified = csr.verify();
  } catch (cause) {
    return problem('CSR_INVALID', `the signature cannot be checked (${(cause as Error).message})`);
  }
  if (!verified) return problem('CSR_INVALID', 'the signature does not verify: the request was altered or not signed with its key');

  const names = subjectAltNames(csr);
  if (names.error !== undefined) return problem('CSR_INVALID', names.error);
  return ok({
    publicKey: key,
    rsaBits: keyCheck.value,
    commonNames: commonNames(csr),
    uris: names.value.uris,
    dnsNames: names.value.dnsNames,
  });
}

/** RSA between the bounds; returns its modulus length. */
export function checkKey(key: KeyObject): Result<number, CsrProblem> {
  const type = key.asymmetricKeyType;
  if (type !== 'rsa') return problem('KEY_UNSUPPORTED', `${describeKeyType(key)} keys are not supported; use RSA (3072 bits recommended)`);
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) return problem('KEY_WEAK', `RSA key of ${bits} bits; at least ${MIN_RSA_BITS} are required (3072 recommended)`);
  if (bits > MAX_RSA_BITS) return problem('KEY_UNSUPPORTED', `RSA key of ${bits} bits; at most ${MAX_RSA_BITS} are supported`);
  return ok(bits);
}

/** "EC (P-256)", "Ed25519", "RSA-PSS", … */
function describeKeyType(key: KeyObject): string {
  switch (key.asymmetricKeyType) {
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      return `EC (${CURVE_NAMES[curve ?? ''] ?? curve ?? 'unknown curve'})`;
    }
    case 'ed25519':
      return 'Ed25519';
    case 'ed448':
      return 'Ed448';
    case 'rsa-pss':
      return 'RSA-PSS';
    case 'dsa':
      return 'DSA';
    case 'x25519':
      return 'X25519';
    case 'x448':
      return 'X448';
    default:
      return key.asymmetricKeyType ?? 'unknown';
  }
}

const CURVE_NAMES: Readonly<Record<string, string>> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

function commonNames(csr: forge.pki.CertificateSigningRequest): string[] {
  return csr.subject.attributes
    .filter((a) => a.type === OID_COMMON_NAME && typeof a.value === 'string')
    .map((a) => decodeValue(a.value as string, a.valueTagClass as number | undefined));
}

/** node-forge keeps UTF8String values as raw bytes. */
function decodeValue(value: string, tag: number | undefined): string {
  if (tag !== (forge.asn1.Type.UTF8 as number)) return value;
  try {
    return forge.util.decodeUtf8(value);
  } catch {
    return value;
  }
}

interface RequestedNames {
  readonly uris: string[];
  readonly dnsNames: string[];
}

/** URI and DNS names of the subjectAltName in the extensionRequest attribute, if any. */
function subjectAltNames(csr: forge.pki.CertificateSigningRequest): Result<RequestedNames, string> {
  const names: RequestedNames = { uris: [], dnsNames: [] };
  const attribute = csr.getAttribute({ name: 'extensionRequest' }) as { extensions?: unknown[] } | null;
  for (const ext of attribute?.extensions ?? []) {
    const e = ext as { name?: string; altNames?: { type: number; value: string }[] };
    if (e.name !== 'subjectAltName') continue;
    if (!Array.isArray(e.altNames)) return err('the subjectAltName extension does not parse');
    for (const n of e.altNames) {
      if (n.type === 6) names.uris.push(n.value);
      else if (n.type === 2) names.dnsNames.push(n.value);
    }
  }
  return ok(names);
}
