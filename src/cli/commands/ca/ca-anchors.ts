import { systemClock } from '../../../core/clock.js';
import { parsePageSize } from '../../../partners/page-token.js';
import { listTrustAnchorPage } from '../../../store/repos/trust-anchors-repo.js';
import { anchorView } from '../../../trust/import-anchor-view.js';
import { EXIT, UsageError, type Command } from '../../command.js';
import { formatTable } from '../../table.js';
import { STORE_NOTE, withNodeStore } from '../partner/partner-cli.js';
import { flag, printJson, type Values } from './ca-cli.js';

export const caAnchorsCommand: Command = {
  name: 'ca anchors',
  summary: 'list the foreign CAs bound to partners, with the state of their CRLs',
  options: {
    config: { type: 'string', short: 'c' },
    'page-size': { type: 'string' },
    'page-token': { type: 'string' },
    json: { type: 'boolean' },
  },
  help: `Usage: credfed ca anchors --config FILE [--page-size N] [--page-token T] [--json]

Lists the foreign CAs (credfed ca import) in partner ID order: partner, key
fingerprint (SHA-256 of the public key), subject, not-after, CRL number, CRL
next update and state — current, stale (the CRL is past its nextUpdate: that
partner is refused until credfed ca import-crl) or expired (the CA certificate
itself). A page holds 50 anchors unless --page-size says otherwise (at most
500); when more follow, the last line gives the next page's token
("next page token: T"; in JSON, "nextPageToken").

${STORE_NOTE}

Options:
  -c, --config FILE    the node's configuration file
      --page-size N    anchors per page (default 50, at most 500)
      --page-token T   the page after the one that printed T
      --json           print {"anchors": [...], "nextPageToken": ...} on stdout

EXAMPLES
  credfed ca anchors -c city.yaml
  credfed ca anchors -c city.yaml --json | jq -r '.anchors[] | select(.state != "current") | .partnerId'
`,
  async run({ values }, io) {
    const v = values as Values;
    const size = parsePageSize(values['page-size']);
    if (size.error !== undefined) throw new UsageError(`--page-size: ${size.error}`);
    const pageToken = flag(v, 'page-token');
    const page = await withNodeStore(values, (store) => listTrustAnchorPage(store, { pageSize: size.value, ...(pageToken !== undefined ? { pageToken } : {}) }));
    const now = systemClock.now();
    const anchors = page.items.map((a) => anchorView(a, now));
    if (v.json) {
      printJson(io, { anchors, nextPageToken: page.nextPageToken ?? null });
      return EXIT.OK;
    }
    if (anchors.length === 0) io.err(pageToken ? 'no more trust anchors\n' : 'no foreign CAs imported (credfed ca import)\n');
    else {
      const day = (iso: string) => iso.slice(0, 19).replace('T', ' ');
      const rows = anchors.map((a) => [a.partnerId, a.fingerprint, a.subject, day(a.notAfter), a.crlNumber ?? '-', day(a.crlNextUpdate), a.state]);
      io.out(`${formatTable(['PARTNER', 'KEY SHA-256', 'SUBJECT', 'NOT AFTER (UTC)', 'CRL', 'CRL NEXT UPDATE (UTC)', 'STATE'], rows)}\n`);
    }
    if (page.nextPageToken) io.out(`next page token: ${page.nextPageToken}\n`);
    return EXIT.OK;
  },
};
