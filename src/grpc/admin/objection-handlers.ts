/**
 * Admin objections and feedback (issue 8): filing an objection for a subject
 * or its agent, listing and resolving objections (at the origin), reporting
 * a measure applied and listing feedback (src/lifecycle/objections.ts).
 */
import type {
  AdminReportFeedbackRequest,
  AdminReportFeedbackResponse,
  FileObjectionRequest,
  FileObjectionResponse,
  ListFeedbackRequest,
  ListFeedbackResponse,
  ListObjectionsRequest,
  ListObjectionsResponse,
  ResolveObjectionRequest,
  ResolveObjectionResponse,
} from '../../gen/credfed/v1/admin.js';
import { feedbackMessage, objectionMessage } from '../../lifecycle/objection-wire.js';
import { fileObjection, reportFeedback, resolveObjection, type ObjectionDeps } from '../../lifecycle/objections.js';
import { listFeedback, listObjections } from '../../store/repos/objections-repo.js';
import type { CallContext } from '../rpc-wrapper.js';
import { actorOf } from './admin-deps.js';

const pageOf = (req: { pageSize: number; pageToken: string }) => ({ pageSize: req.pageSize === 0 ? undefined : req.pageSize, pageToken: req.pageToken || undefined });

export function objectionHandlers(deps: ObjectionDeps) {
  return {
    fileObjection: async (req: FileObjectionRequest, ctx: CallContext): Promise<FileObjectionResponse> => {
      ctx.audit.subject = `${req.originId || '?'}/${req.recordId}`;
      const o = await fileObjection(deps, { originId: req.originId, recordId: req.recordId, complainant: req.complainant, reason: req.reason });
      ctx.audit.subject = `${o.originId}/${o.recordId}`;
      return { objection: objectionMessage(o) };
    },
    listObjections: async (req: ListObjectionsRequest): Promise<ListObjectionsResponse> => {
      const page = await listObjections(deps.store, req.state, pageOf(req));
      return { objections: page.items.map(objectionMessage), nextPageToken: page.nextPageToken ?? '' };
    },
    resolveObjection: async (req: ResolveObjectionRequest, ctx: CallContext): Promise<ResolveObjectionResponse> => {
      const r = await resolveObjection(deps, { objectionId: req.objectionId, outcome: req.outcome, reason: req.reason, decidedBy: actorOf(ctx) });
      ctx.audit.subject = `${r.objection.originId}/${r.objection.recordId}`;
      ctx.audit.recordsAccepted = 1;
      return { objection: objectionMessage(r.objection), record: r.record, queuedFor: r.queuedFor };
    },
    reportFeedback: async (req: AdminReportFeedbackRequest, ctx: CallContext): Promise<AdminReportFeedbackResponse> => {
      ctx.audit.subject = `${req.originId}/${req.recordId}`;
      const f = await reportFeedback(deps, { originId: req.originId, recordId: req.recordId, measure: req.measure, appliedOn: req.appliedOn });
      return { feedback: feedbackMessage(f) };
    },
    listFeedback: async (req: ListFeedbackRequest): Promise<ListFeedbackResponse> => {
      const page = await listFeedback(deps.store, req.recordId, pageOf(req));
      return { feedback: page.items.map(feedbackMessage), nextPageToken: page.nextPageToken ?? '' };
    },
  };
}
