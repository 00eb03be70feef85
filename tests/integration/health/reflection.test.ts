// gRPC server reflection on a real gateway over loopback mutual TLS (issue 9,
// point 2): a caller with a certificate this node trusts lists
// credfed.v1.Federation, credfed.v1.Admin and grpc.health.v1.Health and gets
// the file that defines a symbol; with server.reflection false the service is
// absent (UNIMPLEMENTED).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { createLogger } from '../../../src/obs/logger.js';
import { clientCredentials } from '../../../src/pki/grpc-credentials.js';
import { loadTlsFiles } from '../../../src/pki/tls-files.js';
import { startGateway, type Gateway } from '../../../src/server/gateway.js';
import { createPki, FEDERATION, freePort, REPO_ROOT, writeNodeConfig, type Pki } from '../../helpers/federation-fixture.js';
import { createTestStoreConfig, type TestStoreConfig } from '../../helpers/store-fixture.js';

const require = createRequire(import.meta.url);
const { FileDescriptorProto } = require('protobufjs/ext/descriptor') as { FileDescriptorProto: { decode(b: Uint8Array): { name: string; package: string; service: { name: string }[]; messageType: { name: string }[] } } };

const REFLECTION_PROTO = path.join(REPO_ROOT, 'node_modules/@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto');
const pkg = grpc.loadPackageDefinition(protoLoader.loadSync(REFLECTION_PROTO, { keepCase: true })) as unknown as {
  grpc: { reflection: { v1: { ServerReflection: grpc.ServiceClientConstructor } } };
};

interface ReflectionAnswer {
  list_services_response?: { service: { name: string }[] };
  file_descriptor_response?: { file_descriptor_proto: Buffer[] };
  error_response?: { error_code: number };
}

let pki: Pki;
let dir: string;
let store: TestStoreConfig;
let file: string;
let port: number;
let gateway: Gateway | undefined;
let client: grpc.Client | undefined;

async function start(env: Record<string, string>): Promise<void> {
  gateway = await startGateway(loadConfig(file, env), { log: createLogger({ level: 'silent', node: 'city' }) });
  const tls = await loadTlsFiles(pki.certs.nodes['county-a']!);
  client = new pkg.grpc.reflection.v1.ServerReflection(`127.0.0.1:${port}`, clientCredentials(tls, { federation: FEDERATION, kind: 'partner', id: 'city' }), {
    'grpc.ssl_target_name_override': 'city',
  });
}

async function stop(): Promise<void> {
  client?.close();
  await gateway?.stop();
  client = undefined;
  gateway = undefined;
}

/** Sends one reflection request on a new stream; resolves with the answer, or the stream's status code. */
function ask(request: Record<string, unknown>): Promise<ReflectionAnswer | { code: number }> {
  return new Promise((resolve) => {
    const stream = (client as unknown as { ServerReflectionInfo(): grpc.ClientDuplexStream<unknown, ReflectionAnswer> }).ServerReflectionInfo();
    stream.on('data', (answer: ReflectionAnswer) => {
      resolve(answer);
      stream.end();
    });
    stream.on('error', (e: grpc.ServiceError) => resolve({ code: e.code }));
    stream.write({ host: '', ...request });
  });
}

beforeAll(async () => {
  pki = await createPki(['city', 'county-a']);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-reflection-'));
  store = await createTestStoreConfig();
  port = await freePort();
  file = writeNodeConfig(pki, dir, { id: 'city', port, store, partners: [{ id: 'county-a', kind: 'child_county' }] });
}, 120_000);

afterAll(async () => {
  await stop();
  await store?.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('grpc.reflection.v1.ServerReflection', () => {
  it('lists the credfed services and the health service, and resolves the file defining a symbol', async () => {
    await start({ CREDFED_REFLECTION: 'true' });
    try {
      const listed = (await ask({ list_services: '' })) as ReflectionAnswer;
      const names = listed.list_services_response!.service.map((s) => s.name);
      expect(names).toEqual(expect.arrayContaining(['credfed.v1.Federation', 'credfed.v1.Admin', 'grpc.health.v1.Health']));

      const found = (await ask({ file_containing_symbol: 'credfed.v1.Federation' })) as ReflectionAnswer;
      const files = found.file_descriptor_response!.file_descriptor_proto.map((b) => FileDescriptorProto.decode(b));
      // @grpc/reflection serves one synthesized file per package (credfed_v1.proto), with its dependencies.
      const credfed = files.find((f) => f.package === 'credfed.v1');
      expect(credfed?.service.map((s) => s.name)).toEqual(expect.arrayContaining(['Federation', 'Admin']));
      expect(credfed?.messageType.map((m) => m.name)).toContain('StatusChange');
      // Its imports come along, so a tool can describe every message.
      expect(files.map((f) => f.package)).toContain('google.protobuf');

      const unknown = (await ask({ file_containing_symbol: 'credfed.v1.NoSuchThing' })) as ReflectionAnswer;
      expect(unknown.error_response?.error_code).toBe(grpc.status.NOT_FOUND);

      // Like every service on the port, it needs a client certificate this node trusts: without one, no handshake.
      const tls = await loadTlsFiles(pki.certs.nodes['county-a']!);
      const anonymous = new pkg.grpc.reflection.v1.ServerReflection(`127.0.0.1:${port}`, grpc.credentials.createSsl(tls.ca, null, null, { checkServerIdentity: () => undefined }), {
        'grpc.ssl_target_name_override': 'city',
      });
      const signedIn = client;
      client = anonymous;
      try {
        expect(await ask({ list_services: '' })).toEqual({ code: grpc.status.UNAVAILABLE });
      } finally {
        anonymous.close();
        client = signedIn;
      }
    } finally {
      await stop();
    }
  });

  it('is absent by default and with server.reflection false: UNIMPLEMENTED', async () => {
    await start({});
    expect(await ask({ list_services: '' })).toEqual({ code: grpc.status.UNIMPLEMENTED });
    await stop();
    await start({ CREDFED_REFLECTION: 'false' });
    expect(await ask({ list_services: '' })).toEqual({ code: grpc.status.UNIMPLEMENTED });
    await stop();
  });
});
