// @ts-check
/**
 * Worker thread hosting PGlite. PGlite executes queries synchronously on the
 * thread that owns it, so it lives here, off the main thread, behind a
 * pglite-socket server that speaks the PostgreSQL wire protocol; the main
 * thread connects with `pg` like to any PostgreSQL. Started by
 * ./pglite-host.ts, on a data directory that holds a cluster.
 *
 * Plain JavaScript (type-checked through JSDoc), unlike the rest of the code:
 * a worker starts with a fresh module loader, and registering the TypeScript
 * loader there costs ~0.8 s of every embedded open (a second loader thread),
 * for one small module that needs no transform.
 */
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** @typedef {import('./worker-protocol.js').PgliteWorkerInit} PgliteWorkerInit */
/** @typedef {import('./worker-protocol.js').FromWorker} FromWorker */
/** @typedef {import('./worker-protocol.js').ToWorker} ToWorker */

if (!parentPort) throw new Error('pglite-worker must run in a worker thread');
const port = parentPort;
const init = /** @type {PgliteWorkerInit} */ (workerData);
/** @param {FromWorker} msg */
const send = (msg) => port.postMessage(msg);

/** @type {PGlite | undefined} */
let db;
/** @type {PGLiteSocketServer | undefined} */
let server;

async function start() {
  // The data directory already holds a cluster: ./pglite-initdb.mjs created it.
  db = new PGlite({ dataDir: init.dataDir, startParams: [...PGlite.defaultStartParams, ...init.settings], pgliteWasmModule: init.wasmModule });
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

async function stop() {
  await server?.stop();
  // handlers detach on the next ticks and may still roll back an open transaction
  await new Promise((resolve) => setImmediate(resolve));
  if (db && !db.closed) await db.close();
}

/** @param {string} socketPath */
function removeStaleSocket(socketPath) {
  try {
    if (fs.lstatSync(socketPath).isSocket()) fs.rmSync(socketPath);
  } catch {
    // none there
  }
}

/** @param {string} socketPath */
function portOfSocketFile(socketPath) {
  return Number(socketPath.slice(socketPath.lastIndexOf('.') + 1));
}

port.on('message', (/** @type {ToWorker} */ msg) => {
  if (msg.type !== 'close') return;
  stop().then(
    () => send({ type: 'closed' }),
    (err) => send({ type: 'failed', message: `closing PGlite failed: ${/** @type {Error} */ (err).message}` }),
  );
});

start().catch(async (err) => {
  send({ type: 'failed', message: /** @type {Error} */ (err).message ?? String(err) });
  await stop().catch(() => {});
});
