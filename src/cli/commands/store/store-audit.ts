/** `credfed store backup|restore` in the node's audit log (see auditedAfter). */
import fs from 'node:fs';
import path from 'node:path';
import type { NodeConfig } from '../../../config/node-config.js';
import { withClient } from '../../../store/backup/postgres-backup.js';
import { hasSchema, tablesWithData } from '../../../store/backup/store-contents.js';
import type { Store } from '../../../store/store.js';
import { openCliStore } from '../../cli-store.js';
import { auditedAfter } from '../../cli-audit.js';
import { actorOf } from '../partner/partner-cli.js';
import type { Values } from '../ca/ca-cli.js';

/**
 * Runs a backup or restore of `file` and enters its outcome, with the file's
 * absolute path as reference. A refusal is entered only in a store that
 * exists (never creating one where a wrong path points), and a refused
 * restore only in one that holds data: an entry would make an empty store
 * non-empty, and the next restore would need --force.
 */
export function auditedStoreCommand<T>(config: NodeConfig, values: Values, file: string, kind: 'backup' | 'restore', work: () => Promise<T>): Promise<T> {
  const open = async (decision: 'allow' | 'deny'): Promise<Store | undefined> => {
    if (decision === 'deny' && !(await storeExists(config))) return undefined;
    const store = await openCliStore(config);
    if (decision === 'deny' && kind === 'restore' && (await tablesWithData((sql, params) => store.query(sql, params))).length === 0) {
      await store.close();
      return undefined;
    }
    return store;
  };
  return auditedAfter(open, config.nodeId, actorOf(values), path.resolve(file), work);
}

/** Whether the node's store exists: an embedded data directory PostgreSQL initialised, or a database with credfed's schema. */
async function storeExists(config: NodeConfig): Promise<boolean> {
  if (!config.store.databaseUrl) return fs.existsSync(path.join(config.store.dataDir!, 'PG_VERSION'));
  return withClient(config.store.databaseUrl, (_client, sql) => hasSchema(sql)).catch(() => false);
}

/** The help paragraph both commands share. */
export const AUDIT_NOTE = `The command is entered in the node's audit log (actor cli:<user>, method
"cli/store backup" or "cli/store restore", reference the file's absolute
path), refused attempts with their error code when the store can be opened
(a refused restore only in a store that holds data). A restore's entry goes
into the restored store, after the backup's own.`;
