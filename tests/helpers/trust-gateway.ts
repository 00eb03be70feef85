/**
 * A gateway for the trust tests, started in this process with explicit TLS
 * files (own CA from the store, optional tls.crl), an optional injected
 * clock, and probes that tell a refused handshake from a refused call.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import YAML from 'yaml';
import { loadConfig } from '../../src/config/load-config.js';
import type { Clock } from '../../src/core/clock.js';
import { FederationClient, type PushRecordsResponse } from '../../src/gen/credfed/v1/federation.js';
import { reasonOf } from '../../src/grpc/to-grpc-error.js';
import { createLogger } from '../../src/obs/logger.js';
import { clientCredentials } from '../../src/pki/grpc-credentials.js';
import { loadTlsFiles, type TlsFilePaths } from '../../src/pki/tls-files.js';
import { startGateway, type Gateway } from '../../src/server/gateway.js';
import type { TestStoreConfig } from './store-fixture.js';
import { testPersonsSection } from './person-keys.js';
import { testAgreements } from './test-agreements.js';

export interface TrustNodeSpec {
  readonly id: string;
  readonly port: number;
  readonly store: Pick<TestStoreConfig, 'dataDir' | 'databaseUrl'>;
  readonly tls: TlsFilePaths & { readonly crlFile?: string };
  readonly partners: readonly { id: string; kind: string; push?: boolean; endpoint?: string }[];
  readonly dir: string;
}

export async function startTrustGateway(spec: TrustNodeSpec, opts: { clock?: Clock } = {}): Promise<Gateway> {
  const doc = {
    node: { id: spec.id, federation: 'demo' },
    listen: `127.0.0.1:${spec.port}`,
    store: spec.store.databaseUrl ? { databaseUrl: spec.store.databaseUrl } : { dataDir: spec.store.dataDir },
    tls: { ca: spec.tls.caFile, cert: spec.tls.certFile, key: spec.tls.keyFile, ...(spec.tls.crlFile ? { crl: spec.tls.crlFile } : {}) },
    partners: spec.partners,
    sync: { pollMs: 50, leaseSeconds: 3, maxBackoffMs: 500 },
    persons: testPersonsSection(spec.id),
    agreements: testAgreements(spec.partners),
    log: { level: 'warn' },
  };
  const file = path.join(spec.dir, `${spec.id}-${spec.port}.yaml`);
  fs.writeFileSync(file, YAML.stringify(doc));
  const config = loadConfig(file, {});
  return startGateway(config, { log: createLogger({ level: process.env.TRUST_TEST_LOG ?? 'error', node: config.nodeId }), ...(opts.clock ? { clock: opts.clock } : {}) });
}

/** A Federation client presenting `files` (or no certificate), expecting the server `serverId`. */
export async function clientWith(files: TlsFilePaths | { caFile: string }, serverId: string, port: number): Promise<FederationClient> {
  const options = { 'grpc.ssl_target_name_override': serverId };
  if (!('certFile' in files)) {
    const ca = fs.readFileSync(files.caFile);
    return new FederationClient(`127.0.0.1:${port}`, grpc.credentials.createSsl(ca), options);
  }
  const tls = await loadTlsFiles(files);
  return new FederationClient(`127.0.0.1:${port}`, clientCredentials(tls, { federation: 'demo', kind: 'partner', id: serverId }), options);
}

export type ProbeOutcome = 'admitted' | { code: number; reason?: string; details: string };

/**
 * Opens PushRecords and waits for the receiver's resume message (the call
 * was admitted) or the call's error. A refused handshake shows as
 * UNAVAILABLE without a credfed reason; a refused call carries one.
 */
export function probe(client: FederationClient, timeoutMs = 10_000): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const call = client.pushRecords({ deadline: Date.now() + timeoutMs });
    let done = false;
    call.on('data', (msg: PushRecordsResponse) => {
      if (done || msg.message?.$case !== 'resume') return;
      done = true;
      resolve('admitted');
      call.end();
      call.cancel();
    });
    call.on('error', (e: grpc.ServiceError) => {
      if (done) return;
      done = true;
      resolve({ code: e.code, reason: reasonOf(e), details: e.details });
    });
    call.on('end', () => undefined);
  });
}

/** A fresh client per probe (a new connection, so a new handshake), closed after. */
export async function probeNew(files: TlsFilePaths | { caFile: string }, serverId: string, port: number): Promise<ProbeOutcome> {
  const client = await clientWith(files, serverId, port);
  try {
    return await probe(client);
  } finally {
    client.close();
  }
}

/** The outcome of a handshake the server refused. */
export const HANDSHAKE_REFUSED = { code: grpc.status.UNAVAILABLE, reason: undefined };
