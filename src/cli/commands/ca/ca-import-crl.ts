import path from 'node:path';
import { systemClock } from '../../../core/clock.js';
import { anchorView } from '../../../trust/import-anchor-view.js';
import { importAnchorCrl } from '../../../trust/import-crl.js';
import { EXIT, UsageError, type Command } from '../../command.js';
import { STORE_NOTE, actorOf, withNodeStore } from '../partner/partner-cli.js';
import { readPemFile, reportAnchor } from './anchor-cli.js';
import { flag, printJson, type Values } from './ca-cli.js';

export const caImportCrlCommand: Command = {
  name: 'ca import-crl',
  summary: "refresh the CRL of a partner's foreign CA (before its nextUpdate)",
  options: {
    config: { type: 'string', short: 'c' },
    partner: { type: 'string' },
    actor: { type: 'string' },
    json: { type: 'boolean' },
  },
  allowPositionals: true,
  help: `Usage: credfed ca import-crl CRL.pem --partner ID --config FILE [--actor NAME] [--json]

Replaces the CRL of the foreign CA bound to partner ID (credfed ca import).
The CRL must verify with that CA's public key (a CRL of another CA, even one
with the same name, is refused), be current (now before its nextUpdate) and
not be older than the CRL held: a lower CRL number or an earlier thisUpdate is
refused (CRL_STALE). When the held CRL passes its nextUpdate the partner's
certificates are refused until a current one is imported, so run this well
before (e.g. from cron, after fetching the region's published CRL).

${STORE_NOTE}

Options:
  -c, --config FILE    the node's configuration file
      --partner ID     the partner whose CA issued the CRL
      --actor NAME     who refreshes it (default cli:<user>)
      --json           print the anchor as JSON

Exit code: 0 refreshed; 1 refused (PARTNER_NOT_FOUND, TRUST_ANCHOR_NOT_FOUND,
CRL_INVALID, CRL_STALE); 2 wrong usage.

EXAMPLES
  credfed ca import-crl region-b.crl --partner region-b -c city.yaml
  curl -fsS https://pki.region-b.example/ca.crl | openssl crl -inform DER -out /tmp/b.crl && credfed ca import-crl /tmp/b.crl --partner region-b -c city.yaml
`,
  async run({ values, positionals }, io) {
    const v = values as Values;
    if (positionals.length !== 1) throw new UsageError('exactly one CRL FILE is required');
    const partnerId = flag(v, 'partner', true);
    const crlPem = await readPemFile(path.resolve(positionals[0]!), 'CRL_INVALID', 'CRL');
    const row = await withNodeStore(values, (store) =>
      importAnchorCrl(store, { partnerId, crlPem, by: { actor: actorOf(values) }, clock: systemClock }),
    );
    const view = anchorView(row, systemClock.now());
    reportAnchor(io, 'refreshed the CRL of', view);
    if (v.json) printJson(io, view);
    return EXIT.OK;
  },
};
