/**
 * Real certificates for the verdict tests, made by the dev CA code
 * (src/pki/dev-ca.ts) on a fixed clock and written to a temp directory: a
 * federation CA, a second CA (another region), a CA that copies the first
 * one's name, verdict-signing and TLS certificates, and a helper that signs
 * arbitrary JWS bytes with any key (to build verdicts the signer refuses to).
 */
import { constants, createPrivateKey, sign, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixedClock } from '../../../src/core/clock.js';
import { composeJws, signingInput, verdictHeader } from '../../../src/core/verdicts/jws.js';
import { CreditLevel, Verdict } from '../../../src/gen/credfed/v1/verdict.js';
import { loadCa, type LoadedCa } from '../../../src/pki/ca-signer.js';
import { createCa, issueCertificate, type CertificateUsage } from '../../../src/pki/dev-ca.js';

export const FEDERATION = 'demo';
export const NODE = 'county-a';
/** The fixed "now" certificates are issued at. */
export const T0 = new Date('2026-03-01T08:00:00.000Z');
export const DAY = 86_400_000;
export const at = (days: number) => new Date(T0.getTime() + days * DAY);

export interface Ca {
  readonly loaded: LoadedCa;
  readonly certPem: string;
  readonly file: string;
}

export interface Leaf {
  readonly certPem: string;
  readonly keyPem: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly serialHex: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

export function tempDir(prefix = 'credfed-verdict-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A CA created `T0 - 1 day`, valid 10 years, its certificate written to `dir/<name>.crt`. */
export async function makeCa(dir: string, name: string, commonName = `credfed ${FEDERATION} ${name} CA`): Promise<Ca> {
  const created = await createCa({ commonName, federation: FEDERATION, validDays: 3650, clock: fixedClock(at(-1)) });
  const file = path.join(dir, `${name}.crt`);
  fs.writeFileSync(file, created.certPem);
  return { loaded: loadCa(created), certPem: created.certPem, file };
}

/** A leaf issued by `ca` at `issuedAt` (not-before 5 minutes earlier), written to `dir/<name>.crt|.key`. */
export async function makeLeaf(
  dir: string,
  name: string,
  ca: Ca,
  opts: { usage?: CertificateUsage; id?: string; issuedAt?: Date; validDays?: number } = {},
): Promise<Leaf> {
  const issued = await issueCertificate({
    ca: ca.loaded,
    identity: { federation: FEDERATION, kind: 'partner', id: opts.id ?? NODE },
    commonName: name,
    usage: opts.usage ?? 'verdict',
    validDays: opts.validDays ?? 30,
    clock: fixedClock(opts.issuedAt ?? T0),
  });
  const certFile = path.join(dir, `${name}.crt`);
  const keyFile = path.join(dir, `${name}.key`);
  fs.writeFileSync(certFile, issued.certPem);
  fs.writeFileSync(keyFile, issued.keyPem, { mode: 0o600 });
  return { ...issued, certFile, keyFile };
}

/** A verdict of county-a issued at `issuedAt` (default T0 + 1 day), valid 5 minutes. */
export function sampleVerdict(over: Partial<Verdict> = {}, issuedAt: Date = at(1)): Verdict {
  return Verdict.fromPartial({
    format: 1,
    issuer: NODE,
    federation: FEDERATION,
    subjectName: '沈阳某某建设有限公司',
    level: CreditLevel.CREDIT_LEVEL_GOOD,
    grade: { grade: 'AAA', scale: '三等九级', evaluator: '沈阳市信用办', validTo: '2027-01-01' },
    recordsWithheld: 2,
    issuedAt: issuedAt.toISOString(),
    validUntil: new Date(issuedAt.getTime() + 300_000).toISOString(),
    agreementId: 'shenyang-benxi',
    agreementVersion: 3,
    verdictId: 'v-0001',
    ...over,
  });
}

const b64der = (pem: string) => new X509Certificate(pem).raw.toString('base64');

/**
 * A compact JWS over exactly `payload` (a Verdict is serialised as the signer
 * does), signed PS256 with `keyPem`, x5c = `x5cPems`. No checks: for building
 * verdicts that must fail verification.
 */
export function craftJws(keyPem: string, x5cPems: readonly string[], payload: Verdict | string, header?: object): string {
  const bytes = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(Verdict.toJSON(payload)), 'utf8');
  const h = header ?? verdictHeader(x5cPems.map(b64der));
  const input = signingInput(h as ReturnType<typeof verdictHeader>, bytes);
  const signature = sign('sha256', Buffer.from(input, 'ascii'), {
    key: createPrivateKey(keyPem),
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: 32,
  });
  return composeJws(input, signature);
}
