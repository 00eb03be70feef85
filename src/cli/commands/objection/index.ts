/**
 * `credfed objection file|list|resolve` and `credfed feedback report|list`:
 * objections (异议) to credit records and joint-punishment feedback
 * (联合奖惩反馈) through a running gateway (Admin API, admin certificate).
 */
import type { Feedback, Objection } from '../../../gen/credfed/v1/objection.js';
import { ObjectionOutcome } from '../../../gen/credfed/v1/record.js';
import { ObjectionState } from '../../../gen/credfed/v1/objection.js';
import { timestampToIso } from '../../../store/repos/record-rows.js';
import { ADMIN_TARGET_HELP, ADMIN_TARGET_OPTIONS, adminTargetOf, adminUnary, remoteError, withAdminClient } from '../../admin-call.js';
import { EXIT, UsageError, type Command } from '../../command.js';
import { formatTable } from '../../table.js';
import type { AdminClient } from '../../../gen/credfed/v1/admin.js';

const CALL_TIMEOUT_MS = 30_000;
const OUTCOMES: Record<string, ObjectionOutcome> = {
  upheld: ObjectionOutcome.OBJECTION_OUTCOME_UPHELD,
  corrected: ObjectionOutcome.OBJECTION_OUTCOME_CORRECTED,
  revoked: ObjectionOutcome.OBJECTION_OUTCOME_REVOKED,
};
const outcomeName = (o: ObjectionOutcome) => Object.keys(OUTCOMES).find((k) => OUTCOMES[k] === o) ?? '';
const stateName = (s: ObjectionState) => (s === ObjectionState.OBJECTION_STATE_OPEN ? 'open' : s === ObjectionState.OBJECTION_STATE_RESOLVED ? 'resolved' : 'unknown');

const EXIT_HELP = `Exit code: 0 done; 1 refused (the code on stderr) or the gateway unreachable; 2 wrong usage.`;

/** Runs one Admin call against the target the options name; a refusal becomes the gateway's code. */
function adminCall<T>(values: Record<string, string | boolean | undefined>, fn: (client: AdminClient) => Promise<T>): Promise<T> {
  return withAdminClient(adminTargetOf(values), (client) =>
    fn(client).catch((e: unknown) => {
      throw remoteError(e);
    }),
  );
}

function objectionJson(o: Objection): Record<string, unknown> {
  return {
    objectionId: o.objectionId,
    record: `${o.originId}/${o.recordId}`,
    version: o.version,
    state: stateName(o.state),
    outcome: outcomeName(o.outcome) || null,
    filedAt: o.filedAt,
    filed: timestampToIso(o.filedTime),
    complainant: o.complainant,
    reason: o.reason,
    resolution: o.resolution || null,
    resolved: timestampToIso(o.resolvedTime),
    receivedFrom: o.receivedFrom || null,
    forwardedTo: o.forwardedTo || null,
    forwarded: o.forwarded,
  };
}

function hopOf(o: { forwardedTo: string; forwarded: boolean }): string {
  if (!o.forwardedTo) return 'at origin';
  return `${o.forwarded ? 'passed to' : 'waiting for'} ${o.forwardedTo}`;
}

const fileCommand: Command = {
  name: 'objection file',
  summary: 'file an objection (异议) to a record this node holds: marked disputed, passed on to its origin',
  options: { origin: { type: 'string' }, reason: { type: 'string' }, complainant: { type: 'string' }, json: { type: 'boolean' }, ...ADMIN_TARGET_OPTIONS },
  allowPositionals: true,
  help: `Usage: credfed objection file RECORD_ID --reason TEXT [--origin ID] [--complainant NAME] [--json]
                              [--config FILE --cert ADMIN.crt --key ADMIN.key | --data-dir DIR [--node ID]]

Files an objection to a credit record this platform holds, for the subject or
its agent (Admin.FileObjection). The record is marked disputed here at once
(how verdicts treat a disputed record: recognition.rules.disputed) and the
objection travels hop by hop back along the record's path to its origin
(e.g. neighbour → city → county), retried until each hop acknowledges it.
Only the origin resolves it (credfed objection resolve); the outcome comes
back with the record's next version.

Options:
      --reason TEXT        why the record is wrong (required, at most 500 characters)
      --origin ID          the record's origin (needed when the id is held from several)
      --complainant NAME   who objects (at most 200 characters)
      --json               print the objection as JSON
${ADMIN_TARGET_HELP}

${EXIT_HELP} Refusals: RECORD_NOT_FOUND, OBJECTION_INVALID.

EXAMPLES
  credfed objection file d-2026-0007 --origin county-a --reason "已于2026年3月履行全部义务" --complainant "张三（法定代表人）" --node city-b
  credfed objection file XZCF-2026-0113 --reason "处罚金额录入错误" -c city.yaml --cert ops.crt --key ops.key --json
`,
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('exactly one RECORD_ID is required');
    if (typeof values.reason !== 'string' || !values.reason.trim()) throw new UsageError('--reason TEXT is required');
    const req = { originId: str(values.origin), recordId: positionals[0]!, complainant: str(values.complainant), reason: values.reason };
    const res = await adminCall(values, (c) => adminUnary(c, c.fileObjection, req, CALL_TIMEOUT_MS));
    const o = res.objection!;
    io.out(values.json ? `${JSON.stringify(objectionJson(o), null, 2)}\n` : `objection ${o.objectionId} to ${o.originId}/${o.recordId} v${o.version} filed; the record is disputed here; ${hopOf(o)}\n`);
    return EXIT.OK;
  },
};

const listCommand: Command = {
  name: 'objection list',
  summary: 'the objections this node holds: filed here, passed through, or to its own records',
  options: { open: { type: 'boolean' }, resolved: { type: 'boolean' }, json: { type: 'boolean' }, 'page-token': { type: 'string' }, ...ADMIN_TARGET_OPTIONS },
  help: `Usage: credfed objection list [--open | --resolved] [--json] [--page-token T]
                              [--config FILE --cert ADMIN.crt --key ADMIN.key | --data-dir DIR [--node ID]]

The objections this platform holds, newest first (Admin.ListObjections): at
the origin, those to its own records (to resolve); elsewhere, those filed
here or passed through, with where each went next and whether that hop
acknowledged it.

Options:
      --open | --resolved   only objections in that state
      --json                JSON, with the next page token
      --page-token T        the next page
${ADMIN_TARGET_HELP}

${EXIT_HELP}

EXAMPLES
  credfed objection list --open --node county-a
  credfed objection list --json -c city.yaml --cert ops.crt --key ops.key
`,
  async run({ values }, io) {
    if (values.open && values.resolved) throw new UsageError('--open and --resolved exclude each other');
    const state = values.open ? ObjectionState.OBJECTION_STATE_OPEN : values.resolved ? ObjectionState.OBJECTION_STATE_RESOLVED : ObjectionState.OBJECTION_STATE_UNSPECIFIED;
    const res = await adminCall(values, (c) => adminUnary(c, c.listObjections, { state, pageSize: 0, pageToken: str(values['page-token']) }, CALL_TIMEOUT_MS));
    if (values.json) {
      io.out(`${JSON.stringify({ objections: res.objections.map(objectionJson), nextPageToken: res.nextPageToken || null }, null, 2)}\n`);
      return EXIT.OK;
    }
    if (res.objections.length === 0) {
      io.err('no objections\n');
      return EXIT.OK;
    }
    const rows = res.objections.map((o) => [o.objectionId, `${o.originId}/${o.recordId} v${o.version}`, stateName(o.state) + (o.outcome ? ` (${outcomeName(o.outcome)})` : ''), o.filedAt, hopOf(o), o.reason]);
    io.out(`${formatTable(['OBJECTION', 'RECORD', 'STATE', 'FILED AT', 'PATH', 'REASON'], rows)}\n`);
    if (res.nextPageToken) io.out(`next page: --page-token ${res.nextPageToken}\n`);
    return EXIT.OK;
  },
};

const resolveCommand: Command = {
  name: 'objection resolve',
  summary: "resolve an objection to one of this node's own records: upheld, corrected or revoked",
  options: { outcome: { type: 'string' }, reason: { type: 'string' }, json: { type: 'boolean' }, ...ADMIN_TARGET_OPTIONS },
  allowPositionals: true,
  help: `Usage: credfed objection resolve OBJECTION_ID --outcome upheld|corrected|revoked --reason TEXT [--json]
                                 [--config FILE --cert ADMIN.crt --key ADMIN.key | --data-dir DIR [--node ID]]

Resolves an open objection at the record's origin (Admin.ResolveObjection):

  upheld      the record stands; it counts again (active)
  corrected   the record was wrong and has been corrected: import the
              corrected record first (a new version), then resolve
  revoked     the record is withdrawn; it leaves verdicts everywhere

The record's next version carries the outcome; it is queued for every
partner the node pushes to and reaches followers of their feeds, closing the
objection at every platform that holds it.

Options:
      --outcome O     upheld, corrected or revoked (required)
      --reason TEXT   why (required, at most 500 characters)
      --json          print the objection and the new version as JSON
${ADMIN_TARGET_HELP}

${EXIT_HELP} Refusals: OBJECTION_NOT_FOUND, NOT_ORIGIN, OBJECTION_CLOSED,
RECORD_STATUS_REFUSED (e.g. corrected before the correction was imported).

EXAMPLES
  credfed objection resolve 2f0c…e91a --outcome revoked --reason "核查属实，撤销列入决定" --node county-a
  credfed objection resolve 2f0c…e91a --outcome upheld --reason "列入依据充分" -c county.yaml --cert ops.crt --key ops.key
`,
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('exactly one OBJECTION_ID is required');
    const outcome = typeof values.outcome === 'string' ? OUTCOMES[values.outcome] : undefined;
    if (outcome === undefined) throw new UsageError(`--outcome is required: one of ${Object.keys(OUTCOMES).join(', ')}`);
    if (typeof values.reason !== 'string' || !values.reason.trim()) throw new UsageError('--reason TEXT is required');
    const req = { objectionId: positionals[0]!, outcome, reason: values.reason };
    const res = await adminCall(values, (c) => adminUnary(c, c.resolveObjection, req, CALL_TIMEOUT_MS));
    const r = res.record!;
    if (values.json) {
      io.out(`${JSON.stringify({ objection: objectionJson(res.objection!), record: { originId: r.originId, recordId: r.recordId, version: r.version }, queuedFor: res.queuedFor }, null, 2)}\n`);
    } else {
      const queued = res.queuedFor.length > 0 ? `queued for ${res.queuedFor.join(', ')}` : 'no push partner to queue it for';
      io.out(`objection ${res.objection!.objectionId} resolved: ${values.outcome}; ${r.originId}/${r.recordId} v${r.version} carries it; ${queued}\n`);
    }
    return EXIT.OK;
  },
};

function feedbackJson(f: Feedback): Record<string, unknown> {
  return {
    feedbackId: f.feedbackId,
    record: `${f.originId}/${f.recordId}`,
    reportedBy: f.reportedBy,
    measure: f.measure,
    appliedOn: f.appliedOn,
    reported: timestampToIso(f.reportedTime),
    receivedFrom: f.receivedFrom || null,
    forwardedTo: f.forwardedTo || null,
    forwarded: f.forwarded,
  };
}

const reportCommand: Command = {
  name: 'feedback report',
  summary: 'report a measure applied because of a record (联合奖惩反馈): passed on to its origin',
  options: { origin: { type: 'string' }, measure: { type: 'string' }, on: { type: 'string' }, json: { type: 'boolean' }, ...ADMIN_TARGET_OPTIONS },
  allowPositionals: true,
  help: `Usage: credfed feedback report RECORD_ID --origin ID --measure TEXT [--on YYYY-MM-DD] [--json]
                               [--config FILE --cert ADMIN.crt --key ADMIN.key | --data-dir DIR [--node ID]]

Reports a joint reward or punishment measure this platform applied because
of a record it holds (Admin.ReportFeedback). The report travels hop by hop
to the record's origin, retried until each hop acknowledges it; the origin
sees it with credfed feedback list.

Options:
      --origin ID      the record's origin (required)
      --measure TEXT   the measure applied (required, at most 500 characters)
      --on DATE        when it was applied (default today, Asia/Shanghai)
      --json           print the report as JSON
${ADMIN_TARGET_HELP}

${EXIT_HELP} Refusals: RECORD_NOT_FOUND, FEEDBACK_INVALID.

EXAMPLES
  credfed feedback report d-2026-0007 --origin county-a --measure "限制参加政府采购活动" --node city-b
  credfed feedback report d-2026-0007 --origin county-a --measure "取消评优评先资格" --on 2026-12-01 -c city.yaml --cert ops.crt --key ops.key
`,
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('exactly one RECORD_ID is required');
    if (typeof values.origin !== 'string') throw new UsageError('--origin ID is required');
    if (typeof values.measure !== 'string' || !values.measure.trim()) throw new UsageError('--measure TEXT is required');
    const req = { originId: values.origin, recordId: positionals[0]!, measure: values.measure, appliedOn: str(values.on) };
    const res = await adminCall(values, (c) => adminUnary(c, c.reportFeedback, req, CALL_TIMEOUT_MS));
    const f = res.feedback!;
    io.out(values.json ? `${JSON.stringify(feedbackJson(f), null, 2)}\n` : `feedback ${f.feedbackId} on ${f.originId}/${f.recordId} recorded; ${hopOf(f)}\n`);
    return EXIT.OK;
  },
};

const feedbackListCommand: Command = {
  name: 'feedback list',
  summary: "the feedback this node holds: about its own records, or reported here or passed through",
  options: { record: { type: 'string' }, json: { type: 'boolean' }, 'page-token': { type: 'string' }, ...ADMIN_TARGET_OPTIONS },
  help: `Usage: credfed feedback list [--record ID] [--json] [--page-token T]
                             [--config FILE --cert ADMIN.crt --key ADMIN.key | --data-dir DIR [--node ID]]

The measures platforms reported applying because of records (Admin.ListFeedback),
newest first: at the origin, every platform's feedback on its records.

Options:
      --record ID      only feedback on this record id
      --json           JSON, with the next page token
      --page-token T   the next page
${ADMIN_TARGET_HELP}

${EXIT_HELP}

EXAMPLES
  credfed feedback list --node county-a
  credfed feedback list --record d-2026-0007 --json -c county.yaml --cert ops.crt --key ops.key
`,
  async run({ values }, io) {
    const res = await adminCall(values, (c) => adminUnary(c, c.listFeedback, { recordId: str(values.record), pageSize: 0, pageToken: str(values['page-token']) }, CALL_TIMEOUT_MS));
    if (values.json) {
      io.out(`${JSON.stringify({ feedback: res.feedback.map(feedbackJson), nextPageToken: res.nextPageToken || null }, null, 2)}\n`);
      return EXIT.OK;
    }
    if (res.feedback.length === 0) {
      io.err('no feedback\n');
      return EXIT.OK;
    }
    const rows = res.feedback.map((f) => [`${f.originId}/${f.recordId}`, f.reportedBy, f.appliedOn, f.measure, hopOf(f)]);
    io.out(`${formatTable(['RECORD', 'REPORTED BY', 'APPLIED ON', 'MEASURE', 'PATH'], rows)}\n`);
    if (res.nextPageToken) io.out(`next page: --page-token ${res.nextPageToken}\n`);
    return EXIT.OK;
  },
};

function str(v: string | boolean | undefined): string {
  return typeof v === 'string' ? v : '';
}

export const objectionCommands: readonly Command[] = [fileCommand, listCommand, resolveCommand, reportCommand, feedbackListCommand];
