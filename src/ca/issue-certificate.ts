/**
 * Issuing a certificate: from a CSR, from a key generated here (RSA 3072), or
 * for an existing public key (renewal with the same key). Every check runs
 * before anything is written; the certificate is signed and its row inserted
 * in one transaction that also holds the CA row and the partner's registry
 * row, and the caller's `onRecorded` (staging output files) runs inside it:
 * no certificate exists without its row, and no row without its files.
 */
import type { KeyObject } from 'node:crypto';
import { CredfedError } from '../core/errors.js';
import { prepareCertificate, type CertificateSigner } from '../pki/ca-signer.js';
import { checkKey, parseCsr } from '../pki/csr.js';
import { formatIdentityUri, validateIdentity, type PeerIdentity } from '../pki/identity.js';
import { RSA_BITS, generateRsaKeyPair } from '../pki/key-pair.js';
import { verdictSigningUri } from '../pki/verdict-signing.js';
import {
  getCertificate,
  insertCertificate,
  partnerExists,
  type CertificateRow,
} from '../store/repos/certificates-repo.js';
import type { Queryable } from '../store/repos/queryable.js';
import type { CaContext } from './ca-context.js';
import { lockCa, type UnlockedCa } from './ca-unlock.js';
import {
  DEFAULT_VALID_DAYS,
  profileCommonName,
  profileIdentity,
  profileUsage,
  type CertificateProfile,
} from './certificate-profile.js';
import { checkCsrIdentity } from './csr-identity.js';

/** Where the subject's key comes from. */
export type KeySource =
  | { readonly kind: 'csr'; readonly pem: string }
  | { readonly kind: 'generate' }
  | { readonly kind: 'existing'; readonly publicKey: KeyObject };

export interface IssueRequest {
  readonly profile: CertificateProfile;
  /** Partner id, or admin name for the admin profile. */
  readonly id: string;
  readonly key: KeySource;
  /** Default per profile (DEFAULT_VALID_DAYS); capped at the CA's not-after. */
  readonly validDays?: number;
  /** Extra DNS names (tls only; the partner id is always one). */
  readonly dnsNames?: readonly string[];
  /** IP addresses (tls only). */
  readonly ipAddresses?: readonly string[];
  /** Serial of the certificate this one renews (it must still be valid). */
  readonly renewedFrom?: string;
}

/** What will be issued: shown by --dry-run, checked in full. */
export interface IssuePlan {
  readonly profile: CertificateProfile;
  readonly id: string;
  readonly uri: string;
  readonly commonName: string;
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
  readonly validDays: number;
  readonly key: 'csr' | 'generated' | 'existing';
  readonly rsaBits: number;
  readonly renewedFrom?: string;
}

export interface IssuedCertificate {
  readonly row: CertificateRow;
  /** The generated key (KeySource `generate` only). */
  readonly privateKey?: KeyObject;
}

export interface IssueHooks {
  /** Runs in the transaction after the row is inserted; throwing rolls the issuance back. */
  readonly onRecorded?: (issued: IssuedCertificate) => Promise<void>;
}

interface Prepared {
  readonly plan: IssuePlan;
  readonly identity: PeerIdentity;
  /** The subject's public key, unless one is to be generated. */
  readonly publicKey?: KeyObject;
  readonly sign: CertificateSigner;
}

/**
 * Checks a request completely without signing or writing anything. Throws
 * PARTNER_NOT_FOUND (unknown or malformed partner id), CSR_INVALID, KEY_WEAK,
 * KEY_UNSUPPORTED, CERT_IDENTITY_MISMATCH, or CERT_INVALID (names, validity,
 * an expired CA).
 */
export async function planIssue(ctx: CaContext, unlocked: UnlockedCa, request: IssueRequest): Promise<IssuePlan> {
  return (await prepare(ctx, unlocked, request)).plan;
}

/** Issues the certificate (see the module comment). Throws what {@link planIssue} throws. */
export async function issueCertificate(
  ctx: CaContext,
  unlocked: UnlockedCa,
  request: IssueRequest,
  hooks: IssueHooks = {},
): Promise<IssuedCertificate> {
  const prepared = await prepare(ctx, unlocked, request);
  const generated = prepared.publicKey === undefined ? (await generateRsaKeyPair()).privateKey : undefined;
  const subjectKey = prepared.publicKey ?? (generated as KeyObject);
  return ctx.store.transaction(async (tx) => {
    await lockCa(tx, unlocked);
    await checkRegistry(tx, ctx, request);
    if (request.renewedFrom !== undefined) await checkStillValid(tx, request.renewedFrom);
    const signed = prepared.sign(subjectKey);
    const row: CertificateRow = {
      serial: signed.serialHex,
      partnerId: request.id,
      profile: request.profile,
      certPem: signed.certPem,
      notBefore: signed.notBefore,
      notAfter: signed.notAfter,
      status: 'valid',
      revokedAt: null,
      revocationReason: null,
      renewedFrom: request.renewedFrom ?? null,
      createdAt: ctx.clock.now(),
    };
    await insertCertificate(tx, row);
    const issued: IssuedCertificate = generated ? { row, privateKey: generated } : { row };
    await hooks.onRecorded?.(issued);
    return issued;
  });
}

async function prepare(ctx: CaContext, unlocked: UnlockedCa, request: IssueRequest): Promise<Prepared> {
  const identity = profileIdentity(request.profile, ctx.federation, request.id);
  const valid = validateIdentity(identity);
  if (valid.error !== undefined) {
    throw new CredfedError(identity.kind === 'partner' ? 'PARTNER_NOT_FOUND' : 'CERT_INVALID', valid.error.message, { rule: valid.error.rule });
  }
  const uri = request.profile === 'verdict' ? verdictSigningUri({ ...identity, kind: 'partner' }) : formatIdentityUri(identity);
  await checkRegistry(ctx.store, ctx, request);

  let publicKey: KeyObject | undefined;
  let rsaBits = RSA_BITS;
  if (request.key.kind === 'csr') {
    const csr = parseCsr(request.key.pem);
    if (csr.error !== undefined) throw new CredfedError(csr.error.code, csr.error.message);
    const claimed = checkCsrIdentity(csr.value, { federation: ctx.federation, profile: request.profile, id: request.id });
    if (claimed.error !== undefined) throw new CredfedError('CERT_IDENTITY_MISMATCH', claimed.error);
    publicKey = csr.value.publicKey;
    rsaBits = csr.value.rsaBits;
  } else if (request.key.kind === 'existing') {
    const checked = checkKey(request.key.publicKey);
    if (checked.error !== undefined) throw new CredfedError(checked.error.code, checked.error.message);
    publicKey = request.key.publicKey;
    rsaBits = checked.value;
  }

  const extraDns = request.dnsNames ?? [];
  const ipAddresses = request.ipAddresses ?? [];
  if (request.profile !== 'tls' && (extraDns.length > 0 || ipAddresses.length > 0)) {
    throw new CredfedError('CERT_INVALID', `only tls certificates carry DNS names and IP addresses, not ${request.profile} certificates`);
  }
  const dnsNames = request.profile === 'tls' ? [...new Set([request.id, ...extraDns])] : [];
  const validDays = request.validDays ?? DEFAULT_VALID_DAYS[request.profile];
  const commonName = profileCommonName(request.profile, request.id);
  const sign = prepareCertificate({
    ca: unlocked.ca,
    identity,
    commonName,
    dnsNames,
    ipAddresses,
    validDays,
    usage: profileUsage(request.profile),
    clock: ctx.clock,
  });
  const plan: IssuePlan = {
    profile: request.profile,
    id: request.id,
    uri,
    commonName,
    dnsNames,
    ipAddresses,
    validDays,
    key: request.key.kind === 'generate' ? 'generated' : request.key.kind,
    rsaBits,
    ...(request.renewedFrom !== undefined ? { renewedFrom: request.renewedFrom } : {}),
  };
  return { plan, identity, sign, ...(publicKey ? { publicKey } : {}) };
}

/**
 * A partner certificate needs the partner in the registry (its row locked
 * until the transaction ends); admin certificates and the node's own gateway
 * certificate need none.
 */
async function checkRegistry(db: Queryable, ctx: CaContext, request: IssueRequest): Promise<void> {
  if (request.profile === 'admin' || request.id === ctx.nodeId) return;
  if (!(await partnerExists(db, request.id))) {
    throw new CredfedError('PARTNER_NOT_FOUND', `${JSON.stringify(request.id)} is not in the partner registry (credfed partner list); add it first`, {
      partnerId: request.id,
    });
  }
}

async function checkStillValid(tx: Queryable, serial: string): Promise<void> {
  const old = await getCertificate(tx, serial, { forUpdate: true });
  if (!old) throw new CredfedError('CERT_NOT_FOUND', serial);
  if (old.status !== 'valid') throw new CredfedError('CERT_INVALID', `certificate ${serial} was revoked; issue a new one instead of renewing it`);
}
