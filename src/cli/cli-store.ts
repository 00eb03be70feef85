/**
 * Where CLI commands open the node's store. The embedded store starts PGlite
 * first, which takes a few seconds, so on a terminal the command says on
 * stderr what it waits for before it does (stdout is untouched, and nothing
 * is said when stderr is not a terminal). main() gives each run its terminal,
 * as it gives it its environment (cli-env.ts).
 */
import type { NodeConfig } from '../config/node-config.js';
import type { Store } from '../store/store.js';

let notice: ((text: string) => void) | undefined;

/** main() sets, per run, where the notice goes: stderr on a terminal, else nowhere. */
export function setStoreNotice(write: ((text: string) => void) | undefined): void {
  notice = write;
}

/**
 * Opens the store `config` names (and applies pending migrations), an
 * embedded one with the embedded default settings. The store module is
 * loaded here, on first use, so that main() can set the notice without
 * loading it.
 */
export async function openCliStore(config: NodeConfig): Promise<Store> {
  const { openStore } = await import('../store/store.js');
  const { databaseUrl, dataDir } = config.store;
  if (!databaseUrl && dataDir) notice?.(`credfed: opening the embedded store ${dataDir} (PGlite, a few seconds)…\n`);
  return openStore({ databaseUrl, dataDir });
}
