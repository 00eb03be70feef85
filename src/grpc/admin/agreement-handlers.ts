/** Admin RPCs of data-sharing agreements. PLACEHOLDER: replaced by the agreement administration work (issue 6). */
import { CredfedError } from '../../core/errors.js';
import type * as pb from '../../gen/credfed/v1/admin.js';
import type { AdminDeps } from './admin-deps.js';

export function agreementHandlers(_deps: AdminDeps) {
  const missing = (): never => {
    throw new CredfedError('AGREEMENT_NOT_FOUND', 'agreement administration is not wired yet');
  };
  return {
    putAgreement: async (_req: pb.PutAgreementRequest): Promise<pb.PutAgreementResponse> => missing(),
    getAgreement: async (_req: pb.GetAgreementRequest): Promise<pb.GetAgreementResponse> => missing(),
    listAgreementHistory: async (_req: pb.ListAgreementHistoryRequest): Promise<pb.ListAgreementHistoryResponse> => missing(),
    diffAgreement: async (_req: pb.DiffAgreementRequest): Promise<pb.DiffAgreementResponse> => missing(),
    activateAgreement: async (_req: pb.ActivateAgreementRequest): Promise<pb.ActivateAgreementResponse> => missing(),
  };
}
