/**
 * Recognition as the RPCs offer it: one subject or a batch of up to 1,000,
 * this gateway's verdict alone (a partner's question: never fanned out
 * again, so there are no loops) or, for the platform's own users, combined
 * with its partners' verdicts. In a batch a subject whose identifier is
 * malformed gets its own error; the others are answered.
 */
import { CredfedError, type ErrorCode } from '../core/errors.js';
import type { RecognitionRules } from '../core/verdicts/recognition-rules.js';
import { combineLevels } from '../core/verdicts/compute-verdict.js';
import type { Recognition, SignedVerdict, SubjectError, SubjectQuery } from '../gen/credfed/v1/verdict.js';
import type { FanOut } from './fan-out.js';
import type { Asker, IssuedVerdict, LocalVerdicts } from './local-verdicts.js';

export const MAX_BATCH = 1000;
const MAX_REFERENCE = 200;
/** Subjects of a batch worked on at once (store round trips overlap). */
const BATCH_CONCURRENCY = 8;

/** Refusals that concern one subject of a batch, not the whole call. */
const SUBJECT_CODES: readonly ErrorCode[] = ['IDENTIFIER_INVALID', 'IDENTIFIER_AMBIGUOUS', 'PSEUDONYM_KEY_MISSING'];

export type Outcome<T> = { value: T } | { error: SubjectError };

export class Recognizer {
  constructor(
    private readonly local: LocalVerdicts,
    private readonly fanOut: FanOut | undefined,
    private readonly rules: RecognitionRules,
  ) {}

  /**
   * This gateway's verdicts only, one per subject. `single`: a subject's own
   * refusal (e.g. a malformed identifier) is thrown as the call's error.
   * `fromMemory`: a verdict may be answered from memory, resting on a premise
   * the caller has checked (LocalVerdicts.issue).
   */
  async verdicts(
    queries: readonly SubjectQuery[],
    purpose: number,
    reference: string,
    asker: Asker,
    opts: { single?: boolean; fromMemory?: boolean } = {},
  ): Promise<Outcome<IssuedVerdict>[]> {
    checkRequest(queries, reference);
    return mapLimited(queries, (q) => this.local.issue(q, purpose, asker, opts.fromMemory), opts.single ?? false);
  }

  /** This gateway's verdict and, when `federated`, its partners', combined per subject. */
  async recognitions(
    queries: readonly SubjectQuery[],
    purpose: number,
    reference: string,
    asker: Asker,
    federated: boolean,
    single = false,
  ): Promise<Outcome<Recognition & { subjectNote: string }>[]> {
    const own = await this.verdicts(queries, purpose, reference, asker, { single });
    const answered = own.flatMap((o, i) => ('value' in o ? [{ i, issued: o.value }] : []));
    const partners = federated && this.fanOut && answered.length > 0 ? await this.fanOut.ask(answered.map((a) => ({ query: queries[a.i]!, state: a.issued.state })), purpose, reference) : undefined;
    return own.map((o, i) => {
      if (!('value' in o)) return o;
      const k = answered.findIndex((a) => a.i === i);
      const theirs = partners?.[k];
      const verdicts: SignedVerdict[] = [o.value.signed, ...(theirs?.verdicts ?? [])];
      return {
        value: {
          level: combineLevels(verdicts.map((v) => v.verdict!.level), this.rules),
          verdicts,
          partial: (theirs?.missing.length ?? 0) > 0,
          missing: [...(theirs?.missing ?? [])],
          asked: [...(theirs?.asked ?? [])],
          subjectNote: o.value.subjectNote,
        },
      };
    });
  }
}

function checkRequest(queries: readonly SubjectQuery[], reference: string): void {
  if (queries.length > MAX_BATCH) throw new CredfedError('BATCH_TOO_LARGE', `${queries.length} subjects: a batch holds at most ${MAX_BATCH}`, { limit: MAX_BATCH });
  if (queries.length === 0) throw new CredfedError('QUERY_INVALID', 'subject: at least one subject is required');
  if (reference.length > MAX_REFERENCE) throw new CredfedError('QUERY_INVALID', `reference: at most ${MAX_REFERENCE} characters`);
}

/** Runs `fn` over the queries a few at a time, in order; a subject's own refusal becomes its error. */
async function mapLimited<T>(queries: readonly SubjectQuery[], fn: (q: SubjectQuery) => Promise<T>, rethrow: boolean): Promise<Outcome<T>[]> {
  const out: Outcome<T>[] = new Array(queries.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < queries.length; i = next++) {
      try {
        out[i] = { value: await fn(queries[i]!) };
      } catch (e) {
        if (rethrow || !(e instanceof CredfedError) || !SUBJECT_CODES.includes(e.code)) throw e;
        out[i] = { error: { reason: e.code, message: e.message } };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, queries.length) }, worker));
  return out;
}
