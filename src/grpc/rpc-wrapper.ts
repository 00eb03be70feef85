import { createHash, randomUUID } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import type { PartnerConfig } from '../config/node-config.js';
import type { AgreementInForce, Direction, Purpose } from '../core/agreements/agreement.js';
import { PremiseFailed, type Premise } from '../core/audit/premise.js';
import type { CallNeed } from '../core/agreements/evaluate.js';
import { CredfedError } from '../core/errors.js';
import type { AgreementEnforcer } from '../enforcement/agreement-gate.js';
import { lazyChild, type CallLog, type Logger } from '../obs/logger.js';
import { peerCertificateFromCall, peerIdentityFromCall, type AuthContextSource } from '../pki/grpc-credentials.js';
import type { PeerIdentity } from '../pki/identity.js';
import { malformedReason } from './safe-deserialize.js';
import { sessionAuth } from './session-auth.js';
import { toGrpcError } from './to-grpc-error.js';
import type { CallObserver } from '../obs/call-metrics.js';

/** gRPC status code → name, for metrics. */
const STATUS_NAMES: Record<number, string> = { 0: 'OK', 1: 'CANCELLED', 2: 'UNKNOWN', 3: 'INVALID_ARGUMENT', 4: 'DEADLINE_EXCEEDED', 5: 'NOT_FOUND', 6: 'ALREADY_EXISTS', 7: 'PERMISSION_DENIED', 8: 'RESOURCE_EXHAUSTED', 9: 'FAILED_PRECONDITION', 10: 'ABORTED', 11: 'OUT_OF_RANGE', 12: 'UNIMPLEMENTED', 13: 'INTERNAL', 14: 'UNAVAILABLE', 15: 'DATA_LOSS', 16: 'UNAUTHENTICATED' };

/** The metadata key a call's request id travels under, both ways (README "Logs"). */
export const REQUEST_ID_KEY = 'x-request-id';
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The call's request id: the caller's `x-request-id` when it is well formed
 * (1–64 of A–Z, a–z, 0–9, '.', '_', '-'), else a new UUID.
 */
export function requestIdOf(metadata: grpc.Metadata | undefined): string {
  const given = metadata?.get(REQUEST_ID_KEY)[0];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** Who is calling, established from the verified certificate only. */
export interface CallContext {
  readonly peer: PeerIdentity;
  /** The configured partner, for partner calls. */
  readonly partner?: PartnerConfig;
  /** The call's request id (the caller's x-request-id, or a new one), also in `log` and the response metadata. */
  readonly requestId: string;
  /** The caller's certificate as the gatekeeper names it for cut-off (issuer key / serial), when it checks certificates. */
  readonly certificate?: string;
  readonly log: CallLog;
  /**
   * Aborted when the caller is cut off while the call runs (its partner was
   * suspended, or its agreement no longer allows the call): stop working and
   * return; the wrapper has already ended the call with the refusal.
   */
  readonly signal: AbortSignal;
  /** The agreement the call was admitted under (partner calls, when agreements are enforced). */
  readonly agreement?: AgreementInForce;
  /** The agreement governing the call now, decided again (a stream's next message); throws the refusal. */
  agreementNow(): AgreementInForce | undefined;
  /** Facts the handler adds to the call's audit entry (subject looked at, record counts). */
  readonly audit: AuditNote;
  /**
   * Whether the answer may rest on premises (`audit.premises`) that are
   * checked when the call's audit entry commits: a unary call on an audited
   * gateway. When one no longer holds, nothing is entered and the handler runs
   * again with this false (everything read from the store).
   */
  readonly premisesChecked: boolean;
  /** Appends an audit entry for this call now (e.g. one per committed batch of a stream); resolves once it is durable. */
  record(note: AuditNote): Promise<void>;
}

/** What a handler tells the audit log about its call. */
export interface AuditNote {
  subject?: string;
  purpose?: string;
  reference?: string;
  recordsReturned?: number;
  recordsAccepted?: number;
  recordsRejected?: number;
  /** What an answer given from memory rests on (only when `premisesChecked`); not part of the entry. */
  premises?: readonly Premise[];
}

/** One audit entry as the wrapper writes it (src/core/audit/audit-event.ts). */
export interface CallAuditEvent extends Omit<AuditNote, 'premises'> {
  readonly at: Date;
  readonly actor: string;
  readonly partner?: string;
  readonly certificateFingerprint?: string;
  readonly method: string;
  readonly decision: 'allow' | 'deny';
  readonly reason?: string;
  readonly agreementId?: string;
  readonly agreementVersion?: number;
}

/** The audit log: `append` resolves once the entry is durable; with premises, only if they still hold (else rejects with PremiseFailed). */
export interface AuditSink {
  append(event: CallAuditEvent, premises?: readonly Premise[]): Promise<unknown>;
}

/** What a partner call needs from the caller's agreement. */
export interface CallPolicy<Req> {
  /** The direction of exchange; none: any agreement in force allows the call. */
  readonly direction?: Direction;
  /** A query's stated purpose and reference, read from the request (a purpose is then required). */
  readonly purposeOf?: (req: Req) => { purpose?: Purpose; reference?: string };
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
  /** Decides partner calls under the caller's data-sharing agreement; absent: agreements are not enforced (benchmarks only). */
  readonly agreements?: AgreementEnforcer;
  /** Where every partner call and admin action is entered; absent: nothing is audited (benchmarks only). */
  readonly audit?: AuditSink;
  /** The clock audit entries are stamped with. */
  now?(): Date;
  /**
   * Aborted when the gateway starts stopping: open streams end at once with
   * UNAVAILABLE (retryable), what they committed acknowledged as usual.
   */
  readonly stopping?: AbortSignal;
  /** Hears every call's end (metrics); absent: not measured. */
  readonly calls?: CallObserver;
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
  requestId: string = randomUUID(),
): Omit<CallContext, 'signal'> {
  const peer = peerIdentityFromCall(call);
  if (peer.federation !== gate.federation) {
    throw new CredfedError('PEER_UNKNOWN', `certificate names federation "${peer.federation}", this node serves "${gate.federation}"`);
  }
  if (access === 'admin') {
    if (peer.kind !== 'admin') throw new CredfedError('PEER_NOT_ALLOWED', `${method} needs an admin certificate`);
    const certificate = gate.certificate?.(peer, peerCertificateFromCall(call));
    return { peer, requestId, ...(certificate ? { certificate } : {}), log: lazyChild(gate.log, { method, requestId }), ...NO_AGREEMENT };
  }
  if (peer.kind !== 'partner') throw new CredfedError('PEER_NOT_ALLOWED', `${method} needs a partner certificate`);
  const partner = gate.partner(peer.id);
  if (!partner) throw new CredfedError('PEER_UNKNOWN', `"${peer.id}" is not a registered partner of this node`);
  const certificate = gate.certificate?.(peer, peerCertificateFromCall(call));
  return { peer, partner, requestId, ...(certificate ? { certificate } : {}), log: lazyChild(gate.log, { method, partner: peer.id, requestId }), ...NO_AGREEMENT };
}

/** Context parts that the wrapper's guard fills in (authorize alone neither enforces agreements nor audits). */
const NO_AGREEMENT = {
  agreementNow: () => undefined,
  audit: {},
  premisesChecked: false,
  record: () => Promise.resolve(),
} as const;

/** Wraps a unary handler: caller, cut-off, logging and error mapping in one place. */
export function unary<Req, Res>(
  gate: Gatekeeper,
  access: Access,
  method: string,
  handler: (req: Req, ctx: CallContext) => Promise<Res>,
  policy: CallPolicy<Req> = {},
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const started = Date.now();
    const guard = new CallGuard(gate, method, access, call, true);
    guard.onFinish = (e, res) => {
      guard.sendRequestId();
      if (e) callback(e);
      else callback(null, res as Res);
    };
    // The answer is sent once its audit entry is durable; an answer that rested on premises no longer held is worked again.
    const work = (ctx: CallContext): Promise<Res> =>
      handler(call.request, ctx).then((res) =>
        guard.entered().then(
          () => res,
          (e: unknown) => {
            if (!(e instanceof PremiseFailed) || !ctx.premisesChecked) throw e;
            guard.log.debug({ err: e }, 'an answer from memory no longer holds: working the call again from the store');
            delete ctx.audit.premises;
            return work({ ...ctx, premisesChecked: false });
          },
        ),
      );
    Promise.resolve()
      .then(() => {
        const malformed = malformedReason(call.request);
        const ctx = guard.admit(call, needOf(policy, malformed ? undefined : call.request));
        if (malformed) throw new CredfedError('PROTOCOL_VIOLATION', `malformed message: ${malformed}`);
        return work(ctx);
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

/** What a call needs from the agreement, with the purpose and reference noted for the audit entry. */
function needOf<Req>(policy: CallPolicy<Req>, req: Req | undefined): CallNeed & { note: AuditNote } {
  const need: { direction?: Direction; purpose?: Purpose; purposeRequired?: boolean; note: AuditNote } = { note: {} };
  if (policy.direction) need.direction = policy.direction;
  if (!policy.purposeOf) return need;
  need.purposeRequired = true;
  const stated = req === undefined ? {} : policy.purposeOf(req);
  if (stated.purpose) need.purpose = need.note.purpose = stated.purpose;
  if (stated.reference) need.note.reference = stated.reference;
  return need;
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
  policy: CallPolicy<Req> = {},
): grpc.handleBidiStreamingCall<Req, Res> {
  return (call) => {
    const guard = new CallGuard(gate, method, access, call);
    // grpc-js turns an 'error' event into the stream's final status after pending writes.
    guard.onFinish = (e) => (e ? call.emit('error', e) : call.end());
    Promise.resolve()
      .then(() => {
        const ctx = guard.admit(call, needOf(policy, undefined));
        guard.endWhenStopping();
        // The stream's opening is entered (durably) before it starts.
        return guard.entered().then(() => handler(call, ctx));
      })
      .then(
        () => guard.finish(),
        (e: unknown) => guard.fail(e),
      );
  };
}

/**
 * Wraps a server-streaming handler: as `bidi`, with the request checked
 * (malformed: PROTOCOL_VIOLATION) and decided against the caller's agreement
 * first. The handler writes until it resolves or `ctx.signal` aborts (the
 * caller cancelled, or was cut off: the stream has then already ended with
 * the refusal).
 */
export function serverStream<Req, Res>(
  gate: Gatekeeper,
  access: Access,
  method: string,
  handler: (call: grpc.ServerWritableStream<Req, Res>, ctx: CallContext) => Promise<void>,
  policy: CallPolicy<Req> = {},
): grpc.handleServerStreamingCall<Req, Res> {
  return (call) => {
    const guard = new CallGuard(gate, method, access, call);
    guard.onFinish = (e) => (e ? call.emit('error', e) : call.end());
    Promise.resolve()
      .then(() => {
        const malformed = malformedReason(call.request);
        const ctx = guard.admit(call, needOf(policy, malformed ? undefined : call.request));
        if (malformed) throw new CredfedError('PROTOCOL_VIOLATION', `malformed message: ${malformed}`);
        call.on('cancelled', () => guard.cancelled());
        guard.endWhenStopping();
        return guard.entered().then(() => handler(call, ctx));
      })
      .then(
        () => guard.finish(),
        (e: unknown) => guard.fail(e),
      );
  };
}

const NOTHING = () => undefined;

/** What every wrapper does around one call: admit the caller, enforce its agreement, audit, watch for its cut-off, finish exactly once. */
class CallGuard {
  onFinish: (e: grpc.ServiceError | undefined, res?: unknown) => void = NOTHING;
  log: CallLog;
  /** Behind `signal`: made when first needed (most calls never look at it). */
  private controller: AbortController | undefined;
  private readonly unwatch: (() => void)[] = [];
  private finished = false;
  /** A refusal is being entered in the audit log: the call ends with it, not otherwise. */
  private failing = false;
  /** Who the caller is, for its audit entries (known once its certificate is read). */
  private who: { actor: string; partner?: string; certificateFingerprint?: string } | undefined;
  private agreement: AgreementInForce | undefined;
  private readonly note: AuditNote = {};
  private readonly started = performance.now();
  /** The call's request id, in every log line of the call and the response's initial metadata. */
  readonly requestId: string;

  /**
   * `answerOnce`: a unary call, whose request id goes out with its answer or
   * refusal (in the same write); a stream's goes out at once.
   */
  constructor(
    private readonly gate: Gatekeeper,
    private readonly method: string,
    private readonly access: Access,
    private readonly call: { readonly metadata?: grpc.Metadata; sendMetadata(md: grpc.Metadata): void },
    private readonly answerOnce = false,
  ) {
    this.requestId = requestIdOf(call.metadata);
    this.log = lazyChild(gate.log, { method, requestId: this.requestId });
    if (!answerOnce) this.sendRequestId();
  }

  /** The request id in the response's initial metadata, which answers and refusals alike carry. */
  sendRequestId(): void {
    const md = new grpc.Metadata();
    md.set(REQUEST_ID_KEY, this.requestId);
    try {
      this.call.sendMetadata(md);
    } catch (e) {
      this.log.debug({ err: e }, 'the request id could not be sent back');
    }
  }

  /**
   * Authorizes the caller, decides its agreement (partner calls: direction,
   * purpose, quota) and, for a partner, watches it for the rest of the call
   * (registered in the same tick).
   */
  admit(grpcCall: AuthContextSource & { getPeer(): string }, need: CallNeed & { note: AuditNote }): CallContext {
    const call = sessionAuth(grpcCall);
    Object.assign(this.note, need.note);
    this.who = callerOf(call, this.access);
    const base = authorize(this.gate, call, this.access, this.method, this.requestId);
    this.log = base.log;
    const partner = base.partner;
    const enforcer = partner ? this.gate.agreements : undefined;
    if (partner && enforcer) this.agreement = enforcer.admit(partner, need);
    if (partner) {
      this.gate.attach?.(partner.id, call.getPeer(), base.certificate);
      const cutOff = this.gate.watch?.(partner.id, (detail) => this.end(new CredfedError('PEER_CUT_OFF', detail)), base.certificate);
      if (cutOff) this.unwatch.push(cutOff);
      if (enforcer) this.unwatch.push(enforcer.watch(partner, need, (refusal) => this.end(refusal)));
    }
    const guard = this;
    return {
      ...base,
      get signal() {
        return guard.signal;
      },
      ...(this.agreement ? { agreement: this.agreement } : {}),
      agreementNow: () => (partner && enforcer ? enforcer.recheck(partner, need) : undefined),
      audit: this.note,
      premisesChecked: this.answerOnce && this.gate.audit !== undefined && this.who !== undefined,
      record: (note) => this.enter('allow', undefined, note, refOf(this.agreementNow(partner, need))),
    };
  }

  /** Aborted when the call is cut off or its caller cancels (`CallContext.signal`). */
  get signal(): AbortSignal {
    return (this.controller ??= new AbortController()).signal;
  }

  private abortWith(reason: unknown): void {
    (this.controller ??= new AbortController()).abort(reason);
  }

  /** The call's own audit entry (after its handler succeeded); durable when this resolves. */
  entered(): Promise<void> {
    return this.enter('allow', undefined, this.note, refOf(this.agreement));
  }

  finish(e?: grpc.ServiceError, res?: unknown): void {
    if (this.finished || (this.failing && !e)) return;
    this.finished = true;
    this.unwatch.forEach((u) => u());
    this.onFinish(e, res);
    this.measure(e ? (STATUS_NAMES[e.code] ?? String(e.code)) : 'OK');
  }

  private measure(status: string): void {
    const calls = this.gate.calls;
    if (!calls) return;
    const partner = this.access === 'admin' ? 'admin' : (this.who?.partner ?? 'unknown');
    calls.ended({ method: `${this.access === 'admin' ? 'Admin' : 'Federation'}/${this.method}`, partner, status, seconds: (performance.now() - this.started) / 1000 });
  }

  /** A stream ends with UNAVAILABLE when the gateway starts stopping (its caller opens it again, here or at another replica). */
  endWhenStopping(): void {
    const stopping = this.gate.stopping;
    if (!stopping) return;
    const end = () => this.end(new CredfedError('UNAVAILABLE', 'the gateway is stopping: open the stream again (a feed resumes from the cursor of the last message received)'));
    if (stopping.aborted) return end();
    stopping.addEventListener('abort', end, { once: true });
    this.unwatch.push(() => stopping.removeEventListener('abort', end));
  }

  /** The caller went away: tell the handler (ctx.signal) and stop watching. */
  cancelled(): void {
    if (this.finished) return;
    this.finished = true;
    this.unwatch.forEach((u) => u());
    this.measure('CANCELLED');
    this.abortWith(new CredfedError('UNAVAILABLE', 'the caller cancelled the call'));
  }

  /** Fails the call after entering the refusal in the audit log (when the caller is known). */
  fail(e: unknown): void {
    if (this.finished || this.failing) return;
    this.failing = true;
    logFailure(this.log, e);
    const refusal = toGrpcError(e);
    this.enter('deny', reasonCode(e), this.note, agreementOfRefusal(e) ?? refOf(this.agreement)).then(
      () => this.finish(refusal),
      () => this.finish(refusal),
    );
  }

  /** The caller may no longer make the call (cut off, or its agreement changed or expired): end it, then tell the handler. */
  private end(refusal: CredfedError): void {
    if (this.finished) return;
    this.log.warn({ code: refusal.code, err: refusal }, 'call ended: no longer allowed');
    this.fail(refusal);
    this.abortWith(refusal);
  }

  private agreementNow(partner: PartnerConfig | undefined, need: CallNeed): AgreementInForce | undefined {
    if (!partner || !this.gate.agreements) return undefined;
    try {
      return this.gate.agreements.recheck(partner, need);
    } catch {
      return this.agreement;
    }
  }

  private async enter(decision: 'allow' | 'deny', reason: string | undefined, note: AuditNote, agreement: AgreementRef | undefined): Promise<void> {
    const sink = this.gate.audit;
    if (!sink || !this.who) return;
    const { premises, ...facts } = note;
    try {
      await sink.append({
        at: this.gate.now?.() ?? new Date(),
        ...this.who,
        method: `${this.access === 'admin' ? 'Admin' : 'Federation'}/${this.method}`,
        decision,
        ...(reason ? { reason } : {}),
        ...(agreement ? { agreementId: agreement.id, agreementVersion: agreement.version } : {}),
        ...facts,
      }, decision === 'allow' ? premises : undefined);
    } catch (e) {
      if (e instanceof PremiseFailed) throw e;
      this.log.error({ err: e }, 'the audit entry could not be written; the call is refused');
      throw new CredfedError('STORE_UNAVAILABLE', 'the audit log cannot be written');
    }
  }
}

/** The caller as its audit entries name it; undefined without a usable certificate (refused before any entry). */
function callerOf(call: AuthContextSource, access: Access): { actor: string; partner?: string; certificateFingerprint?: string } | undefined {
  try {
    const leaf = peerCertificateFromCall(call);
    const peer = peerIdentityFromCall(call);
    const certificateFingerprint = fingerprintOf(leaf);
    if (peer.kind === 'admin') return { actor: `admin/${peer.id}`, certificateFingerprint };
    return { actor: `partner/${peer.id}`, ...(access === 'partner' ? { partner: peer.id } : {}), certificateFingerprint };
  } catch {
    return undefined;
  }
}

const fingerprints = new WeakMap<PeerCertificate, string>();

/** The SHA-256 of the certificate's DER, computed once per certificate object (one per session, see session-auth.ts). */
function fingerprintOf(leaf: PeerCertificate): string {
  let f = fingerprints.get(leaf);
  if (f === undefined) fingerprints.set(leaf, (f = createHash('sha256').update(leaf.raw).digest('hex')));
  return f;
}

function reasonCode(e: unknown): string {
  return e instanceof CredfedError ? e.code : 'INTERNAL';
}

/** An agreement version as audit entries name it. */
interface AgreementRef {
  readonly id: string;
  readonly version: number;
}

function refOf(inForce: AgreementInForce | undefined): AgreementRef | undefined {
  return inForce ? { id: inForce.agreement.id, version: inForce.version } : undefined;
}

/** The agreement a refusal names (e.g. the one that expired), for the audit entry. */
function agreementOfRefusal(e: unknown): AgreementRef | undefined {
  if (!(e instanceof CredfedError)) return undefined;
  const { agreementId, agreementVersion } = e.details as { agreementId?: unknown; agreementVersion?: unknown };
  return typeof agreementId === 'string' && typeof agreementVersion === 'number' ? { id: agreementId, version: agreementVersion } : undefined;
}

function logFailure(log: CallLog, e: unknown): void {
  if (e instanceof CredfedError) log.warn({ code: e.code, err: e }, 'call refused');
  else log.error({ err: e }, 'call failed');
}
