/**
 * Mutual TLS between real grpc-js clients and servers over loopback, with
 * certificates from the development CA: who gets in, who is refused, and
 * which identity the handler sees.
 */
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PeerCertificate } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDevCertificates, loadTlsFiles, type DevCertificates, type TlsFilePaths, type TlsFiles } from '../../../src/pki/dev-certs.js';
import {
  clientCredentials,
  expectServerIdentity,
  partnerChannelOptions,
  peerIdentityFromCall,
  serverCredentials,
} from '../../../src/pki/grpc-credentials.js';
import type { PartnerIdentity, PeerIdentity } from '../../../src/pki/identity.js';

const passThrough = (b: Buffer): Buffer => b;

/** A one-method service, hand-written: WhoAmI returns the caller's identity as JSON bytes. */
const identityService: grpc.ServiceDefinition = {
  whoAmI: {
    path: '/credfed.test.pki.v1.IdentityService/WhoAmI',
    requestStream: false,
    responseStream: false,
    requestSerialize: passThrough,
    requestDeserialize: passThrough,
    responseSerialize: passThrough,
    responseDeserialize: passThrough,
  },
};
const IdentityClient = grpc.makeGenericClientConstructor(identityService, 'IdentityService');
type WhoAmI = (req: Buffer, options: grpc.CallOptions, callback: (err: grpc.ServiceError | null, res?: Buffer) => void) => void;

const partner = (id: string): PartnerIdentity => ({ federation: 'demo', kind: 'partner', id });

interface RunningServer {
  readonly port: number;
  readonly server: grpc.Server;
  /** Handler invocations so far: a refused handshake never reaches the handler. */
  calls: number;
}

async function startServer(files: TlsFiles): Promise<RunningServer> {
  const server = new grpc.Server();
  const running = { server, port: 0, calls: 0 };
  const whoAmI: grpc.handleUnaryCall<Buffer, Buffer> = (call, callback) => {
    running.calls++;
    try {
      callback(null, Buffer.from(JSON.stringify(peerIdentityFromCall(call))));
    } catch (e) {
      callback({ code: grpc.status.UNAUTHENTICATED, details: (e as Error).message });
    }
  };
  server.addService(identityService, { whoAmI });
  running.port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', serverCredentials(files), (err, port) => (err ? reject(err) : resolve(port))),
  );
  return running;
}

const clients: grpc.Client[] = [];

/** Dials the server by IP, as a gateway configured with an address would. */
function callWhoAmI(server: RunningServer, creds: grpc.ChannelCredentials, expected = partner('city')): Promise<PeerIdentity> {
  const client = new IdentityClient(`127.0.0.1:${server.port}`, creds, partnerChannelOptions(expected));
  clients.push(client);
  const whoAmI = (client as unknown as { whoAmI: WhoAmI }).whoAmI.bind(client);
  return new Promise((resolve, reject) =>
    whoAmI(Buffer.alloc(0), { deadline: Date.now() + 10_000 }, (err, res) =>
      err ? reject(err) : resolve(JSON.parse((res as Buffer).toString('utf8')) as PeerIdentity),
    ),
  );
}

/** The call's failure; fails the test if the call succeeded. */
async function refusal(call: Promise<unknown>): Promise<grpc.ServiceError> {
  const outcome = await call.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`call unexpectedly succeeded: ${JSON.stringify(outcome.value)}`);
  return outcome.error as grpc.ServiceError;
}

describe('mutual TLS with development certificates', () => {
  let root: string;
  let demo: DevCertificates;
  /** Another CA of the same federation name, also issuing "county-a". */
  let rogue: DevCertificates;
  let demoCa: Buffer;
  let city: RunningServer;
  let county: RunningServer;
  let rogueCounty: RunningServer;
  let countyFiles: TlsFiles;
  let aliceFiles: TlsFiles;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'credfed-mtls-'));
    [demo, rogue] = await Promise.all([
      ensureDevCertificates({ dir: join(root, 'demo'), federation: 'demo', nodes: ['city', 'county-a'], admins: ['alice'] }),
      ensureDevCertificates({ dir: join(root, 'rogue'), federation: 'demo', nodes: ['county-a'], admins: [] }),
    ]);
    const load = (paths: TlsFilePaths | undefined) => loadTlsFiles(paths ?? { caFile: '', certFile: '', keyFile: '' });
    const [cityFiles, county_, alice_, rogueCountyFiles] = await Promise.all([
      load(demo.nodes['city']),
      load(demo.nodes['county-a']),
      load(demo.admins['alice']),
      load(rogue.nodes['county-a']),
    ]);
    countyFiles = county_;
    aliceFiles = alice_;
    demoCa = cityFiles.ca;
    [city, county, rogueCounty] = await Promise.all([startServer(cityFiles), startServer(countyFiles), startServer(rogueCountyFiles)]);
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    for (const s of [city, county, rogueCounty]) s?.server.forceShutdown();
    await rm(root, { recursive: true, force: true });
  });

  it('(a) a gateway with a dev-CA certificate gets its own identity back', async () => {
    await expect(callWhoAmI(city, clientCredentials(countyFiles, partner('city')))).resolves.toEqual(partner('county-a'));
  });

  it('(a) an admin client certificate is identified as admin', async () => {
    await expect(callWhoAmI(city, clientCredentials(aliceFiles, partner('city')))).resolves.toEqual({
      federation: 'demo',
      kind: 'admin',
      id: 'alice',
    });
  });

  it('(b) a client without a certificate is refused at the handshake', async () => {
    const before = city.calls;
    const anonymous = grpc.credentials.createSsl(demoCa, null, null, { checkServerIdentity: expectServerIdentity(partner('city')) });
    const error = await refusal(callWhoAmI(city, anonymous));
    expect(error.code).not.toBe(grpc.status.OK);
    expect(city.calls).toBe(before);
  });

  it('(c) a client certificate from another CA is refused, even naming a real partner', async () => {
    const before = city.calls;
    const files = await loadTlsFiles({
      caFile: demo.caCertFile,
      certFile: rogue.nodes['county-a']?.certFile ?? '',
      keyFile: rogue.nodes['county-a']?.keyFile ?? '',
    });
    const error = await refusal(callWhoAmI(city, clientCredentials(files, partner('city'))));
    expect(error.code).not.toBe(grpc.status.OK);
    expect(city.calls).toBe(before);
  });

  it('(d) a client expecting city refuses a server whose certificate says county-a', async () => {
    const before = county.calls;
    const error = await refusal(callWhoAmI(county, clientCredentials(aliceFiles, partner('city'))));
    expect(error.code).toBe(grpc.status.UNAVAILABLE);
    expect(county.calls).toBe(before);
  });

  it('(d) … and it is the identity check that refuses it', async () => {
    const check = expectServerIdentity(partner('city'));
    const verdicts: Array<Error | undefined> = [];
    const spied = grpc.credentials.createSsl(aliceFiles.ca, aliceFiles.key, aliceFiles.cert, {
      checkServerIdentity: (host: string, cert: PeerCertificate) => {
        const verdict = check(host, cert);
        verdicts.push(verdict);
        return verdict;
      },
    });
    await refusal(callWhoAmI(county, spied));
    expect(verdicts.length).toBeGreaterThan(0);
    expect(verdicts[0]).toMatchObject({ code: 'PEER_UNKNOWN' });
    expect(verdicts[0]?.message).toContain('spiffe://demo/partner/county-a');
  });

  it('a server certificate from another CA is refused before its identity is even read', async () => {
    const check = expectServerIdentity(partner('county-a'));
    let checked = 0;
    const creds = grpc.credentials.createSsl(aliceFiles.ca, aliceFiles.key, aliceFiles.cert, {
      checkServerIdentity: (host: string, cert: PeerCertificate) => {
        checked++;
        return check(host, cert);
      },
    });
    await refusal(callWhoAmI(rogueCounty, creds, partner('county-a')));
    expect(checked).toBe(0);
    expect(rogueCounty.calls).toBe(0);
  });

  it('(e) ensureDevCertificates is idempotent: a second call creates and changes nothing', async () => {
    const dir = join(root, 'demo');
    const snapshot = async () => {
      const files = (await readdir(dir)).sort();
      return Promise.all(
        files.map(async (f) => ({ f, content: await readFile(join(dir, f), 'utf8'), mtimeMs: (await stat(join(dir, f))).mtimeMs })),
      );
    };
    const before = await snapshot();
    const again = await ensureDevCertificates({ dir, federation: 'demo', nodes: ['city', 'county-a'], admins: ['alice'] });
    expect(again.created).toEqual([]);
    const { created: _first, ...paths } = demo;
    const { created: _second, ...pathsAgain } = again;
    expect(pathsAgain).toEqual(paths);
    expect(await snapshot()).toEqual(before);
  });
});
