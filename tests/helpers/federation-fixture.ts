/**
 * Real gateways for integration tests: development certificates, node
 * configuration files, gateways in this process or as child processes
 * (`credfed serve`), all over loopback mutual TLS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import YAML from 'yaml';
import { loadConfig } from '../../src/config/load-config.js';
import { fetchStatus } from '../../src/cli/admin-call.js';
import type { StatusResponse } from '../../src/gen/credfed/v1/admin.js';
import { FederationClient } from '../../src/gen/credfed/v1/federation.js';
import { createLogger } from '../../src/obs/logger.js';
import { ensureDevCertificates, type DevCertificates } from '../../src/pki/dev-certs.js';
import { clientCredentials } from '../../src/pki/grpc-credentials.js';
import { loadTlsFiles, type TlsFilePaths } from '../../src/pki/tls-files.js';
import { generateRecords } from '../../src/sample/sample-records.js';
import { startGateway, type Gateway } from '../../src/server/gateway.js';
import { ChunkWriter } from '../../src/importer/chunk-writer.js';
import { sealKeyFrom } from '../../src/core/persons/seal.js';
import { openStore } from '../../src/store/store.js';
import type { TestStoreConfig } from './store-fixture.js';
import { TEST_PSEUDONYM_KEY, testPersonsSection } from './person-keys.js';
import { testAgreements } from './test-agreements.js';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
export const FEDERATION = 'demo';

export interface Pki {
  readonly dir: string;
  readonly certs: DevCertificates;
}

/** Development CA and certificates for the given nodes and an admin "ops", in a temp dir; verdict-signing certificates for `verdictSigners`. */
export async function createPki(nodes: string[], opts: { verdictSigners?: string[] } = {}): Promise<Pki> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-pki-'));
  const certs = await ensureDevCertificates({ dir, federation: FEDERATION, nodes, admins: ['ops'], ...(opts.verdictSigners ? { verdictSigners: opts.verdictSigners } : {}) });
  return { dir, certs };
}

export interface NodeSpec {
  readonly id: string;
  readonly port: number;
  readonly store: Pick<TestStoreConfig, 'dataDir' | 'databaseUrl'>;
  readonly partners: readonly { id: string; kind: string; port?: number; push?: boolean; relay?: boolean; subscribe?: boolean; divisions?: string[] }[];
  readonly sync?: Record<string, number>;
  readonly limits?: Record<string, number>;
  /** The `persons` section; default: the shared test federation key and a fresh encryption key (person-keys.ts). */
  readonly persons?: Record<string, unknown>;
  /** The `agreements` section; default: everything allowed for every partner (test-agreements.ts). */
  readonly agreements?: readonly Record<string, unknown>[];
  /** The `recognition` section; `signing` defaults to the node's verdict-signing certificate when the PKI has one. */
  readonly recognition?: Record<string, unknown>;
  /** The `lifecycle` section (publicity periods, sweep interval); default: none (the defaults). */
  readonly lifecycle?: Record<string, unknown>;
  /** The `feed` section (retainDays, pollMs); default: none. */
  readonly feed?: Record<string, number>;
}

/** Writes a node's configuration file and returns its path. */
export function writeNodeConfig(pki: Pki, dir: string, spec: NodeSpec): string {
  const tls = pki.certs.nodes[spec.id]!;
  const doc = {
    node: { id: spec.id, federation: FEDERATION },
    listen: `127.0.0.1:${spec.port}`,
    store: spec.store.databaseUrl ? { databaseUrl: spec.store.databaseUrl } : { dataDir: spec.store.dataDir },
    tls: { ca: tls.caFile, cert: tls.certFile, key: tls.keyFile },
    partners: spec.partners.map((p) => ({
      id: p.id,
      kind: p.kind,
      ...(p.port ? { endpoint: `127.0.0.1:${p.port}` } : {}),
      ...(p.push !== undefined ? { push: p.push } : {}),
      ...(p.relay !== undefined ? { relay: p.relay } : {}),
      ...(p.subscribe !== undefined ? { subscribe: p.subscribe } : {}),
      ...(p.divisions ? { divisions: p.divisions } : {}),
    })),
    sync: { pollMs: 50, leaseSeconds: 3, maxBackoffMs: 500, ...spec.sync },
    limits: spec.limits ?? {},
    persons: spec.persons ?? testPersonsSection(spec.id),
    agreements: spec.agreements ?? testAgreements(spec.partners),
    ...(pki.certs.verdict[spec.id] || spec.recognition ? { recognition: { ...verdictSigning(pki, spec.id), ...spec.recognition } } : {}),
    ...(spec.lifecycle ? { lifecycle: spec.lifecycle } : {}),
    ...(spec.feed ? { feed: spec.feed } : {}),
    log: { level: 'warn' },
  };
  const file = path.join(dir, `${spec.id}-${spec.port}.yaml`);
  fs.writeFileSync(file, YAML.stringify(doc));
  return file;
}

function verdictSigning(pki: Pki, nodeId: string): Record<string, unknown> {
  const files = pki.certs.verdict[nodeId];
  return files ? { signing: { cert: files.certFile, key: files.keyFile } } : {};
}

/** Starts a gateway in this process. DATABASE_URL from the environment is ignored (the file decides). */
export async function startInProcess(configFile: string): Promise<Gateway> {
  const config = loadConfig(configFile, {});
  return startGateway(config, { log: createLogger({ level: 'error', node: config.nodeId }) });
}

export interface ChildGateway {
  readonly process: ChildProcess;
  readonly stderr: () => string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `credfed serve --config FILE` as a child process; resolves once it listens. */
export async function spawnGateway(configFile: string, timeoutMs = 60_000): Promise<ChildGateway> {
  const env: NodeJS.ProcessEnv = { ...process.env, CREDFED_LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/credfed.js'), 'serve', '--config', configFile], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start in ${timeoutMs} ms:\n${stderr}`)), timeoutMs);
    const check = () => {
      if (stderr.includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stderr!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code} before listening:\n${stderr}`));
    });
  });
  return {
    process: child,
    stderr: () => stderr,
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** A free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * The first of `count` consecutive free loopback ports, below Linux's
 * ephemeral range (32768–60999): the kernel never hands those out for port 0
 * or an outgoing connection, so nothing else in the test run takes one of
 * them between this check and the caller's listen (as happened to
 * `credfed up --base-port` with a base from freePort()).
 */
export async function freePortRun(count: number): Promise<number> {
  const canListen = (port: number) =>
    new Promise<boolean>((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * (32_000 - 20_000));
    let free = true;
    for (let i = 0; i < count && free; i++) free = await canListen(base + i);
    if (free) return base;
  }
  throw new Error(`no ${count} consecutive free ports found between 20000 and 32000`);
}

/** Polls until fn returns a truthy value; fails with the last value after the timeout. */
export async function waitFor<T>(fn: () => Promise<T> | T, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      last = await fn();
      if (last) return last as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${String(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Imports generated records at a node's store (opened here, closed after), natural persons under the test federation key. */
export async function seedRecords(
  store: Pick<TestStoreConfig, 'dataDir' | 'databaseUrl'>,
  originId: string,
  count: number,
  outboxPartners: string[],
): Promise<void> {
  const s = await openStore({ dataDir: store.dataDir, databaseUrl: store.databaseUrl });
  try {
    const persons = { policy: { keys: [TEST_PSEUDONYM_KEY] }, storage: 'encrypted' as const, sealKey: sealKeyFrom(Buffer.alloc(32, 1)) };
    const writer = new ChunkWriter(s, outboxPartners, persons);
    for (const record of generateRecords({ originId, count })) {
      const refused = await writer.add(record);
      if (refused) throw new Error(`seed record refused: ${refused.reason}`);
    }
    await writer.flush();
  } finally {
    await s.close();
  }
}

/** Admin.Status of a node, called with the admin certificate. */
export function adminStatus(pki: Pki, nodeId: string, port: number): Promise<StatusResponse> {
  return fetchStatus({ federation: FEDERATION, nodeId, endpoint: `127.0.0.1:${port}`, ...pki.certs.admins.ops! });
}

/** A raw Federation client presenting `as`'s certificate, expecting to reach `serverId`. */
export async function federationClientAs(files: TlsFilePaths, serverId: string, port: number, options: grpc.ChannelOptions = {}) {
  const tls = await loadTlsFiles(files);
  return new FederationClient(`127.0.0.1:${port}`, clientCredentials(tls, { federation: FEDERATION, kind: 'partner', id: serverId }), {
    'grpc.ssl_target_name_override': serverId,
    ...options,
  });
}

export function partnerOf(status: StatusResponse, partnerId: string) {
  const p = status.partners.find((x) => x.partnerId === partnerId);
  if (!p) throw new Error(`no partner ${partnerId} in status of ${status.nodeId}`);
  return p;
}
