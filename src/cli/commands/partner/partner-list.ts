import { parsePageSize } from '../../../partners/page-token.js';
import { listPartners } from '../../../store/repos/partners-repo.js';
import { EXIT, UsageError, type Command } from '../../command.js';
import { formatTable } from '../../table.js';
import { COMMON_OPTIONS, partnerJson, STORE_NOTE, withNodeStore } from './partner-cli.js';

export const partnerListCommand: Command = {
  name: 'partner list',
  summary: "list this node's partners, a page at a time",
  options: {
    ...COMMON_OPTIONS,
    'page-size': { type: 'string' },
    'page-token': { type: 'string' },
    json: { type: 'boolean' },
  },
  help: `Usage: credfed partner list --config FILE [--page-size N] [--page-token T] [--json]

Lists the partners in the node's registry in ID order: ID, kind, status,
endpoint and name. A page holds 50 partners unless --page-size says otherwise
(at most 500). When more follow, the last line gives the token of the next
page ("next page token: T"; in JSON, "nextPageToken").

${STORE_NOTE}

Options:
  -c, --config FILE      the node's configuration file
      --page-size N      partners per page (default 50, at most 500)
      --page-token T     the page after the one that printed T
      --json             print {"partners": [...], "nextPageToken": ...} on stdout

Exit code: 0 listed, 1 failed (PAGE_TOKEN_INVALID: a token from elsewhere), 2 wrong usage.

EXAMPLES
  credfed partner list -c city.yaml
  credfed partner list -c city.yaml --page-size 100 --page-token Y291bnR5LWM
  credfed partner list -c city.yaml --json | jq -r '.partners[] | select(.status == "suspended") | .id'
`,
  async run({ values }, io) {
    const size = parsePageSize(values['page-size']);
    if (size.error !== undefined) throw new UsageError(`--page-size: ${size.error}`);
    const pageToken = typeof values['page-token'] === 'string' ? values['page-token'] : undefined;
    const page = await withNodeStore(values, (store) => listPartners(store, { pageSize: size.value, pageToken }));
    if (values.json) {
      io.out(`${JSON.stringify({ partners: page.items.map(partnerJson), nextPageToken: page.nextPageToken ?? null }, null, 2)}\n`);
      return EXIT.OK;
    }
    if (page.items.length === 0) io.err(pageToken ? 'no more partners\n' : 'no partners registered\n');
    else {
      const rows = page.items.map((p) => [p.id, p.kind, p.status, p.endpoint ?? '-', p.displayName]);
      io.out(`${formatTable(['ID', 'KIND', 'STATUS', 'ENDPOINT', 'NAME'], rows)}\n`);
    }
    if (page.nextPageToken) io.out(`next page token: ${page.nextPageToken}\n`);
    return EXIT.OK;
  },
};
