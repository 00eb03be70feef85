import path from 'node:path';
import { systemClock } from '../../../core/clock.js';
import { anchorView } from '../../../trust/import-anchor-view.js';
import { importTrustAnchor } from '../../../trust/import-anchor.js';
import { EXIT, UsageError, type Command } from '../../command.js';
import { STORE_NOTE, actorOf, withNodeStore } from '../partner/partner-cli.js';
import { ownCaPems, readPemFile, reportAnchor } from './anchor-cli.js';
import { flag, printJson, type Values } from './ca-cli.js';

export const caImportCommand: Command = {
  name: 'ca import',
  summary: "bind a neighbouring region's own CA (and its CRL) to one partner",
  options: {
    config: { type: 'string', short: 'c' },
    partner: { type: 'string' },
    crl: { type: 'string' },
    replace: { type: 'boolean' },
    actor: { type: 'string' },
    reason: { type: 'string' },
    json: { type: 'boolean' },
  },
  allowPositionals: true,
  help: `Usage: credfed ca import CA.pem --partner ID --crl CRL.pem --config FILE
                         [--replace] [--actor NAME] [--reason TEXT] [--json]

Binds the CA of a partner that runs its own CA (a neighbouring region) to that
partner, by the CA's public key: the partner's certificates must then verify
against this key — a certificate from another CA with the same name, or from
this CA naming another partner, is refused. CA.pem holds exactly one CA
certificate (basicConstraints CA:true; keyUsage, if present, with keyCertSign
and cRLSign), currently valid, with an RSA key of at least 2048 bits, an EC
key on P-256/P-384/P-521 or Ed25519; this node's own CA is refused. CRL.pem is
the CA's current CRL, required: it must verify with the CA's key and be
before its nextUpdate. Refresh it with credfed ca import-crl before then.

The binding is recorded in the partner registry (partner show lists it, with
who and when). A partner bound to another CA is refused (TRUST_ANCHOR_EXISTS)
unless --replace. Nothing is written when any check fails.

${STORE_NOTE}

Options:
  -c, --config FILE    the node's configuration file
      --partner ID     the partner (kind peer_region, parent_city, …; not admin)
      --crl FILE       the CA's current CRL (PEM)
      --replace        rebind a partner already bound to another CA
      --actor NAME     who makes the change (default cli:<user>)
      --reason TEXT    why, recorded in the partner's history
      --json           print the anchor as JSON

Exit code: 0 bound; 1 refused (PARTNER_NOT_FOUND, TRUST_ANCHOR_INVALID, KEY_WEAK,
KEY_UNSUPPORTED, CRL_INVALID, CRL_STALE, TRUST_ANCHOR_EXISTS); 2 wrong usage.

EXAMPLES
  credfed ca import region-b-ca.pem --partner region-b --crl region-b.crl -c city.yaml
  credfed ca import region-b-ca-2027.pem --partner region-b --crl region-b-2027.crl -c city.yaml --replace --reason "CA rollover"
`,
  async run({ values, positionals }, io) {
    const v = values as Values;
    if (positionals.length !== 1) throw new UsageError('exactly one CA certificate FILE is required');
    const partnerId = flag(v, 'partner', true);
    const crlFile = path.resolve(flag(v, 'crl', true));
    const caPem = await readPemFile(path.resolve(positionals[0]!), 'TRUST_ANCHOR_INVALID', 'CA certificate');
    const crlPem = await readPemFile(crlFile, 'CRL_INVALID', 'CRL');
    const reason = flag(v, 'reason');
    const row = await withNodeStore(values, async (store, config) =>
      importTrustAnchor(store, {
        partnerId,
        caPem,
        crlPem,
        by: { actor: actorOf(values), ...(reason !== undefined ? { reason } : {}) },
        clock: systemClock,
        replace: Boolean(v.replace),
        ownCaPems: await ownCaPems(config),
      }),
    );
    const view = anchorView(row, systemClock.now());
    reportAnchor(io, 'bound', view);
    if (v.json) printJson(io, view);
    return EXIT.OK;
  },
};
