/**
 * `credfed recognize ID… --purpose P [--federated] [--json] [--out DIR]`:
 * asks a running gateway (Admin.Recognize, admin certificate) for its signed
 * verdict about each subject and, with --federated, its partners' verdicts,
 * prints the combined answer and writes the signed verdicts to files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PURPOSES } from '../../core/agreements/agreement.js';
import { CredfedError } from '../../core/errors.js';
import { contractScheme } from '../../core/records/identifier-scheme.js';
import type { IdScheme } from '../../core/ids/index.js';
import type { Recognition, SignedVerdict, SubjectError } from '../../gen/credfed/v1/verdict.js';
import { MAX_BATCH } from '../../recognition/recognizer.js';
import { ADMIN_TARGET_OPTIONS, adminTargetOf, adminUnary, remoteError, withAdminClient } from '../admin-call.js';
import { EXIT, UsageError, type Command } from '../command.js';
import { formatRecognition, recognitionJson } from './recognize-view.js';

const SCHEMES: readonly IdScheme[] = ['uscc', 'org', 'regno', 'ric', 'tax', 'institution', 'social_org'];
/** Room for every partner's deadline and this gateway's own work. */
const CALL_TIMEOUT_MS = 30_000;

type Answer = { identifier: string; recognition: Recognition } | { identifier: string; error: SubjectError };

export const recognizeCommand: Command = {
  name: 'recognize',
  summary: 'ask a gateway for signed credit verdicts about subjects (mutual recognition), optionally federated',
  options: {
    purpose: { type: 'string', short: 'p' },
    federated: { type: 'boolean' },
    reference: { type: 'string' },
    scheme: { type: 'string' },
    json: { type: 'boolean' },
    out: { type: 'string' },
    ...ADMIN_TARGET_OPTIONS,
  },
  allowPositionals: true,
  help: `Usage: credfed recognize ID... --purpose P [--federated] [--reference TEXT] [--scheme S] [--json] [--out DIR]
                         [--data-dir DIR [--node ID] | --config FILE --cert ADMIN.crt --key ADMIN.key]

Asks a gateway over mutual TLS (Admin.Recognize, admin certificate) "what is
this subject's credit standing?" and prints its signed verdict: the level
(dishonest, key attention, normal, good, trustworthy), the credit grade when
one is held, the records it rests on, and until when it may be relied on.
With --federated the gateway also asks every partner whose agreement allows
the purpose, each within recognition.partnerDeadlineMs, and the answer
combines their verdicts; partners that failed or timed out are listed and the
answer is marked PARTIAL. An identifier nobody holds gets a verdict saying
"no records". Several IDs are asked in one batch (at most ${MAX_BATCH}).

--out DIR writes each signed verdict as DIR/<issuer>-<verdict id>.jws (a
compact JWS, PS256 with its certificate chain): evidence anyone can check
offline with \`credfed verdict verify FILE\` or with OpenSSL (README).

Without --config the gateway is a node of the local federation \`credfed up\`
(npm start) recorded under DIR (default .credfed): --node names it (default
the first, e.g. the city).

Options:
  -p, --purpose P        why you ask (required): ${PURPOSES.join(', ')}
      --federated        also ask the partners and combine their verdicts
      --reference TEXT   entered in the audit log with the call (e.g. the tender number)
      --scheme S         read every ID as ${SCHEMES.join(', ')} (default: detected)
      --json             print JSON on stdout (one object per subject, in order)
      --out DIR          write the signed verdicts to DIR (created when missing)
      --data-dir DIR     the local federation of \`credfed up\` (default .credfed)
      --node ID          which node of the local federation to ask
  -c, --config FILE      ask the node this configuration describes
      --cert FILE        admin certificate (with --config)
      --key FILE         admin key (with --config)

Exit code: 0 every subject answered by every platform asked; 3 an answer is
partial or a subject was refused (e.g. IDENTIFIER_INVALID, the rule named);
1 the call failed (e.g. VERDICT_SIGNER_MISSING, UNAVAILABLE); 2 wrong usage.

EXAMPLES
  npx credfed recognize 91210100MA0P5GJ30X --purpose bidding_review --federated
  npx credfed recognize 91210100MA0P5GJ30X --purpose bidding_review --federated --out evidence/
  credfed recognize 91110000600037341L 60003734-1 -p financing --json -c city.yaml --cert ops.crt --key ops.key
  credfed recognize 91110000600037341L -p bidding_review --federated --json | jq '.[0].level'
`,
  async run({ values, positionals }, io) {
    const purpose = purposeOf(values.purpose);
    if (positionals.length === 0) throw new UsageError('at least one identifier is required');
    if (positionals.length > MAX_BATCH) throw new UsageError(`at most ${MAX_BATCH} identifiers in one call (${positionals.length} given)`);
    const scheme = values.scheme;
    if (scheme !== undefined && !(SCHEMES as readonly unknown[]).includes(scheme)) throw new UsageError(`--scheme must be one of ${SCHEMES.join(', ')}`);
    const schemeValue = typeof scheme === 'string' ? contractScheme(scheme as IdScheme) : 0;
    const target = adminTargetOf(values);
    const request = {
      subjects: positionals.map((identifier) => ({ identifier, scheme: schemeValue })),
      purpose,
      reference: typeof values.reference === 'string' ? values.reference : '',
      federated: values.federated === true,
    };
    const answers = await withAdminClient(target, async (client): Promise<Answer[]> => {
      try {
        if (positionals.length === 1) {
          const res = await adminUnary(client, client.recognize, { ...request, subject: request.subjects[0] }, CALL_TIMEOUT_MS);
          return [{ identifier: positionals[0]!, recognition: res.recognition! }];
        }
        const res = await adminUnary(client, client.recognizeBatch, request, CALL_TIMEOUT_MS);
        return res.results.map((r) => {
          const identifier = positionals[r.index]!;
          if (r.outcome?.$case === 'recognition') return { identifier, recognition: r.outcome.value };
          return { identifier, error: r.outcome?.$case === 'error' ? r.outcome.value : { reason: 'INTERNAL', message: 'no answer' } };
        });
      } catch (e) {
        throw remoteError(e);
      }
    });

    const written = typeof values.out === 'string' ? writeVerdicts(values.out, answers) : [];
    if (values.json) io.out(`${JSON.stringify(answers.map((a) => ('error' in a ? { identifier: a.identifier, error: a.error } : { identifier: a.identifier, ...recognitionJson(a.recognition) })), null, 2)}\n`);
    else io.out(answers.map((a) => ('error' in a ? `${a.identifier}\n  refused: ${a.error.reason}: ${a.error.message}\n` : formatRecognition(a.identifier, a.recognition))).join('\n'));
    for (const file of written) io.err(`wrote ${file}\n`);
    const complete = answers.every((a) => 'recognition' in a && !a.recognition.partial);
    return complete ? EXIT.OK : EXIT.PARTIAL;
  },
};

function purposeOf(value: string | boolean | undefined): number {
  if (typeof value !== 'string') throw new UsageError(`--purpose is required (one of ${PURPOSES.join(', ')})`);
  const i = (PURPOSES as readonly string[]).indexOf(value);
  if (i < 0) throw new UsageError(`--purpose must be one of ${PURPOSES.join(', ')} (found "${value}")`);
  return i + 1;
}

/** Writes every signed verdict received; returns the files. */
function writeVerdicts(dir: string, answers: readonly Answer[]): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (const a of answers) {
    if (!('recognition' in a)) continue;
    for (const v of a.recognition.verdicts) files.push(writeVerdict(dir, v));
  }
  return files;
}

function writeVerdict(dir: string, v: SignedVerdict): string {
  const file = path.join(dir, `${v.verdict!.issuer}-${v.verdict!.verdictId}.jws`);
  fs.writeFileSync(file, `${v.jws}\n`, { flag: 'wx' });
  return file;
}
