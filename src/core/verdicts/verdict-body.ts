/**
 * The rules a verdict body obeys on both sides of the signature: the signer
 * refuses to sign a body that breaks them, the verifier refuses a signed
 * payload that breaks them. Pure.
 */
import { CreditLevel, Verdict } from '../../gen/credfed/v1/verdict.js';
import { err, ok, type Result } from '../result.js';

/** The only verdict body format so far (Verdict.format). */
export const VERDICT_FORMAT = 1;

/** RFC 3339 with a time zone (the proto asks for UTC with milliseconds; any offset is read correctly). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/** A verdict body with its times read. */
export interface CheckedVerdict {
  readonly verdict: Verdict;
  readonly issuedAt: Date;
  readonly validUntil: Date;
}

/** Checks format 1, issuer and federation present, a stated level, RFC 3339 times and issued_at ≤ valid_until. */
export function checkVerdictBody(verdict: Verdict): Result<CheckedVerdict, string> {
  if (verdict.format !== VERDICT_FORMAT) return err(`format must be ${VERDICT_FORMAT}, found ${verdict.format}`);
  if (verdict.issuer === '' || verdict.federation === '') return err('issuer and federation must be set');
  if (verdict.level === CreditLevel.CREDIT_LEVEL_UNSPECIFIED || verdict.level === CreditLevel.UNRECOGNIZED) {
    return err('level must be stated (a known CreditLevel other than UNSPECIFIED)');
  }
  const issuedAt = timestamp(verdict.issuedAt);
  if (!issuedAt) return err(`issued_at ${JSON.stringify(verdict.issuedAt)} is not an RFC 3339 timestamp`);
  const validUntil = timestamp(verdict.validUntil);
  if (!validUntil) return err(`valid_until ${JSON.stringify(verdict.validUntil)} is not an RFC 3339 timestamp`);
  if (issuedAt.getTime() > validUntil.getTime()) return err(`issued_at ${verdict.issuedAt} is after valid_until ${verdict.validUntil}`);
  return ok({ verdict, issuedAt, validUntil });
}

/**
 * Reads signed payload bytes as a verdict: UTF-8 (strict), a JSON object,
 * Verdict.fromJSON, then {@link checkVerdictBody}. The bytes are never
 * re-serialised; this is only for reading what was signed.
 */
export function decodeVerdictPayload(payload: Uint8Array): Result<CheckedVerdict, string> {
  let doc: unknown;
  try {
    doc = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    return err('the payload is not UTF-8 JSON');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return err('the payload is not a JSON object');
  let verdict: Verdict;
  try {
    verdict = Verdict.fromJSON(doc);
  } catch (e) {
    return err(`the payload is not a Verdict: ${(e as Error).message}`);
  }
  return checkVerdictBody(verdict);
}

function timestamp(text: string): Date | undefined {
  if (!RFC3339.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}
