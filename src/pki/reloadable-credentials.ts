/**
 * Server credentials whose TLS material (trusted CAs, CRLs, own certificate
 * and key) can be replaced while the server runs. grpc-js has no server-side
 * createFromSecureContext; its documented hook is a ServerCredentials
 * subclass calling `updateSecureContextOptions` (DESIGN.md §4), which makes
 * the HTTP/2 server `setSecureContext` for new handshakes. Connections already
 * open keep the context they were made with.
 */
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { ServerCredentials } from '@grpc/grpc-js';
import { CredfedError } from '../core/errors.js';

/** What one handshake context needs: PEM strings or buffers, as Node's tls takes them. */
export interface ServerTlsMaterial {
  readonly ca: ReadonlyArray<string | Buffer>;
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
  /** CRLs; absent or empty: no CRL check at handshake. */
  readonly crl?: ReadonlyArray<string | Buffer>;
}

/** Requires a client certificate chaining to one of `ca` (and, with CRLs, not revoked in them). */
export class ReloadableServerCredentials extends ServerCredentials {
  constructor(initial: ServerTlsMaterial) {
    super({ requestCert: true, rejectUnauthorized: true }, checkedContextOptions(initial));
  }

  /**
   * Replaces the material for new handshakes. Throws CERT_INVALID, keeping the
   * current material, when Node cannot build a context from it (grpc-js
   * would otherwise drop every new connection).
   */
  update(material: ServerTlsMaterial): void {
    this.updateSecureContextOptions(checkedContextOptions(material));
  }

  _equals(other: ServerCredentials): boolean {
    return this === other;
  }
}

function checkedContextOptions(material: ServerTlsMaterial): SecureContextOptions {
  const options: SecureContextOptions = {
    ca: [...material.ca],
    cert: material.cert,
    key: material.key,
    ...(material.crl && material.crl.length > 0 ? { crl: [...material.crl] } : {}),
  };
  try {
    createSecureContext(options);
  } catch (e) {
    throw new CredfedError('CERT_INVALID', `the TLS material does not load: ${(e as Error).message}`);
  }
  return options;
}
