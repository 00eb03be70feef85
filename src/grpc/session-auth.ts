/**
 * A server call's auth context, read once per HTTP/2 session: grpc-js builds
 * the peer certificate object anew (subject, issuer, three fingerprints,
 * the raw bytes) on every `getAuthContext()`, a tenth of a short call's CPU.
 * Node's HTTP/2 disables TLS renegotiation on the socket, so a session's
 * peer certificate never changes and can be kept for the session's life
 * (weakly: it goes with the session). When the session cannot be found
 * (another grpc-js layout), the context is read once per call instead.
 */
import type { AuthContextSource } from '../pki/grpc-credentials.js';

type AuthContext = ReturnType<AuthContextSource['getAuthContext']>;

const bySession = new WeakMap<object, AuthContext>();

/** The call with its auth context read at most once per session. */
export function sessionAuth<C extends AuthContextSource & { getPeer(): string }>(call: C): AuthContextSource & { getPeer(): string } {
  return new SessionAuthCall(call);
}

/** A call's auth context, from its session when known (a class, so a call makes no closures). */
class SessionAuthCall {
  private auth: AuthContext;
  private read = false;

  constructor(private readonly call: AuthContextSource & { getPeer(): string }) {}

  getAuthContext(): AuthContext {
    if (this.read) return this.auth;
    const session = sessionOf(this.call);
    const known = session ? bySession.get(session) : undefined;
    this.auth = known ?? this.call.getAuthContext();
    if (session && !known && this.auth?.sslPeerCertificate) bySession.set(session, this.auth);
    this.read = true;
    return this.auth;
  }

  getPeer(): string {
    return this.call.getPeer();
  }
}

/**
 * The HTTP/2 session a grpc-js server call arrived on: the call handed to a
 * handler wraps the intercepting call that holds the stream. Only used as a
 * cache key; undefined when the layout differs.
 */
function sessionOf(call: object): object | undefined {
  const inner = (call as { call?: { stream?: { session?: unknown } } }).call;
  const session = inner?.stream?.session;
  return typeof session === 'object' && session !== null ? session : undefined;
}
