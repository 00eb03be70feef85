/**
 * Identity carried in credfed certificates: one SPIFFE-style URI SAN,
 * `spiffe://<federation>/partner/<partnerId>` for gateways and
 * `spiffe://<federation>/admin/<name>` for admin clients. A peer's identity
 * comes from its verified certificate only (DESIGN.md §2.5).
 */
import type { PeerCertificate } from 'node:tls';
import { CredfedError } from '../core/errors.js';
import { err, ok, type Result } from '../core/result.js';
import { parseSubjectAltNames } from './subject-alt-names.js';

/** What a certificate identifies: a partner's gateway or an admin client. */
export type IdentityKind = 'partner' | 'admin';

/** A parsed, validated credfed identity. */
export interface PeerIdentity {
  /** Federation (trust domain), a DNS label such as `demo` or `liaoning`. */
  readonly federation: string;
  readonly kind: IdentityKind;
  /** Partner id for `partner`, admin name for `admin`. */
  readonly id: string;
}

/** A partner (gateway) identity. */
export type PartnerIdentity = PeerIdentity & { readonly kind: 'partner' };

/** The rule an identity failed; tests and callers branch on it, not on text. */
export type IdentityRule =
  | 'scheme' // not a spiffe:// URI
  | 'federation' // trust domain is not a valid federation id
  | 'path' // path is not /<kind>/<id> (extra segments, query, fragment, …)
  | 'kind' // neither partner nor admin
  | 'id' // partner id or admin name does not match ID_PATTERN
  | 'san-syntax' // the certificate's subject-alt-name text is malformed
  | 'none' // the certificate carries no spiffe URI
  | 'multiple'; // the certificate carries more than one spiffe URI

/** Why an identity was refused. */
export interface IdentityError {
  readonly rule: IdentityRule;
  readonly message: string;
}

/** Scheme prefix of every credfed identity URI. */
export const IDENTITY_SCHEME = 'spiffe://';
/** Federation id: one lower-case DNS label (1–63 chars, no leading or trailing hyphen). */
export const FEDERATION_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Partner id and admin name: 2–64 chars of lower-case letters, digits and hyphens. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;

const KINDS: readonly IdentityKind[] = ['partner', 'admin'];

const fail = (rule: IdentityRule, message: string) => err<IdentityError>({ rule, message });

/** Checks the parts of an identity; returns it unchanged when valid. */
export function validateIdentity(identity: PeerIdentity): Result<PeerIdentity, IdentityError> {
  if (!FEDERATION_PATTERN.test(identity.federation)) {
    return fail('federation', `federation ${JSON.stringify(identity.federation)} is not a lower-case DNS label`);
  }
  if (!KINDS.includes(identity.kind)) {
    return fail('kind', `kind ${JSON.stringify(identity.kind)} is neither partner nor admin`);
  }
  if (!ID_PATTERN.test(identity.id)) {
    return fail('id', `${identity.kind} id ${JSON.stringify(identity.id)} does not match ${ID_PATTERN.source}`);
  }
  return ok(identity);
}

/**
 * Formats an identity as its URI SAN. Throws `CredfedError('CERT_INVALID')`
 * when a part is invalid: a certificate must never carry an identity that
 * `parseIdentityUri` would refuse.
 */
export function formatIdentityUri(identity: PeerIdentity): string {
  const checked = validateIdentity(identity);
  if (checked.error) throw new CredfedError('CERT_INVALID', checked.error.message, { rule: checked.error.rule });
  return `${IDENTITY_SCHEME}${identity.federation}/${identity.kind}/${identity.id}`;
}

/**
 * Parses an identity URI strictly: exactly `spiffe://<federation>/<kind>/<id>`,
 * lower case, no port, user info, query, fragment, percent-encoding or extra
 * path segments.
 */
export function parseIdentityUri(uri: string): Result<PeerIdentity, IdentityError> {
  if (!uri.startsWith(IDENTITY_SCHEME)) return fail('scheme', 'identity URI must start with spiffe://');
  const rest = uri.slice(IDENTITY_SCHEME.length);
  const slash = rest.indexOf('/');
  const federation = slash < 0 ? rest : rest.slice(0, slash);
  if (!FEDERATION_PATTERN.test(federation)) {
    return fail('federation', `federation ${JSON.stringify(federation)} is not a lower-case DNS label`);
  }
  const path = slash < 0 ? '' : rest.slice(slash + 1);
  const segments = path.split('/');
  if (segments.length !== 2 || /[?#]/.test(path)) {
    return fail('path', `path ${JSON.stringify('/' + path)} is not /partner/<id> or /admin/<name>`);
  }
  const [kind, id] = segments as [string, string];
  if (!(KINDS as readonly string[]).includes(kind)) {
    return fail('kind', `kind ${JSON.stringify(kind)} is neither partner nor admin`);
  }
  return validateIdentity({ federation, kind: kind as IdentityKind, id });
}

/**
 * Extracts the single credfed identity from Node's subject-alt-name text.
 * Every `spiffe://` URI counts: none, more than one, or one that does not
 * parse is an error. Other names (DNS, IP, non-spiffe URIs) are ignored.
 */
export function identityFromSubjectAltName(text: string | undefined): Result<PeerIdentity, IdentityError> {
  const names = parseSubjectAltNames(text);
  if (names.error !== undefined) return fail('san-syntax', `subject alternative names: ${names.error}`);
  const uris = names.value
    .filter((n) => n.type === 'URI' && n.value.toLowerCase().startsWith(IDENTITY_SCHEME))
    .map((n) => n.value);
  if (uris.length === 0) return fail('none', 'certificate carries no spiffe:// URI');
  if (uris.length > 1) return fail('multiple', `certificate carries ${uris.length} spiffe:// URIs`);
  return parseIdentityUri(uris[0] as string);
}

const identities = new WeakMap<PeerCertificate, Result<PeerIdentity, IdentityError>>();

/**
 * The identity of a TLS peer, read from its certificate's `subjectaltname`;
 * parsed once per certificate object (a server keeps one per HTTP/2 session,
 * see src/grpc/session-auth.ts).
 */
export function identityFromPeerCertificate(cert: PeerCertificate): Result<PeerIdentity, IdentityError> {
  let identity = identities.get(cert);
  if (identity === undefined) identities.set(cert, (identity = identityFromSubjectAltName(cert.subjectaltname)));
  return identity;
}

/** True when both identities name the same principal. */
export function sameIdentity(a: PeerIdentity, b: PeerIdentity): boolean {
  return a.federation === b.federation && a.kind === b.kind && a.id === b.id;
}
