import { CredfedError } from '../../../core/errors.js';
import { parsePageSize } from '../../../partners/page-token.js';
import { getPartner, listPartnerChanges } from '../../../store/repos/partners-repo.js';
import { EXIT, UsageError, type Command } from '../../command.js';
import { formatTable } from '../../table.js';
import { changeJson, COMMON_OPTIONS, describeChange, formatPartner, onePartnerId, partnerJson, STORE_NOTE, withNodeStore } from './partner-cli.js';

export const partnerShowCommand: Command = {
  name: 'partner show',
  summary: 'show one partner and, with --history, every change made to it',
  options: {
    ...COMMON_OPTIONS,
    history: { type: 'boolean' },
    'page-size': { type: 'string' },
    'page-token': { type: 'string' },
    json: { type: 'boolean' },
  },
  allowPositionals: true,
  help: `Usage: credfed partner show ID --config FILE [--history [--page-size N] [--page-token T]] [--json]

Shows a registered partner: name, kind, endpoint, status, trust anchor and
revision. With --history, also the changes made to it, oldest first: revision,
time, actor, action (seed, add, update, suspend, resume) and what changed
(with the reason given for a suspension). The history is paged like
\`partner list\` (50 changes a page by default).

${STORE_NOTE}

Options:
  -c, --config FILE      the node's configuration file
      --history          list the partner's changes
      --page-size N      changes per page (default 50, at most 500)
      --page-token T     the page of changes after the one that printed T
      --json             print {"partner": ..., "history": [...], "nextPageToken": ...} on stdout

Exit code: 0 shown, 1 failed (PARTNER_NOT_FOUND), 2 wrong usage.

EXAMPLES
  credfed partner show county-a -c city.yaml
  credfed partner show county-a -c city.yaml --history
  credfed partner show county-a -c city.yaml --history --json | jq '.history[] | select(.action == "suspend")'
`,
  async run({ values, positionals }, io) {
    const id = onePartnerId(positionals);
    const history = Boolean(values.history);
    if (!history && (values['page-size'] !== undefined || values['page-token'] !== undefined)) {
      throw new UsageError('--page-size and --page-token page the --history');
    }
    const size = parsePageSize(values['page-size']);
    if (size.error !== undefined) throw new UsageError(`--page-size: ${size.error}`);
    const pageToken = typeof values['page-token'] === 'string' ? values['page-token'] : undefined;
    const { partner, changes } = await withNodeStore(values, async (store) => {
      const found = await getPartner(store, id);
      if (!found) throw new CredfedError('PARTNER_NOT_FOUND', `no partner "${id}"`, { partnerId: id });
      return { partner: found, changes: history ? await listPartnerChanges(store, id, { pageSize: size.value, pageToken }) : undefined };
    });
    if (values.json) {
      const doc = {
        partner: partnerJson(partner),
        ...(changes ? { history: changes.items.map(changeJson), nextPageToken: changes.nextPageToken ?? null } : {}),
      };
      io.out(`${JSON.stringify(doc, null, 2)}\n`);
      return EXIT.OK;
    }
    io.out(formatPartner(partner));
    if (changes) {
      const rows = changes.items.map((c) => [String(c.revision), c.changedAt.toISOString(), c.actor, c.action, describeChange(c)]);
      io.out(`\n${formatTable(['REV', 'WHEN', 'ACTOR', 'ACTION', 'CHANGE'], rows)}\n`);
      if (changes.nextPageToken) io.out(`next page token: ${changes.nextPageToken}\n`);
    }
    return EXIT.OK;
  },
};
