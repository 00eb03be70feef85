/**
 * Admin.Recognize and RecognizeBatch: recognition asked by this platform's
 * own users (e.g. a bidding office) — this gateway's verdict, which lists
 * every basis record, and with `federated` its partners' verdicts too.
 */
import { CredfedError } from '../../core/errors.js';
import type { AdminRecognizeBatchRequest, AdminRecognizeBatchResponse, AdminRecognizeRequest, AdminRecognizeResponse } from '../../gen/credfed/v1/admin.js';
import type { Recognizer } from '../../recognition/recognizer.js';
import type { CallContext } from '../rpc-wrapper.js';

export function adminRecognizeHandlers(recognizer: Recognizer | undefined) {
  const need = (purpose: number): Recognizer => {
    if (purpose === 0) throw new CredfedError('QUERY_INVALID', 'purpose: required (why the subject is looked at)');
    if (!recognizer) throw new CredfedError('VERDICT_SIGNER_MISSING', 'recognition is not wired on this gateway');
    return recognizer;
  };
  return {
    recognize: async (req: AdminRecognizeRequest, ctx: CallContext): Promise<AdminRecognizeResponse> => {
      if (!req.subject) throw new CredfedError('QUERY_INVALID', 'subject: required');
      const [outcome] = await need(req.purpose).recognitions([req.subject], req.purpose, req.reference, {}, req.federated, true);
      if (!outcome || !('value' in outcome)) throw new Error('a single recognition answers or throws');
      const { subjectNote, ...recognition } = outcome.value;
      ctx.audit.subject = subjectNote;
      ctx.audit.recordsReturned = recognition.verdicts.length;
      return { recognition };
    },
    recognizeBatch: async (req: AdminRecognizeBatchRequest, ctx: CallContext): Promise<AdminRecognizeBatchResponse> => {
      const outcomes = await need(req.purpose).recognitions(req.subjects, req.purpose, req.reference, {}, req.federated);
      ctx.audit.subject = `${req.subjects.length} subjects`;
      ctx.audit.recordsReturned = outcomes.filter((o) => 'value' in o).length;
      return {
        results: outcomes.map((o, index) => {
          if (!('value' in o)) return { index, outcome: { $case: 'error', value: o.error } };
          const { subjectNote: _note, ...recognition } = o.value;
          return { index, outcome: { $case: 'recognition', value: recognition } };
        }),
      };
    },
  };
}
