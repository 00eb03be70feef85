/**
 * Messages between the main thread and the worker hosting PGlite.
 */
import type { ListenAddress, ConnectAddress } from './socket-address.js';

/** `workerData` of the PGlite worker. */
export interface PgliteWorkerInit {
  readonly dataDir: string;
  readonly listen: ListenAddress;
  /** Connections the socket server accepts (the pool uses one; the rest is slack for reconnects). */
  readonly maxConnections: number;
  /** `-c name=value` pairs added to PGlite's default startParams (./pglite-settings.ts). */
  readonly settings: readonly string[];
  /** pglite.wasm compiled once per process: the workers share its code instead of compiling it each. */
  readonly wasmModule: WebAssembly.Module;
}

/** Main thread → worker. */
export type ToWorker = { readonly type: 'close' };

/** Worker → main thread. */
export type FromWorker =
  | ({ readonly type: 'ready' } & ConnectAddress)
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'closed' };
