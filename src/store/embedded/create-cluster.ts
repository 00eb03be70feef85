/**
 * Creates the PostgreSQL cluster of a new embedded store. initdb runs in a
 * child process (./pglite-initdb.mjs) so that its transient memory (~400 MB: a
 * second PGlite instance, initdb, an in-memory archive of the new cluster)
 * goes back to the OS when it exits instead of staying in the gateway's
 * process. It runs once per process: the fresh cluster is kept as a template
 * and copied for each further new store, as CREATE DATABASE copies a template
 * (`credfed up` creates four stores; a child's initdb costs 4 s of CPU, a
 * copy of the 40 MB cluster a few hundredths).
 *
 * A store's copy is made in a scratch folder inside its data directory and
 * moved in with PG_VERSION last: a creation cut short (a killed process)
 * leaves no PG_VERSION, so the next open starts it over instead of opening a
 * broken cluster.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StoreLog } from '../store-log.js';

/** Scratch folder, inside the (locked) data directory, where a store's cluster is assembled. */
const SCRATCH = '.credfed-initdb';
const INITDB = new URL('./pglite-initdb.mjs', import.meta.url);
/** Creating a cluster takes 2–7 s here; allow for slow disks. */
const CREATE_TIMEOUT_MS = 120_000;
/**
 * The template is removed this long after its last copy (and when the process
 * exits): long enough for the next wave of `credfed up`'s nodes, and a
 * gateway does not keep 40 MB of a temporary directory (often in memory).
 */
const TEMPLATE_KEEP_MS = 60_000;
/** Template folders are named credfed-cluster-<pid>-<random>: a dead owner's is removed by the next one made. */
const TEMPLATE_PREFIX = 'credfed-cluster-';

let template: Promise<string> | undefined;
let templateTimer: NodeJS.Timeout | undefined;
/** Creations copying from the template now (it is not removed under them). */
let copying = 0;
/** The exit hook removing the current template (taken off when the template is dropped). */
let removeTemplateAtExit: (() => void) | undefined;

/** Makes sure `dataDir` (absolute, locked by the caller) holds a cluster. Rejects with initdb's error. */
export async function ensureCluster(dataDir: string, settings: readonly string[], log: StoreLog): Promise<void> {
  const scratch = path.join(dataDir, SCRATCH);
  // A creation cut short: before PG_VERSION was moved in (start over), or just
  // after (only the emptied scratch folder is left).
  fs.rmSync(scratch, { recursive: true, force: true });
  if (fs.existsSync(path.join(dataDir, 'PG_VERSION'))) return;
  const started = performance.now();
  const made = clusterTemplate(settings);
  if (made) {
    clearTimeout(templateTimer);
    copying++;
    try {
      await fs.promises.cp(await made, scratch, { recursive: true });
    } finally {
      if (--copying === 0) dropTemplateLater();
    }
  } else {
    fs.mkdirSync(scratch, { mode: 0o700 });
    await runInitdb(scratch, settings);
  }
  for (const entry of fs.readdirSync(scratch).filter((e) => e !== 'PG_VERSION')) {
    // No PG_VERSION: an entry already there is the rest of a move cut short.
    fs.rmSync(path.join(dataDir, entry), { recursive: true, force: true });
    fs.renameSync(path.join(scratch, entry), path.join(dataDir, entry));
  }
  fs.renameSync(path.join(scratch, 'PG_VERSION'), path.join(dataDir, 'PG_VERSION'));
  fs.rmSync(scratch, { recursive: true, force: true });
  log(`created the embedded database cluster in ${dataDir}`, { backend: 'embedded', durationMs: Math.round(performance.now() - started) });
}

/**
 * A fresh cluster in a private temporary directory, made by initdb once per
 * process (the settings apply to that run only); undefined when there is no
 * writable temporary directory (a read-only root filesystem): then each store
 * runs initdb in its own scratch folder.
 */
function clusterTemplate(settings: readonly string[]): Promise<string> | undefined {
  if (template) return template;
  let dir: string;
  removeStaleTemplates();
  try {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `${TEMPLATE_PREFIX}${process.pid}-`));
  } catch {
    return undefined;
  }
  const removeAtExit = () => fs.rmSync(dir, { recursive: true, force: true });
  process.once('exit', removeAtExit);
  removeTemplateAtExit = removeAtExit;
  template = runInitdb(dir, settings).then(
    () => dir,
    (err: unknown) => {
      template = undefined; // the next creation tries again
      process.off('exit', removeAtExit);
      removeAtExit();
      throw err;
    },
  );
  return template;
}

/** Templates of processes that died without their exit hook (killed by a signal). */
function removeStaleTemplates(): void {
  try {
    for (const name of fs.readdirSync(os.tmpdir())) {
      const pid = Number(/^credfed-cluster-(\d+)-/.exec(name)?.[1]);
      // Our own pid on a template we do not hold: a predecessor that had the
      // same pid (pid 1 in a container restarted with its /tmp kept).
      const stale = pid === process.pid ? true : pid > 0 && !isAlive(pid);
      if (stale) fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
    }
  } catch {
    // best effort: an unreadable temporary directory is left as it is
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function dropTemplateLater(): void {
  const made = template;
  const removeAtExit = removeTemplateAtExit;
  templateTimer = setTimeout(() => {
    template = undefined;
    if (removeAtExit) process.off('exit', removeAtExit);
    made?.then((dir) => fs.rmSync(dir, { recursive: true, force: true })).catch(() => {});
  }, TEMPLATE_KEEP_MS).unref();
}

function runInitdb(dir: string, settings: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    // A plain Node (spawn does not pass on this process's flags, e.g. a profiler's).
    const child = spawn(process.execPath, [fileURLToPath(INITDB), dir, JSON.stringify(settings)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
    const timer = setTimeout(() => {
      stderr += `no cluster within ${CREATE_TIMEOUT_MS / 1000} s`;
      child.kill('SIGKILL');
    }, CREATE_TIMEOUT_MS);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`creating the cluster failed (${signal ? `killed by ${signal}` : `exit status ${code}`}): ${stderr.trim() || 'no message'}`));
    });
  });
}
