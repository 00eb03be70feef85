/**
 * `node dist/bench/open-store-once.js DIR`: opens the embedded store in DIR as
 * the CLI commands open it (PGlite with the embedded defaults, migrations
 * checked) and closes it: the floor of a store-opening command,
 * for bench:cli to time beside one.
 */
import { openStore } from '../store/store.js';

const dataDir = process.argv[2];
if (!dataDir) {
  process.stderr.write('usage: node dist/bench/open-store-once.js DATA_DIR\n');
  process.exit(2);
}
const store = await openStore({ dataDir });
await store.close();
