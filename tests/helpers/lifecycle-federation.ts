/**
 * Real gateways over loopback mutual TLS for the record-lifecycle tests
 * (feeds, objections, feedback): each on its own test store, with the admin
 * certificate's client, record imports at a node, and the stored status of a record.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { expect } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { AdminClient } from '../../src/gen/credfed/v1/admin.js';
import type { CreditRecord } from '../../src/gen/credfed/v1/record.js';
import { ChunkWriter } from '../../src/importer/chunk-writer.js';
import { createLogger } from '../../src/obs/logger.js';
import { loadPersonsProtection } from '../../src/persons/persons-protection.js';
import { clientCredentials } from '../../src/pki/grpc-credentials.js';
import { loadTlsFiles } from '../../src/pki/tls-files.js';
import { startGateway, type Gateway } from '../../src/server/gateway.js';
import { createPki, FEDERATION, freePort, writeNodeConfig, type NodeSpec, type Pki } from './federation-fixture.js';
import { createTestStoreConfig, type TestStoreConfig } from './store-fixture.js';

type Unary<Req, Res> = (req: Req, md: grpc.Metadata, opts: Partial<grpc.CallOptions>, cb: (e: grpc.ServiceError | null, res: Res) => void) => grpc.ClientUnaryCall;

export class LifecycleFederation {
  readonly stores = new Map<string, TestStoreConfig>();
  readonly ports = new Map<string, number>();
  readonly gateways = new Map<string, Gateway>();
  private readonly files = new Map<string, string>();
  private readonly admins = new Map<string, AdminClient>();

  private constructor(
    readonly pki: Pki,
    private readonly dir: string,
  ) {}

  /** Stores, ports and configuration files for `nodes` (specs from `spec`, given the ports), all started. */
  static async start(nodes: readonly string[], spec: (id: string, f: LifecycleFederation) => Omit<NodeSpec, 'id' | 'port' | 'store'>): Promise<LifecycleFederation> {
    const f = new LifecycleFederation(await createPki([...nodes], { verdictSigners: [...nodes] }), fs.mkdtempSync(path.join(os.tmpdir(), 'credfed-lifecycle-')));
    for (const id of nodes) {
      f.stores.set(id, await createTestStoreConfig());
      f.ports.set(id, await freePort());
    }
    for (const id of nodes) f.files.set(id, writeNodeConfig(f.pki, f.dir, { ...spec(id, f), id, port: f.ports.get(id)!, store: f.stores.get(id)! }));
    for (const id of nodes) await f.startNode(id);
    return f;
  }

  /** A partner entry with its endpoint, for a spec. */
  partner(id: string, kind: string, extra: Record<string, unknown> = {}) {
    return { id, kind, port: this.ports.get(id)!, ...extra };
  }

  gateway(id: string): Gateway {
    return this.gateways.get(id)!;
  }

  async startNode(id: string): Promise<Gateway> {
    // Agreements are read again every 200 ms, so a test's change applies at once.
    const gw = await startGateway(loadConfig(this.files.get(id)!, {}), { log: createLogger({ level: 'error', node: id }), agreementRefreshMs: 200 });
    this.gateways.set(id, gw);
    return gw;
  }

  async stopNode(id: string): Promise<void> {
    await this.gateways.get(id)!.stop();
    this.admins.get(id)?.close();
    this.admins.delete(id);
  }

  /** The Admin client of a node (admin certificate "ops"). */
  async admin(id: string): Promise<AdminClient> {
    let client = this.admins.get(id);
    if (!client) {
      const tls = await loadTlsFiles(this.pki.certs.admins.ops!);
      client = new AdminClient(`127.0.0.1:${this.ports.get(id)}`, clientCredentials(tls, { federation: FEDERATION, kind: 'partner', id }), { 'grpc.ssl_target_name_override': id });
      this.admins.set(id, client);
    }
    return client;
  }

  /** One Admin call at a node. */
  async call<Req, Res>(id: string, method: (c: AdminClient) => Unary<Req, Res>, req: Req): Promise<Res> {
    const client = await this.admin(id);
    return new Promise((resolve, reject) => method(client).call(client, req, new grpc.Metadata(), { deadline: Date.now() + 30_000 }, (e, res) => (e ? reject(e) : resolve(res))));
  }

  /** Imports records at a node (queued for `outbox`) and wakes its senders. */
  async importAt(id: string, records: readonly CreditRecord[], outbox: readonly string[] = ['city']): Promise<void> {
    const gw = this.gateway(id);
    const writer = new ChunkWriter(gw.store, [...outbox], loadPersonsProtection(gw.config.persons));
    for (const r of records) expect(await writer.add(r)).toBeUndefined();
    await writer.flush();
    gw.notifyOutbox();
  }

  /** A record's stored status and version at a node; undefined when not held. */
  async statusAt(id: string, recordId: string): Promise<{ status: number; version: string } | undefined> {
    return (await this.gateway(id).store.query<{ status: number; version: string }>('SELECT status, version FROM records WHERE record_id = $1', [recordId])).rows[0];
  }

  async close(): Promise<void> {
    for (const a of this.admins.values()) a.close();
    for (const gw of this.gateways.values()) await gw.stop();
    for (const s of this.stores.values()) await s.cleanup();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
