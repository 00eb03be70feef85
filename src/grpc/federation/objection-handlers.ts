/**
 * Federation.ForwardObjection and Federation.ReportFeedback: an objection or
 * a feedback report passed on by the partner a record was sent to, stored
 * here and passed on towards the record's origin (src/lifecycle/objections.ts).
 * The sending partner is taken from its certificate; the message's own
 * routing fields are ignored. Only records the partner's agreement lets it
 * see can be objected to or reported on; others are answered as not held.
 */
import { CredfedError } from '../../core/errors.js';
import type { ForwardObjectionRequest, ForwardObjectionResponse, ReportFeedbackRequest, ReportFeedbackResponse } from '../../gen/credfed/v1/objection.js';
import { timeOf } from '../../lifecycle/objection-wire.js';
import { visibilityOf } from '../../core/agreements/evaluate.js';
import { receiveFeedback, receiveObjection, type MayKnow, type ObjectionDeps } from '../../lifecycle/objections.js';
import type { CallContext } from '../rpc-wrapper.js';

export function partnerObjectionHandlers(deps: ObjectionDeps) {
  return {
    forwardObjection: async (req: ForwardObjectionRequest, ctx: CallContext): Promise<ForwardObjectionResponse> => {
      const o = req.objection;
      if (!o) throw new CredfedError('OBJECTION_INVALID', 'objection: required');
      ctx.audit.subject = `${o.originId}/${o.recordId}`;
      const filedTime = timeOf(o.filedTime);
      if (!filedTime) throw new CredfedError('OBJECTION_INVALID', 'filed_time: required');
      await receiveObjection(deps, ctx.partner!.id, {
        objectionId: o.objectionId,
        originId: o.originId,
        recordId: o.recordId,
        version: o.version,
        filedAt: o.filedAt,
        complainant: o.complainant,
        reason: o.reason,
        filedTime,
      }, mayKnow(deps, ctx));
      return {};
    },
    reportFeedback: async (req: ReportFeedbackRequest, ctx: CallContext): Promise<ReportFeedbackResponse> => {
      const f = req.feedback;
      if (!f) throw new CredfedError('FEEDBACK_INVALID', 'feedback: required');
      ctx.audit.subject = `${f.originId}/${f.recordId}`;
      const reportedTime = timeOf(f.reportedTime);
      if (!reportedTime) throw new CredfedError('FEEDBACK_INVALID', 'reported_time: required');
      await receiveFeedback(deps, ctx.partner!.id, {
        feedbackId: f.feedbackId,
        originId: f.originId,
        recordId: f.recordId,
        reportedBy: f.reportedBy,
        measure: f.measure,
        appliedOn: f.appliedOn,
        reportedTime,
      }, mayKnow(deps, ctx));
      return {};
    },
  };
}

/** What the calling partner may know of: the records its agreement lets it see (everything when agreements are off). */
function mayKnow(deps: ObjectionDeps, ctx: CallContext): MayKnow {
  const agreement = ctx.agreementNow()?.agreement;
  if (!agreement) return () => true;
  const v = visibilityOf(agreement);
  const sides = [deps.config.nodeId, ctx.partner!.id];
  return (held) => v.categories.includes(held.category) && v.disclosures.includes(held.disclosure) && (v.thirdParty || sides.includes(held.originId));
}
