/** `credfed agreement get | history | diff`: reading agreements. */
import { getAgreement, listAgreementHistory, versionsToCompare } from '../../../agreements/agreement-admin.js';
import { diffAgreements } from '../../../core/agreements/diff-agreement.js';
import { agreementToDocument } from '../../../core/agreements/parse-agreement.js';
import { parsePageSize } from '../../../partners/page-token.js';
import type { AgreementRow } from '../../../store/repos/agreements-repo.js';
import { EXIT, UsageError, type Command } from '../../command.js';
import { formatTable } from '../../table.js';
import { STORE_NOTE, withNodeStore } from '../partner/partner-cli.js';

/** One line about a version. */
export function describeVersion(row: AgreementRow): string {
  const a = row.agreement;
  return `${a.id} v${row.version} ${row.state}: ${a.directions.join('+')} for ${[...a.parties.partners, ...a.parties.groups.map((g) => `group:${g}`)].join(', ')}, ${a.validFrom.toISOString()} – ${a.validUntil.toISOString()}`;
}

function versionJson(row: AgreementRow) {
  return {
    agreementId: row.agreement.id,
    version: row.version,
    state: row.state,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
    activatedAt: row.activatedAt?.toISOString() ?? null,
    activatedBy: row.activatedBy ?? null,
    agreement: agreementToDocument(row.agreement),
    document: row.document,
  };
}

const positiveOrUndefined = (v: unknown, name: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive whole number`);
  return n;
};

export const agreementGetCommand: Command = {
  name: 'agreement get',
  summary: 'print an agreement as stored (the active version, or --version N), by id or --partner',
  options: { config: { type: 'string', short: 'c' }, partner: { type: 'string' }, version: { type: 'string' }, json: { type: 'boolean' } },
  allowPositionals: true,
  help: `Usage: credfed agreement get (ID | --partner P) --config FILE [--version N] [--json]

Prints the document of an agreement exactly as it was submitted (stdout) and
a line about the version on stderr: the active version by default, or
--version N. With --partner, the agreement that governs that partner now
(one naming it first, else one covering its group).

${STORE_NOTE}

Exit code: 0 printed, 1 not found (AGREEMENT_NOT_FOUND), 2 wrong usage.

EXAMPLES
  credfed agreement get city-b -c city.yaml
  credfed agreement get --partner county-a -c city.yaml
  credfed agreement get city-b --version 1 --json -c city.yaml | jq .agreement.purposes
`,
  async run({ values, positionals }, io) {
    const partnerId = typeof values.partner === 'string' ? values.partner : undefined;
    if ((positionals.length === 1) === Boolean(partnerId) || positionals.length > 1) throw new UsageError('give one agreement ID or --partner P');
    const version = positiveOrUndefined(values.version, 'version');
    const row = await withNodeStore(values, (store) => getAgreement(store, { agreementId: positionals[0], partnerId, version }));
    if (values.json) io.out(`${JSON.stringify(versionJson(row), null, 2)}\n`);
    else {
      io.err(`${describeVersion(row)}\n`);
      io.out(row.document.endsWith('\n') ? row.document : `${row.document}\n`);
    }
    return EXIT.OK;
  },
};

export const agreementHistoryCommand: Command = {
  name: 'agreement history',
  summary: 'list every version of an agreement, newest first, with who stored and activated it',
  options: { config: { type: 'string', short: 'c' }, 'page-size': { type: 'string' }, 'page-token': { type: 'string' }, json: { type: 'boolean' } },
  allowPositionals: true,
  help: `Usage: credfed agreement history ID --config FILE [--page-size N] [--page-token T] [--json]

Every version of agreement ID, newest first: its state (active, superseded,
draft), when and by whom it was stored and activated, and its validity.

${STORE_NOTE}

EXAMPLES
  credfed agreement history city-b -c city.yaml
  credfed agreement diff city-b -c city.yaml
`,
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('exactly one agreement ID is required');
    const size = parsePageSize(values['page-size']);
    if (size.error !== undefined) throw new UsageError(`--page-size: ${size.error}`);
    const pageToken = typeof values['page-token'] === 'string' ? values['page-token'] : undefined;
    const page = await withNodeStore(values, (store) => listAgreementHistory(store, positionals[0]!, { pageSize: size.value, pageToken }));
    if (values.json) {
      io.out(`${JSON.stringify({ versions: page.items.map(versionJson), nextPageToken: page.nextPageToken ?? null }, null, 2)}\n`);
      return EXIT.OK;
    }
    const rows = page.items.map((r) => [
      String(r.version),
      r.state,
      r.createdAt.toISOString(),
      r.createdBy,
      r.activatedAt?.toISOString() ?? '-',
      r.activatedBy ?? '-',
      `${r.agreement.validFrom.toISOString()} – ${r.agreement.validUntil.toISOString()}`,
    ]);
    io.out(`${formatTable(['VERSION', 'STATE', 'STORED', 'BY', 'ACTIVATED', 'BY', 'VALID'], rows)}\n`);
    if (page.nextPageToken) io.out(`next page token: ${page.nextPageToken}\n`);
    return EXIT.OK;
  },
};

export const agreementDiffCommand: Command = {
  name: 'agreement diff',
  summary: 'show what changed between two versions of an agreement',
  options: { config: { type: 'string', short: 'c' }, from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean' } },
  allowPositionals: true,
  help: `Usage: credfed agreement diff ID --config FILE [--from N] [--to N] [--json]

Compares two versions setting by setting (lists of names as sets): by default
the newest version against the one before it.

${STORE_NOTE}

EXAMPLES
  credfed agreement diff city-b -c city.yaml
  credfed agreement diff city-b --from 1 --to 3 -c city.yaml --json
`,
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('exactly one agreement ID is required');
    const from = positiveOrUndefined(values.from, 'from');
    const to = positiveOrUndefined(values.to, 'to');
    const [a, b] = await withNodeStore(values, (store) => versionsToCompare(store, positionals[0]!, from, to));
    const changes = diffAgreements(a.agreement, b.agreement);
    if (values.json) {
      io.out(`${JSON.stringify({ fromVersion: a.version, toVersion: b.version, changes }, null, 2)}\n`);
      return EXIT.OK;
    }
    io.out(`${a.agreement.id}: version ${a.version} → ${b.version}\n`);
    if (changes.length === 0) io.out('  no differences\n');
    for (const c of changes) io.out(`  ${c.path}: ${JSON.stringify(c.before ?? null)} → ${JSON.stringify(c.after ?? null)}\n`);
    return EXIT.OK;
  },
};
