import { CredfedError } from '../../../core/errors.js';
import { validatePartner } from '../../../partners/validate-partner.js';
import { REGISTRY_PARTNER_KINDS } from '../../../partners/partner.js';
import { addPartner } from '../../../store/repos/partners-repo.js';
import { EXIT, type Command } from '../../command.js';
import { actorOf, COMMON_OPTIONS, onePartnerId, reportChange, STORE_NOTE, withNodeStore } from './partner-cli.js';

export const partnerAddCommand: Command = {
  name: 'partner add',
  summary: 'register a partner of this node',
  options: {
    ...COMMON_OPTIONS,
    kind: { type: 'string' },
    name: { type: 'string' },
    endpoint: { type: 'string' },
    actor: { type: 'string' },
    json: { type: 'boolean' },
  },
  allowPositionals: true,
  help: `Usage: credfed partner add ID --kind KIND [--name NAME] [--endpoint HOST:PORT]
                           --config FILE [--actor NAME] [--json]

Registers a partner in the node's partner registry, active at once. ID is the
partner's node id as its certificate names it (spiffe://<federation>/partner/ID):
2-63 lower-case letters, digits and hyphens. The change is recorded with the
actor and the time (see \`credfed partner show ID --history\`).

A duplicate ID is refused (PARTNER_EXISTS) and nothing is written; an invalid
definition is refused listing every problem (PARTNER_INVALID).

${STORE_NOTE}

Options:
      --kind KIND          ${REGISTRY_PARTNER_KINDS.join(', ')}
      --name NAME          display name (default: the ID), at most 200 characters
      --endpoint HOST:PORT the partner's gateway, when this node calls it
  -c, --config FILE        the node's configuration file
      --actor NAME         who makes the change (default: cli:<your user name>)
      --json               print the partner as JSON on stdout

Exit code: 0 added, 1 refused or failed, 2 wrong usage.

EXAMPLES
  credfed partner add county-c --kind child_county --name "康平县信用平台" -c city.yaml
  credfed partner add benxi --kind peer_region --endpoint benxi.example.cn:7400 -c city.yaml
  credfed partner add credit-bureau --kind service_agency --actor alice -c city.yaml --json
`,
  async run({ values, positionals }, io) {
    const id = onePartnerId(positionals);
    return withNodeStore(values, async (store, config) => {
      const def = validatePartner({ id, kind: values.kind, displayName: values.name, endpoint: values.endpoint }, { nodeId: config.nodeId });
      if (def.error !== undefined) throw new CredfedError('PARTNER_INVALID', def.error.join('; '), { problems: def.error });
      const partner = await addPartner(store, def.value, { actor: actorOf(values) });
      reportChange(io, Boolean(values.json), partner, true, `partner ${partner.id} added (${partner.kind}, active)`);
      return EXIT.OK;
    });
  },
};
