/**
 * The ceiling of `bench:query`: a bare grpc-js unary echo over the same
 * mutual TLS (same certificates), answering a payload of the size of a
 * QueryRecords answer — what one RPC costs before any work.
 */
import * as grpc from '@grpc/grpc-js';
import { loadTlsFiles, type TlsFilePaths } from '../pki/tls-files.js';

const bytes = { serialize: (b: Buffer) => b, deserialize: (b: Buffer) => b };
const ECHO = {
  echo: { path: '/bench.Echo/Echo', requestStream: false, responseStream: false, requestSerialize: bytes.serialize, requestDeserialize: bytes.deserialize, responseSerialize: bytes.serialize, responseDeserialize: bytes.deserialize },
} satisfies grpc.ServiceDefinition;

export interface EchoServer {
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Serves echo with `server` TLS files, requiring a client certificate from
 * `caFile`; answers `reply` bytes, after `before` resolves when it is given
 * (e.g. the call's audit entry made durable).
 */
export async function startEcho(server: TlsFilePaths, reply: Buffer, before?: () => Promise<unknown>): Promise<EchoServer> {
  const tls = await loadTlsFiles(server);
  const s = new grpc.Server();
  const echo = (_call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
    if (!before) return cb(null, reply);
    before().then(
      () => cb(null, reply),
      (e: unknown) => cb({ code: grpc.status.INTERNAL, details: String(e) }),
    );
  };
  s.addService(ECHO, { echo });
  const creds = grpc.ServerCredentials.createSsl(tls.ca, [{ private_key: tls.key, cert_chain: tls.cert }], true);
  const port = await new Promise<number>((resolve, reject) => s.bindAsync('127.0.0.1:0', creds, (e, p) => (e ? reject(e) : resolve(p))));
  return { port, stop: () => new Promise((resolve) => s.tryShutdown(() => resolve())) };
}

/** How the echo client writes its requests and reads the answers (raw bytes by default). */
export interface EchoCodec<Req, Res> {
  requestSerialize(req: Req): Buffer;
  responseDeserialize(bytes: Buffer): Res;
}

const RAW: EchoCodec<Buffer, Buffer> = { requestSerialize: bytes.serialize, responseDeserialize: bytes.deserialize };

export type EchoCall<Req = Buffer, Res = Buffer> = (req: Req) => Promise<Res>;

/**
 * A client presenting `client` TLS files to the echo server named
 * `serverName`; with `codec` (e.g. a generated method definition), it
 * encodes requests and decodes answers as that method's client does, so the
 * echo's client does the same work per call as the benchmarked one.
 */
export async function echoClient<Req = Buffer, Res = Buffer>(
  client: TlsFilePaths,
  port: number,
  serverName: string,
  codec: EchoCodec<Req, Res> = RAW as unknown as EchoCodec<Req, Res>,
  options: Record<string, unknown> = {},
): Promise<{ call: EchoCall<Req, Res>; close(): void }> {
  const tls = await loadTlsFiles(client);
  const definition = { echo: { ...ECHO.echo, requestSerialize: codec.requestSerialize, responseDeserialize: codec.responseDeserialize } };
  const Ctor = grpc.makeGenericClientConstructor(definition, 'Echo');
  const c = new Ctor(`127.0.0.1:${port}`, grpc.credentials.createSsl(tls.ca, tls.key, tls.cert), { 'grpc.ssl_target_name_override': serverName, ...options });
  const call: EchoCall<Req, Res> = (req) =>
    new Promise((resolve, reject) => (c as unknown as { echo: (r: Req, cb: (e: Error | null, res?: Res) => void) => void }).echo(req, (e, res) => (e ? reject(e) : resolve(res!))));
  return { call, close: () => c.close() };
}
