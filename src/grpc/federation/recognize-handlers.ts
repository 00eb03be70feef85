/**
 * Federation.Recognize and RecognizeBatch: this gateway's signed verdicts,
 * for a partner whose agreement allows the stated purpose (the wrapper
 * decides that); basis records filtered by its agreement. Never fanned out.
 */
import { CredfedError } from '../../core/errors.js';
import type { RecognizeBatchRequest, RecognizeBatchResponse, RecognizeRequest, RecognizeResponse } from '../../gen/credfed/v1/federation.js';
import type { Asker } from '../../recognition/local-verdicts.js';
import type { Recognizer } from '../../recognition/recognizer.js';
import type { CallContext } from '../rpc-wrapper.js';

export function recognizeHandlers(recognizer: Recognizer) {
  const askerOf = (ctx: CallContext): Asker => ({ ...(ctx.partner ? { partnerId: ctx.partner.id } : {}), ...(ctx.agreement ? { agreement: ctx.agreement } : {}) });
  return {
    recognize: async (req: RecognizeRequest, ctx: CallContext): Promise<RecognizeResponse> => {
      if (!req.subject) throw new CredfedError('QUERY_INVALID', 'subject: required');
      const [outcome] = await recognizer.verdicts([req.subject], req.purpose, req.reference, askerOf(ctx), { single: true, fromMemory: ctx.premisesChecked });
      if (!outcome || !('value' in outcome)) throw new Error('a single recognition answers or throws');
      if (outcome.value.premise) ctx.audit.premises = [outcome.value.premise];
      ctx.audit.subject = outcome.value.subjectNote;
      ctx.audit.recordsReturned = outcome.value.signed.verdict?.basis.length ?? 0;
      return { verdict: outcome.value.signed };
    },
    recognizeBatch: async (req: RecognizeBatchRequest, ctx: CallContext): Promise<RecognizeBatchResponse> => {
      const outcomes = await recognizer.verdicts(req.subjects, req.purpose, req.reference, askerOf(ctx));
      ctx.audit.subject = `${req.subjects.length} subjects`;
      ctx.audit.recordsReturned = outcomes.filter((o) => 'value' in o).length;
      return {
        results: outcomes.map((o, index) => ({ index, outcome: 'value' in o ? { $case: 'verdict', value: o.value.signed } : { $case: 'error', value: o.error } })),
      };
    },
  };
}
