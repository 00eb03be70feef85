/**
 * Signing verdicts (verdict.proto, SignedVerdict): a node's verdict-signing
 * certificate (`credfed cert issue --profile verdict`) and key, checked once
 * at load so a misconfigured node refuses to start instead of handing out
 * verdicts nobody can verify.
 *
 * `sign` is synchronous (one RSA 3072 PSS signature, ~2 ms) and refuses a
 * verdict that its own verifier would refuse (another issuer, issued outside
 * the certificate's validity, …): an invalid verdict is a bug here, not
 * something for the asker to discover.
 */
import { constants, createPrivateKey, sign as cryptoSign, type KeyObject, type X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { systemClock, type Clock } from '../core/clock.js';
import { CredfedError } from '../core/errors.js';
import { composeJws, PS256_SALT_LENGTH, signingInput, verdictHeader } from '../core/verdicts/jws.js';
import { SignedVerdict, Verdict } from '../gen/credfed/v1/verdict.js';
import { samePublicKey } from './key-pair.js';
import { certificatesFromPem, serialOf, validAt, validityOf, verdictIdentityOf } from './verdict-certificate.js';
import { checkVerdictBody } from '../core/verdicts/verdict-body.js';
import { verdictSigningUri } from './verdict-signing.js';

/** Smallest RSA modulus accepted for a verdict key. */
const MIN_RSA_BITS = 2048;

/** Options of {@link VerdictSigner.load}. */
export interface VerdictSignerOptions {
  /** PEM of the verdict-signing certificate (first CERTIFICATE block; further blocks may be its CAs). */
  readonly certFile: string;
  /** PEM of its private key (PKCS#8 or PKCS#1, unencrypted). */
  readonly keyFile: string;
  /** PEM bundle holding the issuing CA (may hold several certificates; the one that signed the leaf is used). */
  readonly caFile: string;
  readonly federation: string;
  readonly nodeId: string;
  /** Time source of the expiry check at load; default the system clock. */
  readonly clock?: Clock;
}

/** A loaded verdict signer: key, certificate and the x5c chain that goes into every header. */
export class VerdictSigner {
  /** PEM of the verdict-signing certificate. */
  readonly certificatePem: string;
  /** Its not-after: verdicts cannot be issued past it (renew before). */
  readonly notAfter: Date;
  /** Its serial, lower-case hex. */
  readonly serial: string;
  readonly federation: string;
  readonly nodeId: string;

  private constructor(
    private readonly key: KeyObject,
    private readonly chain: readonly X509Certificate[],
    private readonly x5c: readonly string[],
  ) {
    const leaf = chain[0] as X509Certificate;
    this.certificatePem = leaf.toString();
    this.notAfter = validityOf(leaf).notAfter;
    this.serial = serialOf(leaf);
    const identity = verdictIdentityOf(leaf).value as { federation: string; id: string };
    this.federation = identity.federation;
    this.nodeId = identity.id;
  }

  /**
   * Reads and checks the signer. Throws `VERDICT_SIGNER_MISSING` when a file
   * cannot be read, `VERDICT_SIGNER_INVALID` naming the problem when the
   * certificate or key does not parse, the key is not RSA (≥ 2048 bits) or
   * does not match, the certificate lacks the verdict extKeyUsage or the URI
   * `spiffe://<federation>/partner/<nodeId>/verdict`, is not valid now, or no
   * certificate of `caFile` issued it.
   */
  static async load(opts: VerdictSignerOptions): Promise<VerdictSigner> {
    const [certText, keyText, caText] = await Promise.all([
      readSignerFile(opts.certFile, 'verdict-signing certificate'),
      readSignerFile(opts.keyFile, 'verdict-signing key'),
      readSignerFile(opts.caFile, 'CA bundle'),
    ]);
    const invalid = (what: string) => new CredfedError('VERDICT_SIGNER_INVALID', what, { certFile: opts.certFile });
    const certs = certificatesFromPem(certText);
    if (certs.error !== undefined || certs.value.length === 0) throw invalid(`${opts.certFile}: ${certs.error ?? 'holds no certificate'}`);
    const leaf = certs.value[0] as X509Certificate;
    const key = readKey(keyText, opts.keyFile);
    if (!samePublicKey(key, leaf.publicKey)) throw invalid(`${opts.keyFile} is not the key of ${opts.certFile}`);

    const identity = verdictIdentityOf(leaf);
    if (identity.error !== undefined) throw invalid(`${opts.certFile} is not a verdict-signing certificate: ${identity.error}`);
    if (identity.value.federation !== opts.federation || identity.value.id !== opts.nodeId) {
      const want = verdictSigningUri({ federation: opts.federation, kind: 'partner', id: opts.nodeId });
      throw invalid(`${opts.certFile} names spiffe://${identity.value.federation}/partner/${identity.value.id}/verdict, this node is ${want}`);
    }
    const now = (opts.clock ?? systemClock).now();
    if (!validAt(leaf, now)) {
      const { notBefore, notAfter } = validityOf(leaf);
      throw invalid(`${opts.certFile} is valid ${notBefore.toISOString()} – ${notAfter.toISOString()}, not now (${now.toISOString()})`);
    }

    const cas = certificatesFromPem(caText);
    if (cas.error !== undefined) throw invalid(`${opts.caFile}: ${cas.error}`);
    const chain = issuerChain(leaf, [...cas.value, ...certs.value.slice(1)]);
    if (chain.length === 1) throw invalid(`no CA certificate in ${opts.caFile} issued ${opts.certFile} (checked by signature)`);
    const x5c = chain.map((c) => c.raw.toString('base64'));
    return new VerdictSigner(key, chain, x5c);
  }

  /**
   * Signs a verdict: payload = UTF-8 of `JSON.stringify(Verdict.toJSON(v))`,
   * header with the x5c chain, RSASSA-PSS SHA-256 with a 32-byte salt. Throws
   * `VERDICT_INVALID` for a verdict of another issuer or federation, not of
   * format 1, with malformed times, or issued outside the validity of the
   * certificates (a verifier would refuse it).
   */
  sign(verdict: Verdict): SignedVerdict {
    const body = checkVerdictBody(verdict);
    if (body.error !== undefined) throw new CredfedError('VERDICT_INVALID', body.error);
    if (verdict.issuer !== this.nodeId || verdict.federation !== this.federation) {
      throw new CredfedError('VERDICT_INVALID', `issuer ${verdict.federation}/${verdict.issuer} is not this signer (${this.federation}/${this.nodeId})`);
    }
    const outside = this.chain.find((c) => !validAt(c, body.value.issuedAt));
    if (outside) throw new CredfedError('VERDICT_INVALID', `issued_at ${verdict.issuedAt} is outside the validity of ${outside.subject.replace(/\n/g, ', ')}`);

    const json = JSON.stringify(Verdict.toJSON(verdict));
    const payload = Buffer.from(json, 'utf8');
    const input = signingInput(verdictHeader(this.x5c), payload);
    const signature = cryptoSign('sha256', Buffer.from(input, 'ascii'), {
      key: this.key,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: PS256_SALT_LENGTH, // MGF1 uses the signature's hash, SHA-256
    });
    // the display copy is what the signed bytes decode to, never the caller's object
    return { jws: composeJws(input, signature), verdict: Verdict.fromJSON(JSON.parse(json)) };
  }
}

async function readSignerFile(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (cause) {
    const code = (cause as { code?: string }).code ?? 'unreadable';
    throw new CredfedError('VERDICT_SIGNER_MISSING', `${what} ${file} cannot be read (${code})`, { file });
  }
}

function readKey(pem: string, file: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch (cause) {
    const code = (cause as { code?: string }).code;
    const why = code === 'ERR_MISSING_PASSPHRASE' ? 'is encrypted (a verdict key is read without a passphrase)' : 'does not hold a private key';
    throw new CredfedError('VERDICT_SIGNER_INVALID', `${file} ${why}`, { keyFile: file });
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (key.asymmetricKeyType !== 'rsa' || bits < MIN_RSA_BITS) {
    throw new CredfedError('VERDICT_SIGNER_INVALID', `${file} is ${key.asymmetricKeyType ?? 'unknown'} ${bits || ''}, PS256 needs RSA of at least ${MIN_RSA_BITS} bits`, { keyFile: file });
  }
  return key;
}

/**
 * The leaf and the CAs above it, each found by signature (never by name
 * alone) among `candidates`, up to a self-signed root or the last one found.
 */
function issuerChain(leaf: X509Certificate, candidates: readonly X509Certificate[]): X509Certificate[] {
  const chain = [leaf];
  for (let cert = leaf; chain.length <= candidates.length; ) {
    if (chain.length > 1 && cert.checkIssued(cert) && cert.verify(cert.publicKey)) break; // reached a root
    const issuer = candidates.find((c) => c.ca && !chain.includes(c) && cert.checkIssued(c) && cert.verify(c.publicKey));
    if (!issuer) break;
    chain.push(issuer);
    cert = issuer;
  }
  return chain;
}
