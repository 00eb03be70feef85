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

export type EchoCall = (req: Buffer) => Promise<Buffer>;

/** A client presenting `client` TLS files to the echo server named `serverName`. */
export async function echoClient(client: TlsFilePaths, port: number, serverName: string): Promise<{ call: EchoCall; close(): void }> {
  const tls = await loadTlsFiles(client);
  const Ctor = grpc.makeGenericClientConstructor(ECHO, 'Echo');
  const c = new Ctor(`127.0.0.1:${port}`, grpc.credentials.createSsl(tls.ca, tls.key, tls.cert), { 'grpc.ssl_target_name_override': serverName });
  const call: EchoCall = (req) =>
    new Promise((resolve, reject) => (c as unknown as { echo: (r: Buffer, cb: (e: Error | null, res?: Buffer) => void) => void }).echo(req, (e, res) => (e ? reject(e) : resolve(res!))));
  return { call, close: () => c.close() };
}
