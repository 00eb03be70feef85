/** `credfed agreement put FILE` and `credfed agreement activate ID --version N`. */
import fs from 'node:fs';
import { activateAgreement, putAgreement } from '../../../agreements/agreement-admin.js';
import { CredfedError } from '../../../core/errors.js';
import { EXIT, UsageError, type Command, type Io } from '../../command.js';
import { actorOf, STORE_NOTE, withNodeStore } from '../partner/partner-cli.js';
import { describeVersion } from './agreement-view.js';

export const agreementPutCommand: Command = {
  name: 'agreement put',
  summary: 'validate and store a new version of a data-sharing agreement (active at once unless --draft)',
  options: { config: { type: 'string', short: 'c' }, draft: { type: 'boolean' }, 'dry-run': { type: 'boolean' }, actor: { type: 'string' } },
  allowPositionals: true,
  help: `Usage: credfed agreement put FILE --config FILE [--draft] [--dry-run]

Reads an agreement document (YAML or JSON; README "Data-sharing agreements"),
checks it — schema, names, contradictions, partners in the registry, no
partner or group governed by another active agreement — and stores it as the
agreement's next version, active at once (the previous version becomes
superseded). Every gateway of the node applies it within 5 seconds, no
restart. A refused document prints every problem, one per line, and changes
nothing.

${STORE_NOTE}

Options:
  -c, --config FILE   the node's configuration file
      --draft         store the version without activating it (activate later)
      --dry-run       only check the document; store nothing
      --actor NAME    who is recorded (default cli:<user>)

Exit code: 0 stored, 1 refused (problems on stderr), 2 wrong usage.

EXAMPLES
  credfed agreement put city-b-2026.yaml -c city.yaml
  credfed agreement put city-b-2026.yaml -c city.yaml --dry-run
  credfed agreement put city-b-2027.yaml -c city.yaml --draft && credfed agreement activate city-b-2027 --version 1 -c city.yaml
`,
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('exactly one agreement FILE is required');
    let text: string;
    try {
      text = fs.readFileSync(positionals[0]!, 'utf8');
    } catch (e) {
      io.err(`credfed agreement put: cannot read ${positionals[0]}: ${(e as Error).message}\n`);
      return EXIT.FAILED;
    }
    const draft = values.draft === true;
    const dryRun = values['dry-run'] === true;
    return refusalsListed(io, 'agreement put', async () => {
      const row = await withNodeStore(values, (store) => putAgreement(store, text, { actor: actorOf(values), draft, dryRun }));
      io.err(dryRun ? `agreement "${row.agreement.id}" is valid (nothing stored)\n` : `agreement "${row.agreement.id}" version ${row.version} stored${draft ? ' as a draft' : ' and active'}\n`);
      io.out(`${describeVersion(row)}\n`);
    });
  },
};

export const agreementActivateCommand: Command = {
  name: 'agreement activate',
  summary: 'activate a stored version of an agreement (a draft, or an older one to roll back)',
  options: { config: { type: 'string', short: 'c' }, version: { type: 'string' }, actor: { type: 'string' } },
  allowPositionals: true,
  help: `Usage: credfed agreement activate ID --version N --config FILE

Makes version N of agreement ID the active one; the version active before
becomes superseded. Used to activate a draft or to roll back. Refused
(AGREEMENT_CONFLICT) when another active agreement governs one of its
partners or groups. Every gateway applies it within 5 seconds.

${STORE_NOTE}

Exit code: 0 activated, 1 refused, 2 wrong usage.

EXAMPLES
  credfed agreement history city-b -c city.yaml
  credfed agreement activate city-b --version 2 -c city.yaml
`,
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('exactly one agreement ID is required');
    const version = Number(values.version);
    if (!Number.isSafeInteger(version) || version < 1) throw new UsageError('--version N (a positive whole number) is required');
    return refusalsListed(io, 'agreement activate', async () => {
      const row = await withNodeStore(values, (store) => activateAgreement(store, positionals[0]!, version, actorOf(values)));
      io.err(`agreement "${row.agreement.id}" version ${row.version} is active\n`);
      io.out(`${describeVersion(row)}\n`);
    });
  },
};

/** Runs `work`; a refused agreement prints each of its problems on a line of its own. */
async function refusalsListed(io: Io, name: string, work: () => Promise<void>): Promise<number> {
  try {
    await work();
    return EXIT.OK;
  } catch (e) {
    const problems = e instanceof CredfedError ? (e.details.problems as string[] | undefined) : undefined;
    if (!problems) throw e;
    io.err(`credfed ${name}: ${(e as CredfedError).code}: the agreement was refused; nothing changed:\n${problems.map((p) => `  ${p}\n`).join('')}`);
    return EXIT.FAILED;
  }
}
