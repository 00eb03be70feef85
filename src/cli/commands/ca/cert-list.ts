import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, listCertificatePage } from '../../../ca/list-certificates.js';
import { EXIT, UsageError, type Command } from '../../command.js';
import { formatTable } from '../../table.js';
import { STORE_NOTE, durationFlag, flag, printJson, withCa, type Values } from './ca-cli.js';

export const certListCommand: Command = {
  name: 'cert list',
  summary: 'list the certificates this CA issued: status, days left, expiring soon',
  options: {
    config: { type: 'string', short: 'c' },
    expiring: { type: 'string' },
    partner: { type: 'string' },
    'page-size': { type: 'string' },
    'page-token': { type: 'string' },
    json: { type: 'boolean' },
  },
  help: `Usage: credfed cert list --config FILE [--expiring DURATION] [--partner ID]
                        [--page-size N] [--page-token TOKEN] [--json]

Lists the certificates the node's CA issued, soonest expiry first: serial,
profile, partner (or admin name), not-before, not-after, status (valid,
revoked, expired) and whole days left. --expiring 30d keeps only valid
certificates that expire within 30 days (units h, d, w) — run it from a
monitoring job. Renewed certificates stay listed (and valid) beside their
renewals until they expire or are revoked.

Pages of --page-size (default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}); when there are more, the
token of the next page is printed on stderr (nextPageToken in JSON). A token
works only with the same --partner and --expiring.

${STORE_NOTE}

Options:
  -c, --config FILE          the node's configuration file
      --expiring DURATION    only valid certificates expiring within DURATION (30d, 12h, 2w)
      --partner ID           only this partner's (or admin's) certificates
      --page-size N          certificates per page
      --page-token TOKEN     continue a listing
      --json                 print {certificates, nextPageToken} as JSON

EXAMPLES
  credfed cert list --config city.yaml
  credfed cert list -c city.yaml --expiring 30d
  credfed cert list -c city.yaml --partner county-a --json | jq '.certificates[] | select(.status == "valid")'
  credfed cert list -c city.yaml --page-size 20 --page-token eyJ2IjoxLCJ0Ij...
`,
  async run({ values }, io) {
    const v = values as Values;
    const expiringMs = durationFlag(v, 'expiring');
    const partnerId = flag(v, 'partner');
    const pageSizeText = flag(v, 'page-size');
    let pageSize: number | undefined;
    if (pageSizeText !== undefined) {
      pageSize = Number(pageSizeText);
      if (!/^[0-9]+$/.test(pageSizeText) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
        throw new UsageError(`--page-size must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
      }
    }
    const pageToken = flag(v, 'page-token');
    const page = await withCa(v, (ctx) =>
      listCertificatePage(ctx.store, ctx.clock, {
        ...(partnerId !== undefined ? { partnerId } : {}),
        ...(expiringMs !== undefined ? { expiringMs } : {}),
        ...(pageSize !== undefined ? { pageSize } : {}),
        ...(pageToken !== undefined ? { pageToken } : {}),
      }),
    );
    if (v.json) {
      printJson(io, page);
    } else if (page.certificates.length === 0) {
      io.err(pageToken ? 'no more certificates\n' : 'no certificates\n');
    } else {
      const rows = page.certificates.map((c) => [
        c.serial,
        c.profile,
        c.partnerId,
        c.notBefore.slice(0, 19).replace('T', ' '),
        c.notAfter.slice(0, 19).replace('T', ' '),
        c.status === 'revoked' ? `revoked (${c.revocationReason})` : c.status,
        c.status === 'revoked' ? '-' : String(c.daysLeft),
      ]);
      io.out(`${formatTable(['SERIAL', 'PROFILE', 'PARTNER', 'NOT BEFORE (UTC)', 'NOT AFTER (UTC)', 'STATUS', 'DAYS LEFT'], rows)}\n`);
    }
    if (!v.json && page.nextPageToken) io.err(`more: --page-token ${page.nextPageToken}\n`);
    return EXIT.OK;
  },
};
