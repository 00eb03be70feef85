import fs from 'node:fs';
import path from 'node:path';
import { loadCliConfig } from '../../cli-env.js';
import { CredfedError } from '../../../core/errors.js';
import { VERSION } from '../../../grpc/admin-service.js';
import { backupStore } from '../../../store/backup/store-backup.js';
import { EXIT, type Command } from '../../command.js';
import { flag, pathFlag, printJson, type Values } from '../ca/ca-cli.js';
import { AUDIT_NOTE, auditedStoreCommand } from './store-audit.js';

export const storeBackupCommand: Command = {
  name: 'store backup',
  summary: "write a backup of the node's store (embedded or PostgreSQL)",
  options: {
    config: { type: 'string', short: 'c' },
    out: { type: 'string' },
    json: { type: 'boolean' },
  },
  help: `Usage: credfed store backup --config FILE --out FILE [--json]

Writes one file holding the whole store of the node --config names: its
records, outboxes and inbound cursors, partners, certificates, agreements,
audit log. The file starts with a manifest (credfed version, backend, schema
migration level, node, time, row counts) and carries the SHA-256 of its
content; it is written with mode 0600 and replaces --out atomically.

  embedded store   the data directory as PGlite dumps it. The directory is
                   held by one process: stop the node's gateway first (a
                   running one makes this fail with STORE_LOCKED).
  PostgreSQL       pg_dump --format=custom of the database the URL names, any
                   time (one consistent snapshot). pg_dump of the server's
                   major version (or newer) must be on PATH or in
                   /usr/lib/postgresql/<major>/bin; the password goes to it
                   in PGPASSWORD, never on its command line.

${AUDIT_NOTE}

The backup holds personal data (protected as in the store) and credit
records: keep it as carefully as the store itself.

Options:
  -c, --config FILE  the node's configuration file
      --out FILE     the backup file
      --json         print the manifest as JSON on stdout

EXAMPLES
  credfed store backup --config city.yaml --out /backup/city-$(date +%F).cfstore
  credfed store backup -c county-a.yaml --out county-a.cfstore --json
  credfed store restore --config city.yaml --from /backup/city-2026-12-01.cfstore
`,
  async run({ values }, io) {
    const v = values as Values;
    const out = pathFlag(v, 'out', true);
    const config = loadCliConfig(flag(v, 'config', true));
    if (!fs.existsSync(path.dirname(out))) throw new CredfedError('STORE_UNAVAILABLE', `cannot write ${out}: directory ${path.dirname(out)} does not exist`);
    const manifest = await auditedStoreCommand(config, v, out, 'backup', () =>
      backupStore(config, { out, credfedVersion: VERSION, now: new Date(), progress: (m) => io.err(`${m}\n`) }),
    );
    io.err(
      `backup of node ${manifest.nodeId} (${manifest.backend} store, schema ${manifest.schemaVersion}, ${manifest.counts.records ?? 0} records) written to ${out} (${manifest.payload.bytes} bytes, sha256 ${manifest.payload.sha256.slice(0, 12)}…)\n`,
    );
    if (v.json) printJson(io, { ...manifest, out });
    return EXIT.OK;
  },
};
