import { randomUUID } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';
import type * as grpc from '@grpc/grpc-js';
import type { PartnerConfig } from '../config/node-config.js';
import { CredfedError } from '../core/errors.js';
import type { Logger } from '../obs/logger.js';
import { peerCertificateFromCall, peerIdentityFromCall, type AuthContextSource } from '../pki/grpc-credentials.js';
import type { PeerIdentity } from '../pki/identity.js';
import { malformedReason } from './safe-deserialize.js';
import { toGrpcError } from './to-grpc-error.js';

/** Who is calling, established from the verified certificate only. */
export interface CallContext {
  readonly peer: PeerIdentity;
  /** The configured partner, for partner calls. */
  readonly partner?: PartnerConfig;
  readonly requestId: string;
  /** The caller's certificate as the gatekeeper names it for cut-off (issuer key / serial), when it checks certificates. */
  readonly certificate?: string;
  readonly log: Logger;
  /**
   * Aborted when the caller is cut off while the call runs (its partner was
   * suspended): stop working and return; the wrapper has already ended the
   * call with UNAUTHENTICATED.
   */
  readonly signal: AbortSignal;
}

export interface Gatekeeper {
  readonly federation: string;
  /**
   * The calling partner's settings, looked up on every call: undefined when it
   * is not a partner of this node (PEER_UNKNOWN); throws PEER_NOT_ALLOWED when
   * it may not call now (suspended).
   */
  partner(id: string): PartnerConfig | undefined;
  /**
   * Checks the caller's verified leaf on every call, after the partner
   * lookup (revocation, binding to the partner's trust anchor); throws a
   * CredfedError to refuse. Returns the name of the certificate for `watch`
   * and `attach`.
   */
  certificate?(peer: PeerIdentity, leaf: PeerCertificate): string;
  /**
   * Runs `cutOff` once when the partner, or the certificate the call was
   * made with, is cut off during one of its calls; returns the function that
   * stops watching. Without it, calls are checked when they start only.
   */
  watch?(partnerId: string, cutOff: (detail: string) => void, certificate?: string): () => void;
  /** Hears the connection (grpc-js peer address) of every authorized partner call, and its certificate. */
  attach?(partnerId: string, peerAddress: string, certificate?: string): void;
  readonly log: Logger;
}

type Access = 'partner' | 'admin';

/**
 * Establishes the caller for every RPC, deny by default: a partner call needs
 * a partner certificate of our federation for a registered, active partner
 * (the gatekeeper looks it up on every call); an admin call needs an admin
 * certificate of our federation.
 */
export function authorize(
  gate: Gatekeeper,
  call: AuthContextSource,
  access: Access,
  method: string,
  signal: AbortSignal = new AbortController().signal,
): CallContext {
  const peer = peerIdentityFromCall(call);
  const requestId = randomUUID();
  if (peer.federation !== gate.federation) {
    throw new CredfedError('PEER_UNKNOWN', `certificate names federation "${peer.federation}", this node serves "${gate.federation}"`);
  }
  if (access === 'admin') {
    if (peer.kind !== 'admin') throw new CredfedError('PEER_NOT_ALLOWED', `${method} needs an admin certificate`);
    const certificate = gate.certificate?.(peer, peerCertificateFromCall(call));
    return { peer, requestId, ...(certificate ? { certificate } : {}), log: gate.log.child({ method, requestId }), signal };
  }
  if (peer.kind !== 'partner') throw new CredfedError('PEER_NOT_ALLOWED', `${method} needs a partner certificate`);
  const partner = gate.partner(peer.id);
  if (!partner) throw new CredfedError('PEER_UNKNOWN', `"${peer.id}" is not a registered partner of this node`);
  const certificate = gate.certificate?.(peer, peerCertificateFromCall(call));
  return { peer, partner, requestId, ...(certificate ? { certificate } : {}), log: gate.log.child({ method, partner: peer.id, requestId }), signal };
}

/** Wraps a unary handler: caller, cut-off, logging and error mapping in one place. */
export function unary<Req, Res>(
  gate: Gatekeeper,
  access: Access,
  method: string,
  handler: (req: Req, ctx: CallContext) => Promise<Res>,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const started = Date.now();
    const guard = new CallGuard(gate, method);
    guard.onFinish = (e, res) => (e ? callback(e) : callback(null, res as Res));
    Promise.resolve()
      .then(() => {
        const ctx = guard.admit(call, access);
        const malformed = malformedReason(call.request);
        if (malformed) throw new CredfedError('PROTOCOL_VIOLATION', `malformed message: ${malformed}`);
        return handler(call.request, ctx);
      })
      .then(
        (res) => {
          guard.log.debug({ durationMs: Date.now() - started }, 'call ok');
          guard.finish(undefined, res);
        },
        (e: unknown) => guard.fail(e),
      );
  };
}

/**
 * Wraps a bidirectional-stream handler: the handler owns the stream until it
 * resolves. When the caller's partner is cut off meanwhile, the stream ends at
 * once with UNAUTHENTICATED and `ctx.signal` aborts.
 */
export function bidi<Req, Res>(
  gate: Gatekeeper,
  access: Access,
  method: string,
  handler: (call: grpc.ServerDuplexStream<Req, Res>, ctx: CallContext) => Promise<void>,
): grpc.handleBidiStreamingCall<Req, Res> {
  return (call) => {
    const guard = new CallGuard(gate, method);
    // grpc-js turns an 'error' event into the stream's final status after pending writes.
    guard.onFinish = (e) => (e ? call.emit('error', e) : call.end());
    Promise.resolve()
      .then(() => handler(call, guard.admit(call, access)))
      .then(
        () => guard.finish(),
        (e: unknown) => guard.fail(e),
      );
  };
}

/** What every wrapper does around one call: admit the caller, watch for its cut-off, finish exactly once. */
class CallGuard {
  onFinish: (e: grpc.ServiceError | undefined, res?: unknown) => void = () => undefined;
  log: Logger;
  private readonly abort = new AbortController();
  private unwatch: (() => void) | undefined;
  private finished = false;

  constructor(
    private readonly gate: Gatekeeper,
    private readonly method: string,
  ) {
    this.log = gate.log.child({ method });
  }

  /** Authorizes the caller and, for a partner, watches it for the rest of the call (registered in the same tick). */
  admit(call: AuthContextSource & { getPeer(): string }, access: Access): CallContext {
    const ctx = authorize(this.gate, call, access, this.method, this.abort.signal);
    this.log = ctx.log;
    if (ctx.partner) {
      const partnerId = ctx.partner.id;
      this.gate.attach?.(partnerId, call.getPeer(), ctx.certificate);
      this.unwatch = this.gate.watch?.(partnerId, (detail) => this.cutOff(detail), ctx.certificate);
    }
    return ctx;
  }

  finish(e?: grpc.ServiceError, res?: unknown): void {
    if (this.finished) return;
    this.finished = true;
    this.unwatch?.();
    this.onFinish(e, res);
  }

  fail(e: unknown): void {
    if (this.finished) return;
    logFailure(this.log, e);
    this.finish(toGrpcError(e));
  }

  /** The partner was cut off during the call: end it with UNAUTHENTICATED, then tell the handler. */
  private cutOff(detail: string): void {
    if (this.finished) return;
    const refusal = new CredfedError('PEER_CUT_OFF', detail);
    this.log.warn({ code: refusal.code, err: refusal }, 'call ended: partner cut off');
    this.finish(toGrpcError(refusal));
    this.abort.abort(refusal);
  }
}

function logFailure(log: Logger, e: unknown): void {
  if (e instanceof CredfedError) log.warn({ code: e.code, err: e }, 'call refused');
  else log.error({ err: e }, 'call failed');
}
