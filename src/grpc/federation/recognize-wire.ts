/**
 * Recognize with its answer serialised once per signed verdict: a verdict
 * served from the cache is the same object call after call, so the answer's
 * bytes are kept with it (weakly: they go when the verdict leaves the cache)
 * instead of being encoded again for every call. Signed verdicts are never
 * changed once issued, so the bytes stay those of the verdict.
 */
import { FederationService, RecognizeResponse } from '../../gen/credfed/v1/federation.js';
import type { SignedVerdict } from '../../gen/credfed/v1/verdict.js';

const answers = new WeakMap<SignedVerdict, Buffer>();

/** The wire bytes of a Recognize answer; encoded on the verdict's first answer only. */
export function recognizeAnswerBytes(res: RecognizeResponse): Buffer {
  const verdict = res.verdict;
  if (!verdict) return Buffer.from(RecognizeResponse.encode(res).finish());
  let bytes = answers.get(verdict);
  if (!bytes) answers.set(verdict, (bytes = Buffer.from(RecognizeResponse.encode(res).finish())));
  return bytes;
}

/** Federation.Recognize as the contract defines it, with the serialiser above for answers. */
export const recognizeWireDefinition = { ...FederationService.recognize, responseSerialize: recognizeAnswerBytes };
