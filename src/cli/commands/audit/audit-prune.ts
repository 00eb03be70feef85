/** `credfed audit prune --before TIME`: removes old entries, leaving a signed checkpoint per chain. */
import fs from 'node:fs';
import { pruneAudit } from '../../../audit/audit-prune.js';
import { EXIT, UsageError, type Command } from '../../command.js';
import { STORE_NOTE, withNodeStore } from '../partner/partner-cli.js';

export const auditPruneCommand: Command = {
  name: 'audit prune',
  summary: 'remove audit entries older than a date, leaving a checkpoint signed with the node key',
  options: { config: { type: 'string', short: 'c' }, before: { type: 'string' }, 'dry-run': { type: 'boolean' } },
  help: `Usage: credfed audit prune --before TIME --config FILE [--dry-run]

Removes, chain by chain, the entries older than TIME (export them first) and
records a checkpoint — the last removed entry's seq and hash and how many
were removed — signed with the node's TLS key (tls.key; its certificate
tls.cert is kept with it), so \`audit verify\` still checks every chain from
there. A chain's newest entry is always kept.

${STORE_NOTE}

EXAMPLES
  credfed audit export -c city.yaml --to 2025-01-01 --out audit-2024.ndjson
  credfed audit prune -c city.yaml --before 2025-01-01 --dry-run
  credfed audit prune -c city.yaml --before 2025-01-01
`,
  async run({ values }, io) {
    if (typeof values.before !== 'string') throw new UsageError('--before TIME is required');
    const before = new Date(/^\d{4}-\d{2}-\d{2}$/.test(values.before) ? `${values.before}T00:00:00+08:00` : values.before);
    if (Number.isNaN(before.getTime())) throw new UsageError(`--before: "${values.before}" is not a date or time`);
    const dryRun = values['dry-run'] === true;
    const pruned = await withNodeStore(values, (store, config) =>
      pruneAudit(store, { before, keyPem: fs.readFileSync(config.tls.key, 'utf8'), certPem: fs.readFileSync(config.tls.cert, 'utf8'), dryRun }),
    );
    for (const p of pruned) io.out(`${p.chain}: ${p.pruned} entries through ${p.throughSeq}${dryRun ? ' would be removed' : ' removed'}\n`);
    io.err(`${pruned.reduce((n, p) => n + p.pruned, 0)} entries ${dryRun ? 'would be ' : ''}removed from ${pruned.length} chain(s)\n`);
    return EXIT.OK;
  },
};
