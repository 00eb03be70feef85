import { randomUUID } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import type { PartnerConfig } from '../config/node-config.js';
import { CredfedError } from '../core/errors.js';
import type { Logger } from '../obs/logger.js';
import { peerIdentityFromCall, type AuthContextSource } from '../pki/grpc-credentials.js';
import type { PeerIdentity } from '../pki/identity.js';
import { malformedReason } from './safe-deserialize.js';
import { toGrpcError } from './to-grpc-error.js';

/** Who is calling, established from the verified certificate only. */
export interface CallContext {
  readonly peer: PeerIdentity;
  /** The configured partner, for partner calls. */
  readonly partner?: PartnerConfig;
  readonly requestId: string;
  readonly log: Logger;
}

export interface Gatekeeper {
  readonly federation: string;
  partner(id: string): PartnerConfig | undefined;
  readonly log: Logger;
}

type Access = 'partner' | 'admin';

/**
 * Establishes the caller for every RPC, deny by default: a partner call needs
 * a partner certificate of our federation for a configured partner; an admin
 * call needs an admin certificate of our federation.
 */
export function authorize(gate: Gatekeeper, call: AuthContextSource, access: Access, method: string): CallContext {
  const peer = peerIdentityFromCall(call);
  const requestId = randomUUID();
  if (peer.federation !== gate.federation) {
    throw new CredfedError('PEER_UNKNOWN', `certificate names federation "${peer.federation}", this node serves "${gate.federation}"`);
  }
  if (access === 'admin') {
    if (peer.kind !== 'admin') throw new CredfedError('PEER_NOT_ALLOWED', `${method} needs an admin certificate`);
    return { peer, requestId, log: gate.log.child({ method, requestId }) };
  }
  if (peer.kind !== 'partner') throw new CredfedError('PEER_NOT_ALLOWED', `${method} needs a partner certificate`);
  const partner = gate.partner(peer.id);
  if (!partner) throw new CredfedError('PEER_UNKNOWN', `"${peer.id}" is not a configured partner of this node`);
  return { peer, partner, requestId, log: gate.log.child({ method, partner: peer.id, requestId }) };
}

/** Wraps a unary handler: caller, logging and error mapping in one place. */
export function unary<Req, Res>(
  gate: Gatekeeper,
  access: Access,
  method: string,
  handler: (req: Req, ctx: CallContext) => Promise<Res>,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const started = Date.now();
    let ctx: CallContext | undefined;
    Promise.resolve()
      .then(() => {
        ctx = authorize(gate, call, access, method);
        const malformed = malformedReason(call.request);
        if (malformed) throw new CredfedError('PROTOCOL_VIOLATION', `malformed message: ${malformed}`);
        return handler(call.request, ctx);
      })
      .then(
        (res) => {
          ctx?.log.debug({ durationMs: Date.now() - started }, 'call ok');
          callback(null, res);
        },
        (e: unknown) => {
          logFailure(ctx?.log ?? gate.log.child({ method }), e);
          callback(toGrpcError(e));
        },
      );
  };
}

/** Wraps a bidirectional-stream handler: the handler owns the stream until it resolves. */
export function bidi<Req, Res>(
  gate: Gatekeeper,
  access: Access,
  method: string,
  handler: (call: grpc.ServerDuplexStream<Req, Res>, ctx: CallContext) => Promise<void>,
): grpc.handleBidiStreamingCall<Req, Res> {
  return (call) => {
    let ctx: CallContext | undefined;
    Promise.resolve()
      .then(() => {
        ctx = authorize(gate, call, access, method);
        return handler(call, ctx);
      })
      .then(
        () => call.end(),
        (e: unknown) => {
          logFailure(ctx?.log ?? gate.log.child({ method }), e);
          // grpc-js turns an 'error' event into the stream's final status after pending writes.
          call.emit('error', toGrpcError(e));
        },
      );
  };
}

function logFailure(log: Logger, e: unknown): void {
  if (e instanceof CredfedError) log.warn({ code: e.code, err: e }, 'call refused');
  else log.error({ err: e }, 'call failed');
}
