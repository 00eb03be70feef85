/**
 * The ceiling of the RPC benchmarks: a bare grpc-js unary echo over the same
 * mutual TLS (same certificates), answering a payload of the size of a
 * QueryRecords answer — what one RPC costs before any work — and a bare
 * server stream sending one message over and over (`bench:feed`).
 */
import * as grpc from '@grpc/grpc-js';
import { loadTlsFiles, type TlsFilePaths } from '../pki/tls-files.js';

const bytes = { serialize: (b: Buffer) => b, deserialize: (b: Buffer) => b };
const ECHO = {
  echo: { path: '/bench.Echo/Echo', requestStream: false, responseStream: false, requestSerialize: bytes.serialize, requestDeserialize: bytes.deserialize, responseSerialize: bytes.serialize, responseDeserialize: bytes.deserialize },
  stream: { path: '/bench.Echo/Stream', requestStream: false, responseStream: true, requestSerialize: bytes.serialize, requestDeserialize: bytes.deserialize, responseSerialize: bytes.serialize, responseDeserialize: bytes.deserialize },
} satisfies grpc.ServiceDefinition;

export interface EchoServer {
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Serves echo with `server` TLS files, requiring a client certificate from
 * `caFile`; answers `reply` bytes, after `before` resolves when it is given
 * (e.g. the call's audit entry made durable). Its Stream sends the message
 * of the request (after a uint32 count) count times, as fast as the client
 * takes them.
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
  const stream = async (call: grpc.ServerWritableStream<Buffer, Buffer>) => {
    const count = call.request.readUInt32BE(0);
    const message = Buffer.from(call.request.subarray(4));
    for (let i = 0; i < count && !call.cancelled; i++) {
      if (!call.write(message)) await drainedOrCancelled(call);
    }
    call.end();
  };
  s.addService(ECHO, { echo, stream });
  const creds = grpc.ServerCredentials.createSsl(tls.ca, [{ private_key: tls.key, cert_chain: tls.cert }], true);
  const port = await new Promise<number>((resolve, reject) => s.bindAsync('127.0.0.1:0', creds, (e, p) => (e ? reject(e) : resolve(p))));
  return { port, stop: () => new Promise((resolve) => s.tryShutdown(() => resolve())) };
}

function drainedOrCancelled(call: grpc.ServerWritableStream<Buffer, Buffer>): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      call.off('drain', done);
      call.off('cancelled', done);
      resolve();
    };
    call.once('drain', done);
    call.once('cancelled', done);
  });
}

/** How the echo client writes its requests and reads the answers (raw bytes by default). */
export interface EchoCodec<Req, Res> {
  requestSerialize(req: Req): Buffer;
  responseDeserialize(bytes: Buffer): Res;
}

const RAW: EchoCodec<Buffer, Buffer> = { requestSerialize: bytes.serialize, responseDeserialize: bytes.deserialize };

export type EchoCall<Req = Buffer, Res = Buffer> = (req: Req) => Promise<Res>;

/** Asks the echo to stream `message` `count` times; resolves with the number of messages received (each decoded by the codec). */
export type EchoStream = (message: Buffer, count: number) => Promise<number>;

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
): Promise<{ call: EchoCall<Req, Res>; stream: EchoStream; close(): void }> {
  const tls = await loadTlsFiles(client);
  const definition = {
    echo: { ...ECHO.echo, requestSerialize: codec.requestSerialize, responseDeserialize: codec.responseDeserialize },
    stream: { ...ECHO.stream, responseDeserialize: codec.responseDeserialize },
  };
  const Ctor = grpc.makeGenericClientConstructor(definition, 'Echo');
  const c = new Ctor(`127.0.0.1:${port}`, grpc.credentials.createSsl(tls.ca, tls.key, tls.cert), { 'grpc.ssl_target_name_override': serverName, ...options });
  const call: EchoCall<Req, Res> = (req) =>
    new Promise((resolve, reject) => (c as unknown as { echo: (r: Req, cb: (e: Error | null, res?: Res) => void) => void }).echo(req, (e, res) => (e ? reject(e) : resolve(res!))));
  const stream: EchoStream = (message, count) =>
    new Promise((resolve, reject) => {
      const head = Buffer.alloc(4);
      head.writeUInt32BE(count);
      const s = (c as unknown as { stream: (r: Buffer) => grpc.ClientReadableStream<Res> }).stream(Buffer.concat([head, message]));
      let received = 0;
      s.on('data', () => received++);
      s.on('error', reject);
      s.on('end', () => resolve(received));
    });
  return { call, stream, close: () => c.close() };
}
