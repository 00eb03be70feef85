/**
 * The verdict-signing certificate profile: what marks a certificate as one a
 * partner signs mutual-recognition verdicts with (DESIGN.md §2.4), and keeps
 * it out of TLS.
 *
 * - extKeyUsage: only {@link VERDICT_SIGNING_OID}. With an extKeyUsage that
 *   lacks serverAuth and clientAuth, OpenSSL (and so Node's TLS) refuses the
 *   certificate for a TLS handshake: a verdict key cannot open a connection.
 * - URI SAN: `spiffe://<federation>/partner/<id>/verdict`, a path the TLS
 *   identity parser refuses as well; the partner is the path's second segment.
 * - keyUsage: digitalSignature + nonRepudiation (critical).
 *
 * credfed has no IANA enterprise number, so the OID is a UUID OID under
 * `2.25` (ITU-T X.667): unique without registration. UUID
 * 9f291b27-2e08-4fab-b1aa-b9d4aa254d0a.
 */
import { formatIdentityUri, type PartnerIdentity } from './identity.js';

/** extKeyUsage purpose "credfed verdict signing". */
export const VERDICT_SIGNING_OID = '2.25.211560686230205546468372108372907216138';

/** Last path segment of a verdict-signing certificate's URI SAN. */
export const VERDICT_URI_SUFFIX = '/verdict';

/** URI SAN of a partner's verdict-signing certificate. */
export function verdictSigningUri(identity: PartnerIdentity): string {
  return `${formatIdentityUri(identity)}${VERDICT_URI_SUFFIX}`;
}

/**
 * DER of an OBJECT IDENTIFIER. node-forge parses arcs with `parseInt`, which
 * loses precision on a 2.25 UUID arc, so the extension value is encoded here.
 */
export function oidToDer(oid: string): Buffer {
  const arcs = oid.split('.').map((a) => BigInt(a));
  if (arcs.length < 2) throw new Error(`OID ${oid} needs at least two arcs`);
  const body: number[] = [];
  const first = (arcs[0] as bigint) * 40n + (arcs[1] as bigint);
  for (const arc of [first, ...arcs.slice(2)]) body.push(...base128(arc));
  return Buffer.concat([Buffer.from([0x06]), derLength(body.length), Buffer.from(body)]);
}

/** DER of the extKeyUsage value `SEQUENCE { oid }`. */
export function extKeyUsageDer(oids: readonly string[]): Buffer {
  const content = Buffer.concat(oids.map(oidToDer));
  return Buffer.concat([Buffer.from([0x30]), derLength(content.length), content]);
}

function base128(value: bigint): number[] {
  const out = [Number(value & 0x7fn)];
  for (let v = value >> 7n; v > 0n; v >>= 7n) out.unshift(Number(v & 0x7fn) | 0x80);
  return out;
}

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let l = length; l > 0; l >>= 8) bytes.unshift(l & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
