/** Federation.ListAuditEntries: the calling partner's own entries of this gateway's audit log. */
import { listEntries } from '../../audit/audit-entries.js';
import type { AuditEntry } from '../../core/audit/audit-event.js';
import { CredfedError } from '../../core/errors.js';
import type { AuditEntry as AuditEntryMessage } from '../../gen/credfed/v1/audit.js';
import type { ListAuditEntriesRequest, ListAuditEntriesResponse } from '../../gen/credfed/v1/federation.js';
import { dateToTimestamp } from '../../store/repos/record-rows.js';
import type { Store } from '../../store/store.js';
import type { CallContext } from '../rpc-wrapper.js';

const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;

export function listAuditEntriesHandler(store: Store) {
  return async (req: ListAuditEntriesRequest, ctx: CallContext): Promise<ListAuditEntriesResponse> => {
    if (req.pageSize < 0 || req.pageSize > MAX_PAGE) throw new CredfedError('QUERY_INVALID', `page_size: from 0 to ${MAX_PAGE}`);
    const toDate = (t: { seconds: number; nanos: number } | undefined) => (t ? new Date(t.seconds * 1000 + Math.floor(t.nanos / 1e6)) : undefined);
    const page = await listEntries(
      store,
      { partner: ctx.partner!.id, ...(req.from ? { from: toDate(req.from) } : {}), ...(req.to ? { to: toDate(req.to) } : {}) },
      { size: req.pageSize || DEFAULT_PAGE, ...(req.pageToken ? { pageToken: req.pageToken } : {}) },
    );
    ctx.audit.recordsReturned = page.items.length;
    return { entries: page.items.map(auditEntryMessage), nextPageToken: page.nextPageToken ?? '' };
  };
}

export function auditEntryMessage(e: AuditEntry): AuditEntryMessage {
  return {
    chain: e.chain,
    seq: e.seq,
    at: dateToTimestamp(e.at),
    actor: e.actor,
    partner: e.partner ?? '',
    certificateFingerprint: e.certificateFingerprint ?? '',
    method: e.method,
    purpose: e.purpose ?? '',
    subject: e.subject ?? '',
    decision: e.decision,
    reason: e.reason ?? '',
    agreementId: e.agreementId ?? '',
    agreementVersion: e.agreementVersion ?? 0,
    recordsReturned: e.recordsReturned ?? 0,
    recordsAccepted: e.recordsAccepted ?? 0,
    recordsRejected: e.recordsRejected ?? 0,
    reference: e.reference ?? '',
    prevHash: e.prevHash,
    hash: e.hash,
  };
}
