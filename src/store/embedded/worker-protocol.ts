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
  /** PostgreSQL shared_buffers in MiB; absent: the data directory's own setting (128 MB). */
  readonly sharedBuffersMiB?: number;
}

/** Main thread → worker. */
export type ToWorker = { readonly type: 'close' };

/** Worker → main thread. */
export type FromWorker =
  | ({ readonly type: 'ready' } & ConnectAddress)
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'closed' };
