/**
 * The TCP connections of a gateway and the partner each one carries, so the
 * gateway can close a partner's connections itself when it is cut off
 * (DESIGN.md §4: TLS checks happen at the handshake only, and HTTP/2 lets a
 * client start new calls on an open connection). grpc-js has no API to close
 * one connection; it does let the gateway own the listening socket and hand
 * each accepted connection over (`Server.createConnectionInjector`). One TLS
 * connection carries one client certificate, hence one partner: a connection
 * is the partner's once a call of that partner was authorized on it, matched
 * through the call's peer address (`call.getPeer()`, "address:port"). The
 * connection also remembers that certificate (issuer key / serial), so a
 * revoked certificate's connections close while the partner's connections
 * with its renewed certificate stay up.
 */
import type net from 'node:net';

export class PartnerConnections {
  private readonly byAddress = new Map<string, net.Socket>();
  private readonly owner = new Map<net.Socket, string>();
  private readonly certificate = new Map<net.Socket, string>();

  /** Remembers an accepted connection until it closes. */
  add(socket: net.Socket): void {
    const key = addressOf(socket);
    if (key === undefined) return;
    this.byAddress.set(key, socket);
    // TLS takes the socket over and reports its errors; a late one here must not crash the process.
    socket.on('error', () => undefined);
    socket.once('close', () => {
      if (this.byAddress.get(key) === socket) this.byAddress.delete(key);
      this.owner.delete(socket);
      this.certificate.delete(socket);
    });
  }

  /** Marks the connection of a call (its `getPeer()` address) as the partner's, made with `certificate`. */
  attach(partnerId: string, peerAddress: string, certificate?: string): void {
    const socket = this.byAddress.get(peerAddress);
    if (!socket || socket.destroyed) return;
    this.owner.set(socket, partnerId);
    if (certificate !== undefined) this.certificate.set(socket, certificate);
  }

  /** Closes every connection that carried calls made with one of the certificates; returns how many. */
  closeCertificates(certificates: ReadonlySet<string>): number {
    let closed = 0;
    for (const [socket, c] of [...this.certificate]) {
      if (!certificates.has(c)) continue;
      this.certificate.delete(socket);
      this.owner.delete(socket);
      socket.destroy();
      closed++;
    }
    return closed;
  }

  /** How many open connections carry calls of the partner. */
  count(partnerId: string): number {
    return [...this.owner.values()].filter((id) => id === partnerId).length;
  }

  /** Closes every connection that carried calls of the partner; returns how many. */
  close(partnerId: string): number {
    let closed = 0;
    for (const [socket, id] of [...this.owner]) {
      if (id !== partnerId) continue;
      this.owner.delete(socket);
      this.certificate.delete(socket);
      socket.destroy();
      closed++;
    }
    return closed;
  }

  /** Closes every connection (shutdown). */
  closeAll(): void {
    for (const socket of this.byAddress.values()) socket.destroy();
    this.byAddress.clear();
    this.owner.clear();
    this.certificate.clear();
  }
}

/** The "address:port" grpc-js reports as a call's peer. */
function addressOf(socket: net.Socket): string | undefined {
  return socket.remoteAddress === undefined ? undefined : `${socket.remoteAddress}:${socket.remotePort}`;
}
