/**
 * Starts and stops the worker thread that hosts PGlite for one data directory
 * (see ./pglite-worker.mjs) and tells where to connect to it. A directory
 * without a cluster gets one first (./create-cluster.ts).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ensureCluster } from './create-cluster.js';
import { embeddedStartSettings } from './pglite-settings.js';
import { listenAddressFor, type ConnectAddress } from './socket-address.js';
import type { FromWorker, PgliteWorkerInit, ToWorker } from './worker-protocol.js';
import type { StoreLog } from '../store-log.js';

/** A running PGlite worker. */
export interface PgliteHost {
  readonly address: ConnectAddress;
  /** Closes the socket server and PGlite cleanly, then ends the worker. Idempotent. */
  stop(): Promise<void>;
}

/** Opening an existing cluster takes ~0.5 s here (several at once on two cores, more); allow for slow disks. */
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 15_000;

/**
 * The pool holds one connection; the extra slot lets it reconnect before the
 * socket server has noticed that the previous connection closed.
 */
const MAX_SOCKET_CONNECTIONS = 2;

const WORKER = new URL('./pglite-worker.mjs', import.meta.url);

/**
 * pglite.wasm (9 MB), compiled once per process and handed to every worker:
 * the stores of `credfed up` share one copy of its machine code, and each
 * worker skips reading and compiling it (measured: `credfed up` settles
 * ~40 MB lower than with a compile per worker; one store, no difference).
 */
let wasmModule: Promise<WebAssembly.Module> | undefined;
function pgliteWasmModule(): Promise<WebAssembly.Module> {
  wasmModule ??= (async () => {
    const dist = path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
    return WebAssembly.compile(await fs.promises.readFile(path.join(dist, 'pglite.wasm')));
  })();
  wasmModule.catch(() => (wasmModule = undefined)); // a failed read is retried by the next open
  return wasmModule;
}

/**
 * Starts PGlite on `dataDir` (absolute, already locked by the caller), creating
 * the cluster first if there is none. Rejects with the worker's error.
 */
export async function startPgliteHost(dataDir: string, log: StoreLog, sharedBuffersMiB: number): Promise<PgliteHost> {
  const settings = embeddedStartSettings(sharedBuffersMiB);
  // Both at once, but settled both before going on: the caller releases the
  // directory lock on a rejection, which must not happen while the cluster is
  // still being moved into the directory.
  const [module, cluster] = await Promise.allSettled([pgliteWasmModule(), ensureCluster(dataDir, settings, log)]);
  if (cluster.status === 'rejected') throw cluster.reason;
  if (module.status === 'rejected') throw module.reason;
  const init: PgliteWorkerInit = { dataDir, listen: listenAddressFor(dataDir), maxConnections: MAX_SOCKET_CONNECTIONS, settings, wasmModule: module.value };
  const worker = new Worker(WORKER, { workerData: init, name: 'credfed-pglite' });
  let started = false;
  let exited = false;
  let stopping: Promise<void> | undefined;
  // permanent listeners: an 'error' event without one would crash the process
  worker.on('error', (err) => {
    if (started) log(`the embedded database worker for ${dataDir} failed`, { backend: 'embedded', err });
  });
  const exitPromise = new Promise<void>((resolve) => {
    worker.once('exit', (code) => {
      exited = true;
      if (started && !stopping) log(`the embedded database worker for ${dataDir} exited unexpectedly`, { backend: 'embedded', code });
      resolve();
    });
  });

  const address = await new Promise<ConnectAddress>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`PGlite did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    const done = (): void => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (msg: FromWorker): void => {
      if (msg.type === 'ready') {
        done();
        resolve({ host: msg.host, port: msg.port });
      } else if (msg.type === 'failed') {
        done();
        reject(new Error(msg.message));
      }
    };
    const onError = (err: Error): void => {
      done();
      reject(err);
    };
    const onExit = (code: number): void => {
      done();
      reject(new Error(`the PGlite worker exited with code ${code} while starting`));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  }).catch(async (err: unknown) => {
    await worker.terminate();
    throw err;
  });

  started = true;

  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (exited) return;
      const closed = new Promise<string>((resolve) => {
        worker.on('message', (msg: FromWorker) => {
          if (msg.type === 'closed') resolve('closed');
          if (msg.type === 'failed') resolve(msg.message);
        });
      });
      worker.postMessage({ type: 'close' } satisfies ToWorker);
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        closed,
        exitPromise.then(() => 'the worker exited'),
        new Promise<string>((resolve) => {
          timer = setTimeout(() => resolve(`no answer within ${STOP_TIMEOUT_MS / 1000} s`), STOP_TIMEOUT_MS);
        }),
      ]);
      clearTimeout(timer);
      if (outcome !== 'closed') log(`the embedded database in ${dataDir} did not close cleanly`, { backend: 'embedded', reason: outcome });
      await worker.terminate();
    })();
    return stopping;
  };

  return { address, stop };
}
