/**
 * Admin.ChangeRecordStatus: credit repair and revocation of this node's own
 * records (src/lifecycle/record-status.ts); the push senders are woken so
 * the new version leaves at once.
 */
import { CredfedError } from '../../core/errors.js';
import type { ChangeRecordStatusRequest, ChangeRecordStatusResponse } from '../../gen/credfed/v1/admin.js';
import { changeRecordStatus } from '../../lifecycle/record-status.js';
import type { CallContext } from '../rpc-wrapper.js';
import { actorOf, type AdminDeps } from './admin-deps.js';

export function recordHandlers(deps: AdminDeps) {
  return {
    changeRecordStatus: async (req: ChangeRecordStatusRequest, ctx: CallContext): Promise<ChangeRecordStatusResponse> => {
      const origin = req.originId || deps.config.nodeId;
      ctx.audit.subject = `${origin}/${req.recordId}`;
      if (origin !== deps.config.nodeId) {
        throw new CredfedError('NOT_ORIGIN', `record ${origin}/${req.recordId} originated at "${origin}": only its origin repairs or revokes it (this node is "${deps.config.nodeId}")`, { origin });
      }
      const changed = await changeRecordStatus(deps, req.recordId, {
        status: req.status,
        reason: req.reason,
        commitmentRef: req.commitmentRef,
        decidedOn: req.decidedOn,
        decidedBy: actorOf(ctx),
      });
      deps.notifyOutbox?.();
      ctx.audit.recordsAccepted = 1;
      return { record: changed.record, queuedFor: [...changed.queuedFor] };
    },
  };
}
