import { REGISTRY_PARTNER_KINDS, type RegistryPartnerKind } from '../../../partners/partner.js';
import { updatePartner, type PartnerPatch } from '../../../store/repos/partners-repo.js';
import { EXIT, UsageError, type Command } from '../../command.js';
import { actorOf, COMMON_OPTIONS, onePartnerId, reportChange, STORE_NOTE, withNodeStore } from './partner-cli.js';

export const partnerUpdateCommand: Command = {
  name: 'partner update',
  summary: "change a partner's name, kind or endpoint",
  options: {
    ...COMMON_OPTIONS,
    name: { type: 'string' },
    kind: { type: 'string' },
    endpoint: { type: 'string' },
    'no-endpoint': { type: 'boolean' },
    actor: { type: 'string' },
    json: { type: 'boolean' },
  },
  allowPositionals: true,
  help: `Usage: credfed partner update ID [--name NAME] [--kind KIND] [--endpoint HOST:PORT | --no-endpoint]
                              --config FILE [--actor NAME] [--json]

Changes what is given and keeps the rest; the change is recorded with the
actor, the time and the partner before and after. Giving the values the
partner already has changes nothing (and records nothing). The status has
its own commands: \`partner suspend\` and \`partner resume\`.

${STORE_NOTE}

Options:
      --name NAME          display name, at most 200 characters
      --kind KIND          ${REGISTRY_PARTNER_KINDS.join(', ')}
      --endpoint HOST:PORT the partner's gateway
      --no-endpoint        forget the endpoint (the partner only calls this node)
  -c, --config FILE        the node's configuration file
      --actor NAME         who makes the change (default: cli:<your user name>)
      --json               print {"partner": ..., "changed": true|false} on stdout

Exit code: 0 updated or nothing to change, 1 refused or failed
(PARTNER_NOT_FOUND, PARTNER_INVALID), 2 wrong usage.

EXAMPLES
  credfed partner update county-a --name "浑南区信用平台" -c city.yaml
  credfed partner update benxi --endpoint 10.2.0.15:7400 -c city.yaml
  credfed partner update county-a --no-endpoint --actor alice -c city.yaml
`,
  async run({ values, positionals }, io) {
    const id = onePartnerId(positionals);
    if (values.endpoint !== undefined && values['no-endpoint']) throw new UsageError('give --endpoint or --no-endpoint, not both');
    const patch: PartnerPatch = {
      ...(typeof values.name === 'string' ? { displayName: values.name } : {}),
      ...(typeof values.kind === 'string' ? { kind: values.kind as RegistryPartnerKind } : {}),
      ...(typeof values.endpoint === 'string' ? { endpoint: values.endpoint } : {}),
      ...(values['no-endpoint'] ? { endpoint: null } : {}),
    };
    if (Object.keys(patch).length === 0) throw new UsageError('nothing to update: give --name, --kind, --endpoint or --no-endpoint');
    return withNodeStore(values, async (store) => {
      const { partner, changed } = await updatePartner(store, id, patch, { actor: actorOf(values) });
      reportChange(io, Boolean(values.json), partner, changed, changed ? `partner ${id} updated (revision ${partner.revision})` : `partner ${id} already is so: nothing changed`);
      return EXIT.OK;
    });
  },
};
