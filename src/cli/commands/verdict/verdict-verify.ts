/**
 * `credfed verdict verify`: checks a signed verdict offline, the way a
 * bidding office or a court would before filing it as evidence. Needs no
 * store and no running gateway: only the issuer's CA certificate.
 */
import fs from 'node:fs';
import { loadCliConfig } from '../../cli-env.js';
import { CredfedError } from '../../../core/errors.js';
import { creditLevelToJSON, Verdict } from '../../../gen/credfed/v1/verdict.js';
import { parseCrls } from '../../../pki/verdict-revocation.js';
import { verifyVerdict, type VerifiedVerdict } from '../../../pki/verdict-verify.js';
import { EXIT, UsageError, type Command, type Io } from '../../command.js';

export const verdictVerifyCommand: Command = {
  name: 'verdict verify',
  summary: 'verify a signed verdict (compact JWS) offline against trusted CA certificates',
  allowPositionals: true,
  options: {
    trust: { type: 'string', multiple: true },
    crl: { type: 'string', multiple: true },
    config: { type: 'string', short: 'c' },
    json: { type: 'boolean' },
  },
  help: `Usage: credfed verdict verify FILE [--trust CA.pem]... [--crl CRL.pem]... [--config FILE] [--json]

Verifies one signed verdict: FILE holds its compact JWS (surrounding
whitespace is ignored); "-" reads it from stdin. The checks, in order: the
JWS shape and header (alg PS256, typ credfed-verdict+json, x5c), the
RSASSA-PSS signature over the bytes as received, the payload is a verdict,
the signer's certificate chains (x5c order) to a trusted CA by signature,
every certificate was valid when the verdict was issued (not now: a verdict
outlives the certificate that signed it), the certificate is a
verdict-signing one naming the verdict's issuer, and, with --crl, it was not
revoked before the verdict was issued (or ever, for a key compromise).

A verdict past its valid-until still verifies; it is shown as "expired" and
should no longer be relied on for a new decision.

Options:
      --trust FILE    trust the CA certificate(s) in FILE (PEM; repeatable)
      --crl FILE      check revocation against the CRL(s) in FILE (PEM; repeatable)
  -c, --config FILE   trust this node's tls.ca bundle (and its tls.crl when set)
      --json          print one JSON object: verified, reason and message when
                      not, else issuer, federation, level, subject, issuedAt,
                      validUntil, expired, signer {issuer, federation, serial,
                      fingerprint, notAfter, anchorSubject, anchorFingerprint}
                      and the verdict as proto3 JSON

Exit code: 0 verified, 3 not verified (the failed check on stderr, e.g.
SIGNATURE_INVALID, CHAIN_UNTRUSTED, CERT_NOT_VALID_AT_ISSUE, ISSUER_MISMATCH,
CERT_REVOKED), 1 a file could not be read, 2 wrong usage.

EXAMPLES
  credfed verdict verify verdict.jws --trust benxi-ca.crt
  credfed verdict verify verdict.jws -c city.yaml --crl benxi.crl
  jq -r '.verdicts[0].jws' recognition.json | credfed verdict verify - --trust benxi-ca.crt --json
  credfed verdict verify verdict.jws --trust ca.crt --json | jq -r '.level'
`,
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'give the FILE holding the verdict (or - for stdin)' : 'give exactly one FILE');
    const trust = list(values.trust).map((f) => readText(f, 'trusted CA file'));
    const crls = list(values.crl).map((f) => readText(f, 'CRL file'));
    if (typeof values.config === 'string') {
      const config = loadCliConfig(values.config);
      trust.push(readText(config.tls.ca, 'tls.ca'));
      if (config.tls.crl) crls.push(readText(config.tls.crl, 'tls.crl'));
    }
    if (trust.length === 0) throw new UsageError('give --trust CA.pem or --config FILE: a verdict is verified against the CAs you trust');
    const parsedCrls = parseCrls(crls);
    if (parsedCrls.error !== undefined) throw new CredfedError('CRL_INVALID', parsedCrls.error);

    const file = positionals[0] as string;
    const jws = (file === '-' ? await readStdin(io) : readText(file, 'verdict file')).trim();
    const result = verifyVerdict(jws, { trust, crls });
    if (result.error !== undefined) {
      if (values.json) io.out(`${JSON.stringify({ verified: false, reason: result.error.reason, message: result.error.message })}\n`);
      io.err(`credfed verdict verify: not verified: ${result.error.reason}: ${result.error.message}\n`);
      return EXIT.PARTIAL;
    }
    io.out(values.json ? `${JSON.stringify(asJson(result.value))}\n` : describe(result.value));
    return EXIT.OK;
  },
};

/** The level as a word: CREDIT_LEVEL_KEY_ATTENTION → key attention. */
function levelName(v: Verdict): string {
  return creditLevelToJSON(v.level).replace(/^CREDIT_LEVEL_/, '').replace(/_/g, ' ').toLowerCase();
}

function subjectOf(v: Verdict): string {
  const asked = v.asked ? (v.asked.masked || v.asked.value) : '';
  const name = v.subjectName || (v.noRecords ? '(no records held)' : '(unnamed)');
  return asked ? `${name} (${asked})` : name;
}

function describe({ verdict: v, signer, current }: VerifiedVerdict): string {
  const rows: [string, string][] = [
    ['issuer', `${v.issuer} (federation ${v.federation})`],
    ['level', `${levelName(v)}${v.grade ? ` (grade ${v.grade.grade})` : ''}${v.disputed ? ', disputed' : ''}`],
    ['subject', subjectOf(v)],
    ['issued at', v.issuedAt],
    ['valid until', `${v.validUntil}${current ? '' : ' (expired)'}`],
    ['signer serial', signer.serial],
    ['signer SHA-256', signer.fingerprint],
    ['trusted CA', signer.anchorSubject],
  ];
  if (v.agreementId) rows.splice(5, 0, ['agreement', `${v.agreementId} v${v.agreementVersion}`]);
  if (v.verdictId) rows.splice(5, 0, ['verdict id', v.verdictId]);
  return `verdict verified\n${rows.map(([k, val]) => `  ${k.padEnd(15)} ${val}`).join('\n')}\n`;
}

function asJson({ verdict: v, signer, current }: VerifiedVerdict): object {
  return {
    verified: true,
    issuer: v.issuer,
    federation: v.federation,
    level: levelName(v),
    subject: subjectOf(v),
    issuedAt: v.issuedAt,
    validUntil: v.validUntil,
    expired: !current,
    signer,
    verdict: Verdict.toJSON(v),
  };
}

function list(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

function readText(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new CredfedError('NOT_FOUND', `${what} ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
}

async function readStdin(io: Io): Promise<string> {
  if (!io.stdin) throw new UsageError('"-" reads the verdict from stdin, which is not available');
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
