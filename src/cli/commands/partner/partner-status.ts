import type { PartnerStatus } from '../../../partners/partner.js';
import { setPartnerStatus } from '../../../store/repos/partners-repo.js';
import { EXIT, type Command } from '../../command.js';
import { actorOf, COMMON_OPTIONS, onePartnerId, reportChange, STORE_NOTE, withNodeStore } from './partner-cli.js';

export const partnerSuspendCommand: Command = {
  name: 'partner suspend',
  summary: 'cut a partner off: end its streams, refuse its calls',
  options: { ...COMMON_OPTIONS, reason: { type: 'string' }, actor: { type: 'string' }, json: { type: 'boolean' } },
  allowPositionals: true,
  help: `Usage: credfed partner suspend ID --config FILE [--reason TEXT] [--actor NAME] [--json]

Suspends a partner. Every gateway of this node applies it within seconds:
the partner's open streams end with UNAUTHENTICATED (reason PEER_CUT_OFF),
its connections are closed, and each new call it makes is refused with
PERMISSION_DENIED / PEER_NOT_ALLOWED ("suspended"). Other partners are not
disturbed. Records already received stay. \`partner resume\` undoes it.
Suspending a suspended partner changes nothing.

${STORE_NOTE}

Options:
      --reason TEXT    why (recorded in the partner's history)
  -c, --config FILE    the node's configuration file
      --actor NAME     who makes the change (default: cli:<your user name>)
      --json           print {"partner": ..., "changed": true|false} on stdout

Exit code: 0 suspended (or already suspended), 1 failed (PARTNER_NOT_FOUND), 2 wrong usage.

EXAMPLES
  credfed partner suspend county-b --reason "key compromise reported, ticket 4711" -c city.yaml
  DATABASE_URL=postgres://credfed@db/credfed credfed partner suspend benxi -c city.yaml
`,
  async run({ values, positionals }, io) {
    return changeStatus(values, positionals, io, 'suspended');
  },
};

export const partnerResumeCommand: Command = {
  name: 'partner resume',
  summary: 'let a suspended partner call again',
  options: { ...COMMON_OPTIONS, reason: { type: 'string' }, actor: { type: 'string' }, json: { type: 'boolean' } },
  allowPositionals: true,
  help: `Usage: credfed partner resume ID --config FILE [--reason TEXT] [--actor NAME] [--json]

Makes a suspended partner active again: every gateway of this node accepts its
calls again within seconds (its sender reconnects by itself). Resuming an
active partner changes nothing.

${STORE_NOTE}

Options:
      --reason TEXT    why (recorded in the partner's history)
  -c, --config FILE    the node's configuration file
      --actor NAME     who makes the change (default: cli:<your user name>)
      --json           print {"partner": ..., "changed": true|false} on stdout

Exit code: 0 resumed (or already active), 1 failed (PARTNER_NOT_FOUND), 2 wrong usage.

EXAMPLES
  credfed partner resume county-b -c city.yaml
  credfed partner resume county-b --reason "new certificate issued" --actor alice -c city.yaml
`,
  async run({ values, positionals }, io) {
    return changeStatus(values, positionals, io, 'active');
  },
};

async function changeStatus(
  values: Record<string, string | boolean | undefined>,
  positionals: string[],
  io: Parameters<typeof reportChange>[0],
  status: PartnerStatus,
): Promise<number> {
  const id = onePartnerId(positionals);
  const reason = typeof values.reason === 'string' ? values.reason : undefined;
  return withNodeStore(values, async (store) => {
    const { partner, changed } = await setPartnerStatus(store, id, status, { actor: actorOf(values), reason });
    const verb = status === 'suspended' ? 'suspended' : 'resumed';
    const message = changed ? `partner ${id} ${verb} (revision ${partner.revision})` : `partner ${id} is already ${status}: nothing changed`;
    reportChange(io, Boolean(values.json), partner, changed, message);
    return EXIT.OK;
  });
}
