/**
 * `credfed record repair|revoke ID`: credit repair and revocation of this
 * node's own records, through a running gateway (Admin.ChangeRecordStatus,
 * admin certificate), which queues the new version for its push partners.
 */
import { RecordStatus } from '../../../gen/credfed/v1/record.js';
import type { ChangeRecordStatusResponse } from '../../../gen/credfed/v1/admin.js';
import { ADMIN_TARGET_HELP, ADMIN_TARGET_OPTIONS, adminTargetOf, adminUnary, remoteError, withAdminClient } from '../../admin-call.js';
import { EXIT, UsageError, type Command } from '../../command.js';

const CALL_TIMEOUT_MS = 30_000;

function statusCommand(verb: 'repair' | 'revoke'): Command {
  const repair = verb === 'repair';
  return {
    name: `record ${verb}`,
    summary: repair ? 'repair one of this node\'s records (信用修复): it leaves verdicts and query results everywhere it was sent' : 'revoke one of this node\'s records: it leaves verdicts and query results everywhere it was sent',
    options: { reason: { type: 'string' }, ...(repair ? { commitment: { type: 'string' } } : {}), on: { type: 'string' }, json: { type: 'boolean' }, ...ADMIN_TARGET_OPTIONS },
    allowPositionals: true,
    help: `Usage: credfed record ${verb} RECORD_ID --reason TEXT${repair ? ' --commitment REF' : ''} [--on YYYY-MM-DD] [--json]
                              [--config FILE --cert ADMIN.crt --key ADMIN.key | --data-dir DIR [--node ID]]

${
  repair
    ? `Credit repair (信用修复) of a negative record this node originated (a
penalty, dishonesty-list, dishonest-debtor or key-attention entry), once the
subject has fulfilled its obligations and made a credit commitment. Allowed
from the end of the record's minimum publicity (lifecycle.repairMinimum:
general penalties 3 months after the decision, serious ones and dishonesty
lists 12 months, by default).`
    : `Revocation of a record this node originated, any category, at any time:
the decision was withdrawn or annulled.`
}

The gateway stores the record's next version with status ${repair ? 'REPAIRED' : 'REVOKED'} and
the reason, and queues it for every partner its records are pushed to: each
receives it in order, retried until acknowledged (a partner that is offline
receives it when it is back), and the record leaves their verdicts and query
results. Only the origin may do this (NOT_ORIGIN elsewhere).

Options:
      --reason TEXT   why (required, at most 500 characters)${repair ? "\n      --commitment REF  the reference of the subject's credit commitment (required)" : ''}
      --on DATE       the decision date (default today, Asia/Shanghai)
      --json          print the new version as JSON
${ADMIN_TARGET_HELP}

Exit code: 0 done; 1 refused (RECORD_NOT_FOUND, NOT_ORIGIN, RECORD_STATUS_REFUSED
with the rule named, or the gateway unreachable); 2 wrong usage.

EXAMPLES
${
  repair
    ? `  credfed record repair XZCF-2026-0113 --reason "罚款已缴清，整改完成" --commitment CN-2026-0042 -c county.yaml --cert ops.crt --key ops.key
  npx credfed record repair XZCF-2026-0113 --node county-a --reason "整改完成" --commitment CN-7 --json`
    : `  credfed record revoke SXMD-2026-0007 --reason "列入决定已被依法撤销" -c county.yaml --cert ops.crt --key ops.key
  npx credfed record revoke SXMD-2026-0007 --node county-a --reason "复议撤销" --on 2026-11-30`
}
`,
    async run({ values, positionals }, io) {
      if (positionals.length !== 1) throw new UsageError('exactly one RECORD_ID is required');
      if (typeof values.reason !== 'string' || !values.reason.trim()) throw new UsageError('--reason TEXT is required');
      if (repair && typeof values.commitment !== 'string') throw new UsageError("--commitment REF is required (the subject's credit commitment)");
      const request = {
        recordId: positionals[0]!,
        status: repair ? RecordStatus.RECORD_STATUS_REPAIRED : RecordStatus.RECORD_STATUS_REVOKED,
        reason: values.reason,
        commitmentRef: typeof values.commitment === 'string' ? values.commitment : '',
        decidedOn: typeof values.on === 'string' ? values.on : '',
        originId: '',
      };
      const target = adminTargetOf(values);
      const res: ChangeRecordStatusResponse = await withAdminClient(target, (client) =>
        adminUnary(client, client.changeRecordStatus, request, CALL_TIMEOUT_MS).catch((e: unknown) => {
          throw remoteError(e);
        }),
      );
      const r = res.record!;
      const queued = res.queuedFor.length > 0 ? `queued for ${res.queuedFor.join(', ')}` : 'no push partner to queue it for';
      if (values.json) {
        io.out(`${JSON.stringify({ originId: r.originId, recordId: r.recordId, version: r.version, status: verb === 'repair' ? 'repaired' : 'revoked', statusChange: r.statusChange, queuedFor: res.queuedFor }, null, 2)}\n`);
      } else {
        io.out(`${r.originId}/${r.recordId} v${r.version} ${repair ? 'repaired' : 'revoked'} on ${r.statusChange!.decidedOn}; ${queued}\n`);
      }
      return EXIT.OK;
    },
  };
}

/** `credfed record …`: lifecycle of this node's own records. */
export const recordCommands: readonly Command[] = [statusCommand('repair'), statusCommand('revoke')];
