import type { IdScheme } from '../../../core/ids/index.js';
import { lookupSubject } from '../../../graph/lookup-subject.js';
import { pseudonymKeysOf } from '../../../graph/pseudonym-keys.js';
import { parsePageSize } from '../../../partners/page-token.js';
import { decideConflict, type ConflictDecision } from '../../../store/repos/conflicts-repo.js';
import { EXIT, UsageError, type Command, type Io } from '../../command.js';
import { actorOf, STORE_NOTE, withNodeStore } from '../partner/partner-cli.js';
import { conflictJson, describeConflict, formatRecords, formatSubject, recordJson, subjectJson } from './ids-view.js';

type Values = Record<string, string | boolean | undefined>;

const SCHEMES: readonly IdScheme[] = ['uscc', 'org', 'regno', 'ric', 'tax', 'institution', 'social_org'];

export const idsResolveCommand: Command = {
  name: 'ids resolve',
  summary: 'find the subject any identifier names, with its records; or decide an identifier conflict',
  options: {
    config: { type: 'string', short: 'c' },
    scheme: { type: 'string' },
    'page-size': { type: 'string' },
    'page-token': { type: 'string' },
    conflict: { type: 'string' },
    accept: { type: 'boolean' },
    reject: { type: 'boolean' },
    reason: { type: 'string' },
    actor: { type: 'string' },
    json: { type: 'boolean' },
  },
  allowPositionals: true,
  help: `Usage: credfed ids resolve ID --config FILE [--scheme S] [--page-size N] [--page-token T] [--json]
       credfed ids resolve --conflict N (--accept | --reject) --reason TEXT --config FILE [--actor NAME] [--json]

Look-up: finds the subject an identifier names — a USCC, a legacy
organisation code or registration number, a resident identity number, or
(with --scheme) a tax, institution or social organisation number — through
the identifier graph, and prints the canonical subject: its kind, name,
registration facts from its USCC (authority, entity type, division code as a
routing hint), every identifier linked to it with who linked it, the subjects
merged into it, and its records (and those of the merged subjects), 50 a
page. Input hygiene applies: full-width characters, spaces, hyphens and lower
case are accepted. A resident identity number is found through its keyed
pseudonym (persons.pseudonymKeys); the store never holds it in clear.

Decision: with --conflict, accepts or rejects an identifier conflict listed by
\`credfed ids conflicts\`. Accepting applies the link the evidence proposed (a
legacy code moves to the other USCC's subject; an organisation code joins the
USCC's subject; a name becomes the subject's name); rejecting keeps the graph
as it is, and the same evidence arriving again stays rejected. The reason and
the actor are recorded.

${STORE_NOTE}

Options:
  -c, --config FILE      the node's configuration file
      --scheme S         read ID as uscc, org, regno, ric, tax, institution or
                         social_org (default: detected among the first four)
      --page-size N      records per page (default 50, at most 500)
      --page-token T     the page of records after the one that printed T
      --conflict N       decide conflict N instead of looking up
      --accept           apply the conflict's proposed link
      --reject           keep the graph as it is
      --reason TEXT      why (required with --conflict)
      --actor NAME       who decides (default cli:<user>)
      --json             print JSON on stdout

Exit code: 0 found or decided, 1 failed (SUBJECT_NOT_FOUND, IDENTIFIER_INVALID,
IDENTIFIER_AMBIGUOUS, CONFLICT_NOT_FOUND, CONFLICT_DECIDED), 2 wrong usage.

EXAMPLES
  credfed ids resolve 91110000600037341L -c city.yaml
  credfed ids resolve 60003734-1 -c city.yaml           (a legacy organisation code)
  credfed ids resolve 110108000000016 -c city.yaml --json | jq '.records[].recordId'
  credfed ids resolve --conflict 12 --reject --reason "different companies: checked with SAMR" -c city.yaml
`,
  async run({ values, positionals }, io) {
    if (values.conflict !== undefined) return decide(values, positionals, io);
    if (values.accept || values.reject || values.reason !== undefined) throw new UsageError('--accept, --reject and --reason go with --conflict N');
    if (positionals.length !== 1) throw new UsageError('exactly one identifier is required');
    const scheme = values.scheme;
    if (scheme !== undefined && !(SCHEMES as readonly unknown[]).includes(scheme)) {
      throw new UsageError(`--scheme must be one of ${SCHEMES.join(', ')}`);
    }
    const size = parsePageSize(values['page-size']);
    if (size.error !== undefined) throw new UsageError(`--page-size: ${size.error}`);
    const pageToken = typeof values['page-token'] === 'string' ? values['page-token'] : undefined;
    const found = await withNodeStore(values, (store, config) =>
      lookupSubject(store, pseudonymKeysOf(config), {
        value: positionals[0]!,
        ...(scheme ? { scheme: scheme as IdScheme } : {}),
        mask: config.persons.mask,
        pageSize: size.value,
        pageToken,
      }),
    );
    const looked = found.scheme === 'ric' ? `ric ${found.masked}` : `${found.scheme} ${found.normalized}`;
    if (values.json) {
      const doc = {
        identifier: { scheme: found.scheme, normalized: found.scheme === 'ric' ? found.masked : found.normalized },
        subject: subjectJson(found.subject),
        records: found.records.items.map(recordJson),
        nextPageToken: found.records.nextPageToken ?? null,
      };
      io.out(`${JSON.stringify(doc, null, 2)}\n`);
      return EXIT.OK;
    }
    io.out(`identifier:     ${looked}\n${formatSubject(found.subject)}\n`);
    if (found.records.items.length === 0) io.out(pageToken ? 'no more records\n' : 'no records\n');
    else io.out(formatRecords(found.records.items));
    if (found.records.nextPageToken) io.out(`next page token: ${found.records.nextPageToken}\n`);
    return EXIT.OK;
  },
};

async function decide(values: Values, positionals: string[], io: Io): Promise<number> {
  if (positionals.length > 0) throw new UsageError('--conflict takes no identifier argument');
  const id = String(values.conflict);
  if (!/^[1-9]\d{0,15}$/.test(id)) throw new UsageError(`--conflict must be a conflict id (a positive whole number), found "${id}"`);
  if (Boolean(values.accept) === Boolean(values.reject)) throw new UsageError('give exactly one of --accept and --reject');
  const reason = typeof values.reason === 'string' ? values.reason.trim() : '';
  if (!reason) throw new UsageError('--reason TEXT is required: it is recorded with the decision');
  const decision: ConflictDecision = values.accept ? 'accept' : 'reject';
  const decided = await withNodeStore(values, (store) =>
    store.transaction((tx) => decideConflict(tx, Number(id), decision, { actor: actorOf(values), reason })),
  );
  if (values.json) io.out(`${JSON.stringify(conflictJson(decided), null, 2)}\n`);
  else io.out(`conflict ${decided.conflictId} ${decided.status}: ${describeConflict(decided)}\n`);
  return EXIT.OK;
}
