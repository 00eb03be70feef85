/**
 * Worker thread hosting PGlite. PGlite executes queries synchronously on the
 * thread that owns it, so it lives here, off the main thread, behind a
 * pglite-socket server that speaks the PostgreSQL wire protocol; the main
 * thread connects with `pg` like to any PostgreSQL. Started through
 * ./pglite-worker-bootstrap.mjs by ./pglite-host.ts.
 */
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { FromWorker, PgliteWorkerInit, ToWorker } from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('pglite-worker must run in a worker thread');
const init = workerData as PgliteWorkerInit;
const send = (msg: FromWorker): void => port.postMessage(msg);

let db: PGlite | undefined;
let server: PGLiteSocketServer | undefined;

async function start(): Promise<void> {
  db = new PGlite(init.dataDir);
  await db.waitReady;
  const { listen } = init;
  if (listen.kind === 'unix') {
    // A SIGKILLed owner leaves its socket file behind; the caller holds the
    // directory lock, so no live server can be using it.
    removeStaleSocket(listen.path);
    server = new PGLiteSocketServer({ db, path: listen.path, maxConnections: init.maxConnections });
    await server.start();
    fs.chmodSync(listen.path, 0o600);
    send({ type: 'ready', host: listen.dir, port: portOfSocketFile(listen.path) });
  } else {
    server = new PGLiteSocketServer({ db, host: listen.host, port: 0, maxConnections: init.maxConnections });
    await server.start();
    const conn = server.getServerConn(); // "host:port" once listening
    send({ type: 'ready', host: listen.host, port: Number(conn.slice(conn.lastIndexOf(':') + 1)) });
  }
}

async function stop(): Promise<void> {
  await server?.stop();
  // handlers detach on the next ticks and may still roll back an open transaction
  await new Promise((resolve) => setImmediate(resolve));
  if (db && !db.closed) await db.close();
}

function removeStaleSocket(socketPath: string): void {
  try {
    if (fs.lstatSync(socketPath).isSocket()) fs.rmSync(socketPath);
  } catch {
    // none there
  }
}

function portOfSocketFile(socketPath: string): number {
  return Number(socketPath.slice(socketPath.lastIndexOf('.') + 1));
}

port.on('message', (msg: ToWorker) => {
  if (msg.type !== 'close') return;
  stop().then(
    () => send({ type: 'closed' }),
    (err: unknown) => send({ type: 'failed', message: `closing PGlite failed: ${(err as Error).message}` }),
  );
});

start().catch(async (err: unknown) => {
  send({ type: 'failed', message: (err as Error).message ?? String(err) });
  await stop().catch(() => {});
});
