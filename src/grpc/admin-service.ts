import type { NodeConfig } from '../config/node-config.js';
import type { StatusResponse } from '../gen/credfed/v1/admin.js';
import { dateToTimestamp } from '../store/repos/record-rows.js';
import { countRecords, inboundState, outboundState } from '../store/repos/status-repo.js';
import type { Store } from '../store/store.js';
import type { SenderState } from '../sync/push-sender.js';

export const VERSION = '0.1.0';

/** Builds the Admin.Status answer from the store and the live senders. */
export async function nodeStatus(
  config: NodeConfig,
  store: Store,
  startedAt: Date,
  senders: ReadonlyMap<string, SenderState>,
  now: Date,
): Promise<StatusResponse> {
  const partners = await Promise.all(
    config.partners.map(async (p) => {
      const [out, inb] = await Promise.all([outboundState(store, p.id), inboundState(store, p.id)]);
      const sender = senders.get(p.id);
      return {
        partnerId: p.id,
        kind: p.kind,
        push: p.push,
        endpoint: p.endpoint ?? '',
        pending: out.pending,
        lastSeq: out.lastSeq,
        lastAckedSeq: out.ackedSeq,
        lastAckedAt: out.ackedAt ? dateToTimestamp(out.ackedAt) : undefined,
        lagSeconds: out.oldestPendingAt ? Math.max(0, (now.getTime() - out.oldestPendingAt.getTime()) / 1000) : 0,
        rejected: out.rejected,
        inboundLastSeq: inb.lastSeq,
        inboundLastAt: inb.lastAt ? dateToTimestamp(inb.lastAt) : undefined,
        inboundAccepted: inb.accepted,
        inboundUnchanged: inb.unchanged,
        inboundRejected: inb.rejected,
        sending: sender?.sending ?? false,
        lastError: sender?.lastError ?? '',
      };
    }),
  );
  return {
    nodeId: config.nodeId,
    federation: config.federation,
    storeBackend: store.backend,
    version: VERSION,
    startedAt: dateToTimestamp(startedAt),
    recordsHeld: await countRecords(store),
    partners,
  };
}
