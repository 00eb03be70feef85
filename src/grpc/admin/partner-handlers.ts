/** Admin RPCs of the partner registry: list, get (with history), add, update, suspend, resume. */
import type * as pb from '../../gen/credfed/v1/admin.js';
import type { Partner, PartnerChange, PartnerSnapshot, RegistryPartnerKind } from '../../partners/partner.js';
import { validatePartner } from '../../partners/validate-partner.js';
import { CredfedError } from '../../core/errors.js';
import { dateToTimestamp } from '../../store/repos/record-rows.js';
import {
  addPartner,
  getPartner,
  listPartnerChanges,
  listPartners,
  setPartnerStatus,
  updatePartner,
  type PartnerPatch,
} from '../../store/repos/partners-repo.js';
import type { CallContext } from '../rpc-wrapper.js';
import { actorOf, given, text, type AdminDeps } from './admin-deps.js';

export function partnerMessage(p: Partner): pb.Partner {
  return {
    id: p.id,
    displayName: p.displayName,
    kind: p.kind,
    endpoint: p.endpoint ?? '',
    status: p.status,
    trustAnchor: p.trustAnchor ?? '',
    revision: p.revision,
    createdAt: dateToTimestamp(p.createdAt),
    updatedAt: dateToTimestamp(p.updatedAt),
  };
}

function snapshotMessage(s: PartnerSnapshot): pb.PartnerSnapshot {
  return { ...s, endpoint: s.endpoint ?? '', trustAnchor: s.trustAnchor ?? '' };
}

function changeMessage(c: PartnerChange): pb.PartnerChange {
  return {
    revision: c.revision,
    actor: c.actor,
    action: c.action,
    reason: c.reason ?? '',
    ...(c.before ? { before: snapshotMessage(c.before) } : {}),
    ...(c.after ? { after: snapshotMessage(c.after) } : {}),
    changedAt: dateToTimestamp(c.changedAt),
  };
}

export function partnerHandlers(deps: AdminDeps) {
  const by = (ctx: CallContext, reason: string, expectedRevision?: number) => ({
    actor: actorOf(ctx),
    ...(text(reason) !== undefined ? { reason } : {}),
    ...(expectedRevision !== undefined ? { expectedRevision } : {}),
  });
  return {
    async listPartners(req: pb.ListPartnersRequest): Promise<pb.ListPartnersResponse> {
      const page = await listPartners(deps.store, { pageSize: given(req.pageSize), pageToken: text(req.pageToken) });
      return { partners: page.items.map(partnerMessage), nextPageToken: page.nextPageToken ?? '' };
    },

    async getPartner(req: pb.GetPartnerRequest): Promise<pb.GetPartnerResponse> {
      const partner = await getPartner(deps.store, req.partnerId);
      if (!partner) throw new CredfedError('PARTNER_NOT_FOUND', `no partner ${JSON.stringify(req.partnerId)}`, { partnerId: req.partnerId });
      const history = await listPartnerChanges(deps.store, partner.id, { pageSize: given(req.historyPageSize), pageToken: text(req.historyPageToken) });
      return { partner: partnerMessage(partner), history: history.items.map(changeMessage), nextHistoryPageToken: history.nextPageToken ?? '' };
    },

    async addPartner(req: pb.AddPartnerRequest, ctx: CallContext): Promise<pb.AddPartnerResponse> {
      const def = validatePartner(
        { id: req.partnerId, kind: req.kind, displayName: text(req.displayName), endpoint: text(req.endpoint) },
        { nodeId: deps.config.nodeId },
      );
      if (def.error !== undefined) throw new CredfedError('PARTNER_INVALID', def.error.join('; '), { problems: def.error });
      return { partner: partnerMessage(await addPartner(deps.store, def.value, by(ctx, req.reason))) };
    },

    async updatePartner(req: pb.UpdatePartnerRequest, ctx: CallContext): Promise<pb.UpdatePartnerResponse> {
      const patch: PartnerPatch = {
        ...(req.displayName !== undefined ? { displayName: req.displayName } : {}),
        ...(req.kind !== undefined ? { kind: req.kind as RegistryPartnerKind } : {}),
        ...(req.endpoint !== undefined ? { endpoint: req.endpoint === '' ? null : req.endpoint } : {}),
      };
      const { partner, changed } = await updatePartner(deps.store, req.partnerId, patch, by(ctx, req.reason, given(req.expectedRevision)));
      return { partner: partnerMessage(partner), changed };
    },

    async suspendPartner(req: pb.SuspendPartnerRequest, ctx: CallContext): Promise<pb.SuspendPartnerResponse> {
      const { partner, changed } = await setPartnerStatus(deps.store, req.partnerId, 'suspended', by(ctx, req.reason));
      return { partner: partnerMessage(partner), changed };
    },

    async resumePartner(req: pb.ResumePartnerRequest, ctx: CallContext): Promise<pb.ResumePartnerResponse> {
      const { partner, changed } = await setPartnerStatus(deps.store, req.partnerId, 'active', by(ctx, req.reason));
      return { partner: partnerMessage(partner), changed };
    },
  };
}
