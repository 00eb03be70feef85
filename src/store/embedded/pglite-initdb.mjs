// @ts-check
/**
 * Creates a PGlite cluster (initdb) in the directory given as first argument,
 * then exits: `node pglite-initdb.mjs DIR SETTINGS_JSON`. Run as a child
 * process by ./create-cluster.ts when a new embedded store needs a cluster.
 *
 * A process of its own because creating a cluster is heavy and transient:
 * PGlite runs initdb in a second PGlite instance with its own WASM memory and
 * copies the new cluster through an in-memory archive, ~400 MB that a worker
 * thread would keep after it is done (garbage that an idle worker does not
 * collect, then memory the allocator keeps). Here it all goes back to the OS
 * when the process exits; the gateway's worker then opens the cluster as it
 * opens any existing one. Exit status 0 once the cluster is complete;
 * otherwise the reason on stderr.
 */
import { PGlite } from '@electric-sql/pglite';

const [dir, settingsJson] = process.argv.slice(2);
if (!dir || !settingsJson) {
  process.stderr.write('usage: pglite-initdb.mjs DIR SETTINGS_JSON\n');
  process.exit(2);
}
/** @type {string[]} */
const settings = JSON.parse(settingsJson);

try {
  const db = new PGlite({ dataDir: dir, startParams: [...PGlite.defaultStartParams, ...settings] });
  await db.waitReady;
  await db.close();
} catch (err) {
  process.stderr.write(`${/** @type {Error} */ (err).message ?? String(err)}\n`);
  process.exit(1);
}
