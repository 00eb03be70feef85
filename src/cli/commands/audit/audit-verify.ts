/** `credfed audit verify`: checks every chain of the audit log and names the first bad entry of each. */
import { verifyAudit } from '../../../audit/audit-verify.js';
import { EXIT, type Command } from '../../command.js';
import { STORE_NOTE, withNodeStore } from '../partner/partner-cli.js';

export const auditVerifyCommand: Command = {
  name: 'audit verify',
  summary: 'check the hash chains of the audit log; name the first modified, deleted, inserted or reordered entry',
  options: { config: { type: 'string', short: 'c' }, chain: { type: 'string' }, json: { type: 'boolean' } },
  help: `Usage: credfed audit verify --config FILE [--chain C] [--json]

Recomputes every entry's hash and its link to the one before, chain by chain
(each gateway process writes a chain of its own; CLI commands share
"cli/<node>"), compares each chain's end with its recorded head, and checks
the signature of the checkpoint a prune left. For each broken chain it names
the first bad entry and what is wrong: modified, deleted, inserted,
reordered, checkpoint or head. It works while the gateways append.

${STORE_NOTE}

Exit code: 0 every chain intact, 3 a chain is broken (listed), 1 failed, 2 wrong usage.

EXAMPLES
  credfed audit verify -c city.yaml
  credfed audit verify -c city.yaml --json | jq '.problems'
`,
  async run({ values }, io) {
    const report = await withNodeStore(values, (store) => verifyAudit(store, typeof values.chain === 'string' ? { chain: values.chain } : {}));
    if (values.json) io.out(`${JSON.stringify(report, null, 2)}\n`);
    else if (report.problems.length === 0) io.out(`audit log intact: ${report.chains} chain(s), ${report.entries} entries\n`);
    else for (const p of report.problems) io.out(`BROKEN chain ${p.chain}: entry ${p.seq}: ${p.kind}: ${p.detail}\n`);
    if (report.problems.length > 0) io.err(`credfed audit verify: ${report.problems.length} of ${report.chains} chain(s) broken\n`);
    return report.problems.length > 0 ? EXIT.PARTIAL : EXIT.OK;
  },
};
