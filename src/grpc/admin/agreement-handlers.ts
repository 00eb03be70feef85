/** Admin RPCs of data-sharing agreements: put, get, history, diff, activate (src/agreements/agreement-admin.ts). */
import { activateAgreement, getAgreement, governedPartners, listAgreementHistory, putAgreement, versionsToCompare } from '../../agreements/agreement-admin.js';
import { diffAgreements } from '../../core/agreements/diff-agreement.js';
import { CredfedError } from '../../core/errors.js';
import type * as pb from '../../gen/credfed/v1/admin.js';
import type { AgreementVersion } from '../../gen/credfed/v1/agreement.js';
import type { AgreementRow } from '../../store/repos/agreements-repo.js';
import { dateToTimestamp } from '../../store/repos/record-rows.js';
import type { Store } from '../../store/store.js';
import type { CallContext } from '../rpc-wrapper.js';
import { actorOf, given, text, type AdminDeps } from './admin-deps.js';

export function agreementHandlers(deps: AdminDeps) {
  const message = (row: AgreementRow) => versionMessage(deps.store, row);
  return {
    async putAgreement(req: pb.PutAgreementRequest, ctx: CallContext): Promise<pb.PutAgreementResponse> {
      if (!req.document.trim()) throw new CredfedError('AGREEMENT_INVALID', 'document: is empty');
      const row = await putAgreement(deps.store, req.document, { actor: actorOf(ctx), draft: req.draft, dryRun: req.dryRun });
      return { agreement: await message(row) };
    },
    async getAgreement(req: pb.GetAgreementRequest): Promise<pb.GetAgreementResponse> {
      if (Boolean(req.agreementId) === Boolean(req.partnerId)) throw new CredfedError('ADMIN_REQUEST_INVALID', 'give exactly one of agreement_id and partner_id');
      const row = await getAgreement(deps.store, { agreementId: text(req.agreementId), partnerId: text(req.partnerId), version: given(req.version) });
      return { agreement: await message(row) };
    },
    async listAgreementHistory(req: pb.ListAgreementHistoryRequest): Promise<pb.ListAgreementHistoryResponse> {
      if (!req.agreementId) throw new CredfedError('ADMIN_REQUEST_INVALID', 'agreement_id is required');
      const page = await listAgreementHistory(deps.store, req.agreementId, { pageSize: given(req.pageSize), pageToken: text(req.pageToken) });
      return { versions: await Promise.all(page.items.map(message)), nextPageToken: page.nextPageToken ?? '' };
    },
    async diffAgreement(req: pb.DiffAgreementRequest): Promise<pb.DiffAgreementResponse> {
      if (!req.agreementId) throw new CredfedError('ADMIN_REQUEST_INVALID', 'agreement_id is required');
      const [from, to] = await versionsToCompare(deps.store, req.agreementId, given(req.fromVersion), given(req.toVersion));
      return {
        fromVersion: from.version,
        toVersion: to.version,
        changes: diffAgreements(from.agreement, to.agreement).map((d) => ({
          path: d.path,
          before: d.before === undefined ? '' : JSON.stringify(d.before),
          after: d.after === undefined ? '' : JSON.stringify(d.after),
        })),
      };
    },
    async activateAgreement(req: pb.ActivateAgreementRequest, ctx: CallContext): Promise<pb.ActivateAgreementResponse> {
      if (!req.agreementId || req.version < 1) throw new CredfedError('ADMIN_REQUEST_INVALID', 'agreement_id and a positive version are required');
      return { agreement: await message(await activateAgreement(deps.store, req.agreementId, req.version, actorOf(ctx))) };
    },
  };
}

export async function versionMessage(store: Store, row: AgreementRow): Promise<AgreementVersion> {
  return {
    agreementId: row.agreement.id,
    version: row.version,
    document: row.document,
    state: row.state,
    partners: row.state === 'superseded' ? [] : await governedPartners(store, row.agreement),
    createdAt: dateToTimestamp(row.createdAt),
    createdBy: row.createdBy,
    activatedAt: row.activatedAt ? dateToTimestamp(row.activatedAt) : undefined,
    activatedBy: row.activatedBy ?? '',
    validFrom: dateToTimestamp(row.agreement.validFrom),
    validUntil: dateToTimestamp(row.agreement.validUntil),
  };
}
