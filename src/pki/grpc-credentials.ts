/**
 * grpc-js credentials for mutual TLS between credfed gateways, and the
 * caller's identity inside a handler. Identity is the certificate's spiffe URI
 * SAN, never a host name or a request field (DESIGN.md §2.5).
 */
import type { PeerCertificate } from 'node:tls';
import { ServerCredentials, credentials, type ChannelCredentials, type ChannelOptions } from '@grpc/grpc-js';
import { CredfedError } from '../core/errors.js';
import { formatIdentityUri, identityFromPeerCertificate, sameIdentity, type PartnerIdentity, type PeerIdentity } from './identity.js';
import type { TlsFiles } from './tls-files.js';

/** Anything that exposes grpc-js's auth context: server calls (grpc-js ≥ 1.14) and server interceptor calls. */
export interface AuthContextSource {
  getAuthContext(): { readonly sslPeerCertificate?: PeerCertificate } | null | undefined;
}

/** Node's `checkServerIdentity` hook: an Error refuses the connection. */
export type ServerIdentityCheck = (hostname: string, cert: PeerCertificate) => Error | undefined;

/**
 * Server credentials that require a client certificate chaining to `files.ca`
 * (grpc-js sets `requestCert`; Node's server default `rejectUnauthorized`
 * refuses the handshake otherwise).
 */
export function serverCredentials(files: TlsFiles): ServerCredentials {
  return ServerCredentials.createSsl(files.ca, [{ cert_chain: files.cert, private_key: files.key }], true);
}

/**
 * Channel credentials presenting our certificate and accepting only a server
 * whose certificate chains to `files.ca` and names exactly `expected`. The
 * host-name check is replaced by the identity check: the address dialled
 * proves nothing, the URI SAN does.
 */
export function clientCredentials(files: TlsFiles, expected: PartnerIdentity): ChannelCredentials {
  return credentials.createSsl(files.ca, files.key, files.cert, { checkServerIdentity: expectServerIdentity(expected) });
}

/**
 * Channel options to use with {@link clientCredentials}: the partner id goes
 * out as TLS SNI instead of the dialled address (grpc-js sends the host, and
 * Node warns when it is an IP address, DEP0123). TLS only; the authority
 * header and the identity check are unchanged.
 */
export function partnerChannelOptions(expected: PartnerIdentity): ChannelOptions {
  formatIdentityUri(expected); // throws on a malformed identity
  return { 'grpc.ssl_target_name_override': expected.id };
}

/**
 * The server-identity check of {@link clientCredentials}: returns
 * `CredfedError('PEER_UNKNOWN')` naming the expected and the found identity
 * when they differ. Node calls it only after the chain verified, and skips it
 * on TLS session resumption — do not enable session reuse on these channels.
 */
export function expectServerIdentity(expected: PartnerIdentity): ServerIdentityCheck {
  const expectedUri = formatIdentityUri(expected);
  return (_hostname, cert) => {
    const found = identityFromPeerCertificate(cert);
    if (found.error !== undefined) {
      return new CredfedError('PEER_UNKNOWN', `expected server ${expectedUri}, found none: ${found.error.message}`, {
        expected: expectedUri,
        rule: found.error.rule,
      });
    }
    if (!sameIdentity(found.value, expected)) {
      const foundUri = formatIdentityUri(found.value);
      return new CredfedError('PEER_UNKNOWN', `expected server ${expectedUri}, found ${foundUri}`, { expected: expectedUri, found: foundUri });
    }
    return undefined;
  };
}

/**
 * The caller's verified leaf certificate. grpc-js reports it only when the TLS
 * socket is authorized. Throws `CredfedError('PEER_UNAUTHENTICATED')` when
 * there is none.
 */
export function peerCertificateFromCall(call: AuthContextSource): PeerCertificate {
  const cert = call.getAuthContext()?.sslPeerCertificate;
  if (cert === undefined || cert.raw === undefined) throw new CredfedError('PEER_UNAUTHENTICATED');
  return cert;
}

/**
 * The caller's identity from its verified certificate. Throws
 * `CredfedError('PEER_UNAUTHENTICATED')` without a verified certificate or
 * when the certificate does not carry exactly one valid credfed identity.
 * Whether that identity may make the call is the caller's decision.
 */
export function peerIdentityFromCall(call: AuthContextSource): PeerIdentity {
  const identity = identityFromPeerCertificate(peerCertificateFromCall(call));
  if (identity.error !== undefined) {
    throw new CredfedError('PEER_UNAUTHENTICATED', identity.error.message, { rule: identity.error.rule });
  }
  return identity.value;
}
