import { parsePageSize } from '../../../partners/page-token.js';
import { CONFLICT_STATUSES, listConflicts, type ConflictStatus } from '../../../store/repos/conflicts-repo.js';
import { EXIT, UsageError, type Command } from '../../command.js';
import { formatTable } from '../../table.js';
import { STORE_NOTE, withNodeStore } from '../partner/partner-cli.js';
import { conflictJson, describeConflict } from './ids-view.js';

export const idsConflictsCommand: Command = {
  name: 'ids conflicts',
  summary: 'list identifier conflicts waiting for review (never merged automatically)',
  options: {
    config: { type: 'string', short: 'c' },
    status: { type: 'string' },
    'page-size': { type: 'string' },
    'page-token': { type: 'string' },
    json: { type: 'boolean' },
  },
  help: `Usage: credfed ids conflicts --config FILE [--status open|accepted|rejected|all] [--page-size N] [--page-token T] [--json]

Lists evidence the identifier graph refused to apply on its own, oldest first:
  legacy_two_usccs      a legacy code (organisation code, registration number…)
                        of one USCC's subject named with another USCC
  legacy_two_org_codes  a legacy code whose subject holds another organisation
                        code, named with a different one
  uscc_two_org_codes    a USCC named with an organisation code other than the
                        one inside it (positions 9-17)
  uscc_two_names        a USCC called by a materially different name by another
                        partner (spacing, punctuation and full-width forms do
                        not count)
Each line gives the conflict id, kind, who brought the evidence (partner id,
"local" or "mapping:<file>"), which record or mapping line, how often it
arrived, and what it says. Decide with
\`credfed ids resolve --conflict N --accept|--reject --reason TEXT\`.
Open conflicts only unless --status says otherwise; 50 a page.

${STORE_NOTE}

Options:
  -c, --config FILE      the node's configuration file
      --status S         open (default), accepted, rejected or all
      --page-size N      conflicts per page (default 50, at most 500)
      --page-token T     the page after the one that printed T
      --json             print {"conflicts": [...], "nextPageToken": ...} on stdout

Exit code: 0 listed, 1 failed (PAGE_TOKEN_INVALID), 2 wrong usage.

EXAMPLES
  credfed ids conflicts -c city.yaml
  credfed ids conflicts -c city.yaml --status all --json | jq '.conflicts[] | select(.kind == "uscc_two_names")'
  credfed ids resolve --conflict 3 --accept --reason "renamed in 2025, see SAMR notice" -c city.yaml
`,
  async run({ values }, io) {
    const status = values.status ?? 'open';
    if (status !== 'all' && !(CONFLICT_STATUSES as readonly unknown[]).includes(status)) {
      throw new UsageError(`--status must be open, accepted, rejected or all, found "${String(status)}"`);
    }
    const size = parsePageSize(values['page-size']);
    if (size.error !== undefined) throw new UsageError(`--page-size: ${size.error}`);
    const pageToken = typeof values['page-token'] === 'string' ? values['page-token'] : undefined;
    const page = await withNodeStore(values, (store) =>
      listConflicts(store, { ...(status === 'all' ? {} : { status: status as ConflictStatus }), pageSize: size.value, pageToken }),
    );
    if (values.json) {
      io.out(`${JSON.stringify({ conflicts: page.items.map(conflictJson), nextPageToken: page.nextPageToken ?? null }, null, 2)}\n`);
      return EXIT.OK;
    }
    if (page.items.length === 0) io.err(pageToken ? 'no more conflicts\n' : `no ${status === 'all' ? '' : `${String(status)} `}identifier conflicts\n`);
    else {
      const rows = page.items.map((c) => [String(c.conflictId), c.kind, c.status, c.evidence, String(c.occurrences), describeConflict(c)]);
      io.out(`${formatTable(['ID', 'KIND', 'STATUS', 'EVIDENCE', 'SEEN', 'WHAT'], rows)}\n`);
    }
    if (page.nextPageToken) io.out(`next page token: ${page.nextPageToken}\n`);
    return EXIT.OK;
  },
};
