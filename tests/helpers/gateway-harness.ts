/**
 * The gateways and stores one test file starts: a PKI and a work directory
 * made before its tests, and everything stopped and removed after them.
 * Call `gatewayHarness` at module level (it registers beforeAll/afterAll).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Gateway } from '../../src/server/gateway.js';
import { createPki, startInProcess, type Pki } from './federation-fixture.js';
import { createTestStoreConfig, type TestStoreConfig } from './store-fixture.js';

export interface GatewayHarness {
  /** Certificates of the nodes (set once the file's tests start). */
  readonly pki: Pki;
  /** A directory for configuration and other files (set once the file's tests start). */
  readonly dir: string;
  /** A fresh migrated store, removed after the file. */
  newStore(): Promise<TestStoreConfig>;
  /** Starts a gateway in this process from its configuration file; stopped after the file. */
  start(configFile: string): Promise<Gateway>;
  /** Stops a gateway started by `start` now. */
  stop(gateway: Gateway): Promise<void>;
}

export function gatewayHarness(nodes: string[], dirPrefix: string): GatewayHarness {
  let pki: Pki | undefined;
  let dir: string | undefined;
  const stores: TestStoreConfig[] = [];
  const running: Gateway[] = [];
  beforeAll(async () => {
    pki = await createPki(nodes);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), dirPrefix));
  });
  afterAll(async () => {
    await Promise.allSettled(running.map((g) => g.stop()));
    await Promise.allSettled(stores.map((s) => s.cleanup()));
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    if (pki) fs.rmSync(pki.dir, { recursive: true, force: true });
  });
  const set = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the harness ${what} exists only inside the tests`);
    return value;
  };
  return {
    get pki() {
      return set(pki, 'PKI');
    },
    get dir() {
      return set(dir, 'directory');
    },
    async newStore() {
      const s = await createTestStoreConfig();
      stores.push(s);
      return s;
    },
    async start(configFile) {
      const g = await startInProcess(configFile);
      running.push(g);
      return g;
    },
    async stop(g) {
      await g.stop();
      running.splice(running.indexOf(g), 1);
    },
  };
}
