/**
 * The `recognition` section of a node's configuration (issue 7).
 *
 * CONTRACT STUB — parsing and defaults are filled in by the rules work.
 */
import type { RecognitionRules } from '../core/verdicts/recognition-rules.js';

export interface RecognitionConfig {
  /** The verdict-signing certificate and key (`credfed cert issue --profile verdict`); unset: this node issues no verdicts (Recognize is FAILED_PRECONDITION / VERDICT_SIGNER_MISSING). */
  readonly signing?: { readonly cert: string; readonly key: string };
  /** How long an issued verdict may be relied on (default 300, at most 300). */
  readonly validitySeconds: number;
  /** How long a federated recognition waits for each partner (default 800 ms). */
  readonly partnerDeadlineMs: number;
  readonly rules: RecognitionRules;
}
