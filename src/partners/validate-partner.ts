/**
 * Checks a partner definition typed by an administrator or read from the
 * configuration file. Returns the normalised definition or every problem found
 * (DESIGN.md §6.2: untrusted input becomes `{value} | {error}`).
 */
import { parseHostPort } from '../config/parse-config.js';
import { err, ok, type Result } from '../core/result.js';
import { REGISTRY_PARTNER_KINDS, type PartnerDefinition, type RegistryPartnerKind } from './partner.js';

/** Partner id: 2–63 lower-case letters, digits and hyphens, not starting with a hyphen (as in certificates). */
export const PARTNER_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;
export const MAX_DISPLAY_NAME = 200;
export const MAX_ACTOR = 200;
export const MAX_REASON = 1000;

export interface PartnerInput {
  readonly id?: unknown;
  /** Defaults to the id when absent. */
  readonly displayName?: unknown;
  readonly kind?: unknown;
  readonly endpoint?: unknown;
  readonly trustAnchor?: unknown;
}

/** Problems are phrased "field: what is wrong", one per field at most. */
export function validatePartner(input: PartnerInput, opts: { nodeId?: string } = {}): Result<PartnerDefinition, string[]> {
  const problems: string[] = [];
  const id = checkId(input.id, opts.nodeId, problems);
  const displayName =
    input.displayName === undefined && id === undefined ? undefined : checkText('name', input.displayName ?? id, MAX_DISPLAY_NAME, problems);
  const kind = checkKind(input.kind, problems);
  const endpoint = input.endpoint === undefined || input.endpoint === null ? undefined : checkEndpoint(input.endpoint, problems);
  const trustAnchor =
    input.trustAnchor === undefined || input.trustAnchor === null ? undefined : checkTrustAnchor(input.trustAnchor, problems);
  if (problems.length > 0) return err(problems);
  return ok({
    id: id!,
    displayName: displayName!,
    kind: kind!,
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(trustAnchor !== undefined ? { trustAnchor } : {}),
  });
}

/** Checks a partner id alone (e.g. a command-line argument). */
export function validatePartnerId(input: unknown): Result<string, string> {
  const problems: string[] = [];
  const id = checkId(input, undefined, problems);
  return problems.length > 0 ? err(problems[0]!) : ok(id!);
}

/** Who made a change: free text (e.g. `cli:alice`, `config`), non-empty, at most 200 characters. */
export function validateActor(input: unknown): Result<string, string> {
  const problems: string[] = [];
  const actor = checkText('actor', input, MAX_ACTOR, problems);
  return problems.length > 0 ? err(problems[0]!) : ok(actor!);
}

/** Why a change was made: free text of at most 1000 characters (blank counts as none). */
export function validateReason(input: unknown): Result<string | undefined, string> {
  if (input === undefined || (typeof input === 'string' && input.trim() === '')) return ok(undefined);
  const problems: string[] = [];
  const reason = checkText('reason', input, MAX_REASON, problems);
  return problems.length > 0 ? err(problems[0]!) : ok(reason);
}

function checkId(v: unknown, nodeId: string | undefined, problems: string[]): string | undefined {
  if (typeof v !== 'string' || !PARTNER_ID.test(v)) {
    problems.push(`id: ${JSON.stringify(v ?? null)} must be 2-63 lower-case letters, digits or hyphens, not starting with a hyphen`);
    return undefined;
  }
  if (v === nodeId) {
    problems.push(`id: "${v}" is this node's own id`);
    return undefined;
  }
  return v;
}

function checkText(field: string, v: unknown, max: number, problems: string[]): string | undefined {
  if (typeof v !== 'string' || v.trim() === '') {
    problems.push(`${field}: must not be empty`);
    return undefined;
  }
  const text = v.trim();
  if (/\p{Cc}/u.test(text)) {
    problems.push(`${field}: must not contain control characters (line breaks, tabs, …)`);
    return undefined;
  }
  const length = [...text].length;
  if (length > max) {
    problems.push(`${field}: ${length} characters, at most ${max} allowed`);
    return undefined;
  }
  return text;
}

function checkKind(v: unknown, problems: string[]): RegistryPartnerKind | undefined {
  if (typeof v === 'string' && (REGISTRY_PARTNER_KINDS as readonly string[]).includes(v)) return v as RegistryPartnerKind;
  problems.push(`kind: ${JSON.stringify(v ?? null)} is not one of ${REGISTRY_PARTNER_KINDS.join(', ')}`);
  return undefined;
}

function checkEndpoint(v: unknown, problems: string[]): string | undefined {
  if (typeof v !== 'string') return (problems.push('endpoint: expected host:port'), undefined);
  const parsed = parseHostPort(v.trim());
  if (parsed.error !== undefined) return (problems.push(`endpoint: ${parsed.error}`), undefined);
  if (parsed.value.port === 0) return (problems.push('endpoint: port 0 cannot be dialled'), undefined);
  return v.trim();
}

/** SHA-256 fingerprint: 64 hex digits, upper or lower case, optionally colon-separated; stored lower-case without colons. */
function checkTrustAnchor(v: unknown, problems: string[]): string | undefined {
  const hex = typeof v === 'string' ? v.trim().replace(/:/g, '').toLowerCase() : '';
  if (/^[0-9a-f]{64}$/.test(hex)) return hex;
  problems.push('trust anchor: expected the SHA-256 fingerprint of the CA public key (64 hex digits)');
  return undefined;
}
