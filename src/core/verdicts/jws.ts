/**
 * The compact JWS (RFC 7515 §7.1) a verdict travels in (verdict.proto,
 * SignedVerdict): BASE64URL(header) "." BASE64URL(payload) "." BASE64URL(sig).
 * Pure: no keys and no certificates here — this module only splits, joins and
 * checks the envelope; signing and verifying live in src/pki/verdict-*.ts.
 *
 * Parsing is strict on purpose: a verdict is filed as evidence, so one set of
 * bytes must have exactly one reading. Base64url must be canonical (no
 * padding, no stray characters, no non-zero trailing bits) so that two
 * different strings can never carry the same signed bytes.
 */
import { err, ok, type Result } from '../result.js';

/** The only algorithm a verdict is signed with: RSASSA-PSS, SHA-256, MGF1-SHA-256, 32-byte salt. */
export const VERDICT_JWS_ALG = 'PS256';
/** `typ` of a verdict JWS (RFC 7515 §4.1.9: a media type without its "application/" prefix). */
export const VERDICT_JWS_TYP = 'credfed-verdict+json';
/** PSS salt length of PS256 (RFC 7518 §3.5: the hash's output size). */
export const PS256_SALT_LENGTH = 32;

/** Why a JWS envelope was refused; callers branch on `reason`, never on `message`. */
export type JwsReason =
  /** Not three base64url parts, or a part that is not canonical base64url, or a header that is not a JSON object. */
  | 'JWS_MALFORMED'
  /** `alg` is not PS256 (also "none", HS256, RS256 …: never negotiated from the token). */
  | 'ALG_NOT_ALLOWED'
  /** `typ` is not credfed-verdict+json, `x5c` is missing or not base64 DER, or `crit` asks for an extension. */
  | 'HEADER_INVALID';

export interface JwsError {
  readonly reason: JwsReason;
  readonly message: string;
}

/** The protected header of a verdict JWS. */
export interface VerdictJwsHeader {
  readonly alg: typeof VERDICT_JWS_ALG;
  readonly typ: typeof VERDICT_JWS_TYP;
  /** Base64 (not base64url, RFC 7515 §4.1.6) DER of the signer's certificate, then its issuing CA(s). */
  readonly x5c: readonly string[];
}

/** A compact JWS split into its parts, as received. */
export interface JwsParts {
  /** ASCII(BASE64URL(header) "." BASE64URL(payload)): the bytes the signature covers. */
  readonly signingInput: string;
  /** Decoded header bytes (UTF-8 JSON). */
  readonly header: Uint8Array;
  /** Decoded payload bytes, exactly as signed. */
  readonly payload: Uint8Array;
  readonly signature: Uint8Array;
}

/** A verdict JWS with its header checked. */
export interface VerdictJws extends JwsParts {
  readonly parsedHeader: VerdictJwsHeader;
  /** The x5c certificates as DER, leaf first. */
  readonly certificates: readonly Uint8Array[];
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** More certificates than any sane chain holds: bounds the work an x5c can ask for. */
const MAX_X5C = 8;

const fail = (reason: JwsReason, message: string) => err<JwsError>({ reason, message });

/** BASE64URL without padding (RFC 7515 §2) of bytes, or of a string's UTF-8. */
export function base64urlEncode(data: Uint8Array | string): string {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return bytes.toString('base64url');
}

/**
 * Decodes canonical unpadded base64url. Refuses padding, characters outside
 * the alphabet, an impossible length and non-zero trailing bits (Node's own
 * decoder silently drops all of these).
 */
export function base64urlDecode(text: string): Result<Uint8Array, JwsError> {
  if (!BASE64URL.test(text)) return fail('JWS_MALFORMED', 'a part holds a character outside the base64url alphabet (or padding)');
  if (text.length % 4 === 1) return fail('JWS_MALFORMED', `a base64url part cannot be ${text.length} characters long`);
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.toString('base64url') !== text) return fail('JWS_MALFORMED', 'a base64url part is not canonical (non-zero trailing bits)');
  return ok(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/** The header of a verdict JWS, as JSON in this member order. */
export function verdictHeader(x5c: readonly string[]): VerdictJwsHeader {
  return { alg: VERDICT_JWS_ALG, typ: VERDICT_JWS_TYP, x5c: [...x5c] };
}

/** BASE64URL(header) "." BASE64URL(payload): what the signer signs (as ASCII bytes). */
export function signingInput(header: VerdictJwsHeader, payload: Uint8Array): string {
  return `${base64urlEncode(JSON.stringify(header))}.${base64urlEncode(payload)}`;
}

/** The compact serialisation: the signing input, ".", BASE64URL(signature). */
export function composeJws(input: string, signature: Uint8Array): string {
  return `${input}.${base64urlEncode(signature)}`;
}

/** Splits a compact JWS into its decoded parts; nothing is interpreted yet. */
export function splitJws(jws: string): Result<JwsParts, JwsError> {
  const parts = jws.split('.');
  if (parts.length !== 3) return fail('JWS_MALFORMED', `a compact JWS has 3 parts separated by ".", found ${parts.length}`);
  const [h, p, s] = parts as [string, string, string];
  if (h === '' || s === '') return fail('JWS_MALFORMED', h === '' ? 'the header part is empty' : 'the signature part is empty');
  const header = base64urlDecode(h);
  if (header.error) return header;
  const payload = base64urlDecode(p);
  if (payload.error) return payload;
  const signature = base64urlDecode(s);
  if (signature.error) return signature;
  return ok({ signingInput: `${h}.${p}`, header: header.value, payload: payload.value, signature: signature.value });
}

/**
 * Checks a verdict header: a JSON object with alg PS256, typ
 * credfed-verdict+json and a non-empty x5c of base64 DER. A `crit` member is
 * refused: this profile defines no extensions, and RFC 7515 §4.1.11 requires
 * refusing the ones not understood (e.g. `b64: false` would change what is signed).
 */
export function parseVerdictHeader(bytes: Uint8Array): Result<{ header: VerdictJwsHeader; certificates: Uint8Array[] }, JwsError> {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return fail('JWS_MALFORMED', 'the header is not UTF-8 JSON');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return fail('JWS_MALFORMED', 'the header is not a JSON object');
  const h = doc as Record<string, unknown>;
  if (h.alg !== VERDICT_JWS_ALG) return fail('ALG_NOT_ALLOWED', `alg must be ${VERDICT_JWS_ALG}, found ${JSON.stringify(h.alg ?? null)}`);
  if (h.typ !== VERDICT_JWS_TYP) return fail('HEADER_INVALID', `typ must be ${VERDICT_JWS_TYP}, found ${JSON.stringify(h.typ ?? null)}`);
  if ('crit' in h) return fail('HEADER_INVALID', 'crit is not supported: a verdict header has no extensions');
  const x5c = h.x5c;
  if (!Array.isArray(x5c) || x5c.length === 0) return fail('HEADER_INVALID', 'x5c must be a non-empty array (signer certificate first)');
  if (x5c.length > MAX_X5C) return fail('HEADER_INVALID', `x5c holds ${x5c.length} certificates, at most ${MAX_X5C} are accepted`);
  const certificates: Uint8Array[] = [];
  for (const [i, entry] of x5c.entries()) {
    if (typeof entry !== 'string' || entry === '' || !BASE64.test(entry)) {
      return fail('HEADER_INVALID', `x5c[${i}] is not a base64 string (standard alphabet, padded)`);
    }
    certificates.push(new Uint8Array(Buffer.from(entry, 'base64')));
  }
  return ok({ header: { alg: VERDICT_JWS_ALG, typ: VERDICT_JWS_TYP, x5c: x5c as string[] }, certificates });
}

/** Splits a compact JWS and checks its header as a verdict's. */
export function readVerdictJws(jws: string): Result<VerdictJws, JwsError> {
  const parts = splitJws(jws);
  if (parts.error) return parts;
  const header = parseVerdictHeader(parts.value.header);
  if (header.error) return header;
  return ok({ ...parts.value, parsedHeader: header.value.header, certificates: header.value.certificates });
}
