// The standard gRPC health service on a real gateway over loopback mutual TLS
// (issue 9, point 2): the whole server and each credfed service are SERVING
// while the store answers and the certificate is valid; an unknown service is
// NOT_FOUND; a watcher sees NOT_SERVING as soon as the gateway starts stopping.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { createLogger } from '../../../src/obs/logger.js';
import { clientCredentials } from '../../../src/pki/grpc-credentials.js';
import { loadTlsFiles } from '../../../src/pki/tls-files.js';
import { startGateway, type Gateway } from '../../../src/server/gateway.js';
import { createPki, FEDERATION, freePort, waitFor, writeNodeConfig, type Pki } from '../../helpers/federation-fixture.js';
import { createTestStoreConfig, type TestStoreConfig } from '../../helpers/store-fixture.js';

let pki: Pki;
let dir: string;
let store: TestStoreConfig;
let gateway: Gateway;
let client: grpc.Client & Record<string, (...args: unknown[]) => unknown>;

const Health = grpc.makeGenericClientConstructor(healthService as unknown as grpc.ServiceDefinition, 'Health');
const check = (name: string) =>
  new Promise<{ status: string } | { code: number }>((resolve) =>
    (client.check as (req: unknown, cb: (e: grpc.ServiceError | null, r?: { status: string }) => void) => void)({ service: name }, (e, r) => resolve(e ? { code: e.code } : { status: r!.status })),
  );

beforeAll(async () => {
  pki = await createPki(['city', 'county-a']);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-health-'));
  store = await createTestStoreConfig();
  const port = await freePort();
  const file = writeNodeConfig(pki, dir, { id: 'city', port, store, partners: [{ id: 'county-a', kind: 'child_county' }] });
  gateway = await startGateway(loadConfig(file, {}), { log: createLogger({ level: 'error', node: 'city' }), healthCheckMs: 200 });
  const tls = await loadTlsFiles(pki.certs.nodes['county-a']!);
  client = new Health(`127.0.0.1:${port}`, clientCredentials(tls, { federation: FEDERATION, kind: 'partner', id: 'city' }), { 'grpc.ssl_target_name_override': 'city' }) as typeof client;
}, 120_000);

afterAll(async () => {
  client?.close();
  await gateway?.stop();
  await store?.cleanup();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('grpc.health.v1.Health', () => {
  it('answers SERVING for the server and each credfed service, NOT_FOUND for another', async () => {
    for (const name of ['', 'credfed.v1.Federation', 'credfed.v1.Admin']) expect(await check(name)).toEqual({ status: 'SERVING' });
    expect(await check('credfed.v1.Nothing')).toEqual({ code: grpc.status.NOT_FOUND });
  });

  it('a watcher sees NOT_SERVING as soon as the gateway starts stopping', async () => {
    const seen: string[] = [];
    const watch = (client.watch as (req: unknown) => grpc.ClientReadableStream<{ status: string }>)({ service: '' });
    watch.on('data', (r: { status: string }) => seen.push(r.status));
    watch.on('error', () => undefined);
    await waitFor(() => seen.includes('SERVING'), 5_000, 'SERVING');
    const stopping = gateway.stop();
    await waitFor(() => seen.includes('NOT_SERVING'), 5_000, 'NOT_SERVING while stopping');
    await stopping;
    expect(seen).toEqual(['SERVING', 'NOT_SERVING']);
  });
});
