/**
 * Repairs and revocations at the origin (issue 8, point 3): the record's next
 * version, stored and queued for every push partner in one transaction, so
 * it reaches each of them in order through the outbox (retried until
 * acknowledged, whenever the partner is back).
 */
import type { NodeConfig } from '../config/node-config.js';
import { pushPartnerIds } from '../config/node-config.js';
import type { Clock } from '../core/clock.js';
import { CredfedError } from '../core/errors.js';
import { publicityLimits, shanghaiDate } from '../core/lifecycle/publicity.js';
import { changeStatus, checkStatusChangeAsk, type StatusChangeAsk } from '../core/lifecycle/status-change.js';
import type { CreditRecord } from '../gen/credfed/v1/record.js';
import { applyRecords } from '../store/repos/apply-records.js';
import { lockRecord } from '../store/repos/record-by-key.js';
import type { Store } from '../store/store.js';

export interface StatusChanged {
  readonly record: CreditRecord;
  readonly queuedFor: readonly string[];
}

export async function changeRecordStatus(
  deps: { config: NodeConfig; store: Store; clock: Clock },
  recordId: string,
  ask: StatusChangeAsk,
): Promise<StatusChanged> {
  const { config, store } = deps;
  const today = shanghaiDate(deps.clock.now().getTime());
  if (!recordId.trim()) throw new CredfedError('ADMIN_REQUEST_INVALID', 'record_id: required');
  checkStatusChangeAsk(ask, today);
  const queuedFor = pushPartnerIds(config);
  const record = await store.transaction(async (tx) => {
    const held = await lockRecord(tx, config.nodeId, recordId);
    if (!held) throw new CredfedError('RECORD_NOT_FOUND', `no record "${recordId}" of this node (${config.nodeId}) is held`, { recordId });
    const next = changeStatus(held, ask, { nodeId: config.nodeId, today, repairMinimum: publicityLimits(config.lifecycle.repairMinimum) });
    await applyRecords(tx, [next], { receivedFrom: 'local', assignVersions: false, outboxPartners: queuedFor, decision: true });
    return next;
  });
  return { record, queuedFor };
}
